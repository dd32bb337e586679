/**
 * Types of the discovery index: the decoded registry node, discovery criteria (the original
 * design's `DiscoveryCriteria` plus every `PoolBuilder` filter) and query results.
 *
 * Units are fixed so that every comparison is an exact integer comparison:
 * sizes in GB (integers), bandwidth in Mbps, latency in ms, scores in parts per million,
 * prices in base units of `prices.token` (bigint), times in unix seconds.
 */
import type { Address } from "viem";

/**
 * Lifecycle of a node as discovery sees it (`unbonding` = an unbonding request is pending).
 *
 * @example
 * ```ts
 * const s: NodeStatus = "active";
 * ```
 */
export type NodeStatus = "active" | "paused" | "unbonding" | "deregistered";

/**
 * GPU interconnect.
 *
 * @example
 * ```ts
 * const i: Interconnect = "nvlink";
 * ```
 */
export type Interconnect = "none" | "nvlink" | "infiniband";
/**
 * CPU architecture.
 *
 * @example
 * ```ts
 * const a: CpuArchitecture = "arm64";
 * ```
 */
export type CpuArchitecture = "x86_64" | "arm64";
/**
 * System memory type.
 *
 * @example
 * ```ts
 * const m: MemoryType = "ddr5";
 * ```
 */
export type MemoryType = "ddr4" | "ddr5" | "hbm";
/**
 * Storage medium.
 *
 * @example
 * ```ts
 * const t: StorageType = "nvme";
 * ```
 */
export type StorageType = "ssd" | "nvme" | "hdd";

/**
 * The hardware a node declares on-chain (mirrors `Capabilities` in contracts/types/NodeTypes.sol).
 *
 * @example
 * ```ts
 * import type { NodeCapabilities } from "./client/discovery/types.ts";
 * const caps: NodeCapabilities = {
 *   gpu: { model: "a100", count: 8, memoryGb: 80, computeCapability: 80, interconnect: "nvlink" },
 *   cpu: { architecture: "x86_64", cores: 128, threads: 256, mhz: 2400 },
 *   memory: { gb: 1024, type: "ddr5", speedMhz: 4800 },
 *   storage: { type: "nvme", gb: 20000, iops: 1_000_000 },
 *   network: { bandwidthMbps: 25000, latencyMs: 1 },
 *   region: "us-east-1",
 * };
 * ```
 */
export interface NodeCapabilities {
  /** `model` "" and `count` 0 mean no GPU. `memoryGb` is per GPU; `computeCapability` is ×10 (8.9 → 89). */
  gpu: {
    model: string;
    count: number;
    memoryGb: number;
    computeCapability: number;
    interconnect: Interconnect;
  };
  cpu: { architecture: CpuArchitecture; cores: number; threads: number; mhz: number };
  memory: { gb: number; type: MemoryType; speedMhz: number };
  storage: { type: StorageType; gb: number; iops: number };
  network: { bandwidthMbps: number; latencyMs: number };
  region: string;
}

/**
 * A node's posted prices, in base units of `token` (mirrors `Prices` in NodeTypes.sol).
 *
 * @example
 * ```ts
 * import type { NodePrices } from "./client/discovery/types.ts";
 * const eth = "0x0000000000000000000000000000000000000000";
 * const prices: NodePrices = { token: eth, gpuHour: 5n * 10n ** 17n, cpuCoreHour: 0n, memoryGbHour: 0n,
 *   storageGbHour: 0n, networkGb: 0n, perJob: 0n, minimumJob: 0n };
 * ```
 */
export interface NodePrices {
  /** The token prices are in; the zero address is ETH. */
  token: Address;
  gpuHour: bigint;
  cpuCoreHour: bigint;
  memoryGbHour: bigint;
  storageGbHour: bigint;
  networkGb: bigint;
  /** Flat fee per job. */
  perJob: bigint;
  /** Minimum charge per job. */
  minimumJob: bigint;
}

/**
 * The decoded form of one registry node, as the index holds it.
 *
 * @example
 * ```ts
 * import type { NodeRecord } from "./client/discovery/types.ts";
 * declare const record: NodeRecord;
 * console.log(record.id, record.capabilities.gpu.model, record.reputationPpm / 1e6);
 * ```
 */
export interface NodeRecord {
  id: bigint;
  owner: Address;
  signer: Address;
  status: NodeStatus;
  /** The bond token; the zero address is ETH. */
  bondToken: Address;
  /** Total bond, base units. */
  bond: bigint;
  /** Bond not locked as collateral, base units. */
  freeBond: bigint;
  /** Reputation score, 0..1_000_000 (1.0). */
  reputationPpm: number;
  /** Share of heartbeat epochs the node was seen, 0..1_000_000. */
  availabilityPpm: number;
  /** Unix seconds of the last heartbeat. */
  lastSeen: number;
  capabilities: NodeCapabilities;
  prices: NodePrices;
  /** Pools the node belongs to, when known. */
  pools?: bigint[];
}

/**
 * A size: a number of GB, or a unit string such as "80GB", "4TB", "512MB", "1.5 TB".
 *
 * @example
 * ```ts
 * const sizes: Size[] = ["80GB", "4TB", 24];
 * ```
 */
export type Size = number | string;

/**
 * One capability requirement of the Specialized Hardware pattern. Every field of `specs` is
 * optional; each given field becomes its own filter (so a failure names the exact field).
 *
 * @example
 * ```ts
 * import type { CapabilityRequirement } from "./client/discovery/types.ts";
 * const caps: CapabilityRequirement[] = [
 *   { type: "gpu", specs: { type: "h100", memory: "80GB", interconnect: "nvlink" } },
 *   { type: "storage", specs: { type: "nvme", capacity: "4TB", iops: 500000 } },
 * ];
 * ```
 */
export type CapabilityRequirement =
  | {
      type: "gpu";
      specs: {
        /** GPU model, case-insensitive ("h100"). */
        type?: string;
        /** Minimum memory per GPU. */
        memory?: Size;
        /** Minimum GPU count. */
        count?: number;
        /** Minimum compute capability as a number (8.9). */
        computeCapability?: number;
        interconnect?: Interconnect;
      };
    }
  | {
      type: "cpu";
      specs: { architecture?: CpuArchitecture; cores?: number; threads?: number; frequency?: number };
    }
  | { type: "memory"; specs: { total?: Size; type?: MemoryType; speed?: number } }
  | { type: "storage"; specs: { type?: StorageType; capacity?: Size; iops?: number } }
  | { type: "network"; specs: { bandwidth?: number; latency?: number } };

/**
 * The design's `NodeCapabilities` shape (what `NodeBuilder.capabilities` takes and `Node.capabilities`
 * holds), accepted as a discovery requirement.
 *
 * @example
 * ```ts
 * import type { CapabilitiesLike } from "./client/discovery/types.ts";
 * const caps: CapabilitiesLike = { gpu: { type: "a100", memory: "80GB", count: 8, interconnect: "nvlink" },
 *   network: { bandwidth: 25000, latency: 1 } };
 * ```
 */
export interface CapabilitiesLike {
  gpu?:
    | { type: string; memory?: Size; count?: number; computeCapability?: number; interconnect?: Interconnect }
    | undefined;
  cpu?: { architecture?: CpuArchitecture; cores?: number; threads?: number; frequency?: number } | undefined;
  memory?: { total?: Size; type?: MemoryType; speed?: number } | undefined;
  storage?: { type?: StorageType; capacity?: Size; iops?: number } | undefined;
  network?: { bandwidth?: number; latency?: number } | undefined;
}

/**
 * How a price cap is read: see client/pool/cost.ts for the exact definitions.
 *
 * @example
 * ```ts
 * const model: PriceModel = "per-job";
 * ```
 */
export type PriceModel = "per-hour" | "per-job" | "per-compute";

/**
 * The original design's `DiscoveryCriteria`.
 *
 * @example
 * ```ts
 * import type { DiscoveryCriteria } from "./client/discovery/types.ts";
 * const c: DiscoveryCriteria = { minNodes: 5, reputation: 0.95, availability: 0.99,
 *   pricing: { max: "0.5", currency: "ETH", model: "per-hour" } };
 * ```
 */
export interface DiscoveryCriteria {
  minNodes?: number;
  maxNodes?: number;
  regions?: string[];
  /**
   * A list of requirements (the Specialized Hardware pattern), or a node's declared capabilities in
   * the design's `NodeCapabilities` shape (the High-Reliability pattern's replacement search:
   * `capabilities: lostNode.capabilities`), read as "at least this": see `capabilityRequirements`.
   */
  capabilities?: CapabilityRequirement[] | CapabilitiesLike;
  /** Minimum reputation score, 0..1. */
  reputation?: number;
  /** Maximum latency, ms. */
  latency?: number;
  /** Minimum availability, 0..1 (the design's example: 0.99). */
  availability?: number;
  pricing?: { max: string; currency: string; model: PriceModel };
}

/**
 * `preferredPricing` strategies. See filters.ts for what each one does.
 *
 * @example
 * ```ts
 * const s: PricingStrategy = "spot-pricing";
 * ```
 */
export type PricingStrategy = "spot-pricing" | "on-demand" | "reserved";

/**
 * `PoolBuilder.preferredPricing(...)` argument.
 *
 * @example
 * ```ts
 * import type { PricingPreference } from "./client/discovery/types.ts";
 * const p: PricingPreference = { strategy: "spot-pricing", maxPrice: "0.3" };
 * ```
 */
export interface PricingPreference {
  strategy?: PricingStrategy;
  /** Price cap in token units; its token is `token`, else `pricing.currency`, else the `maxCostPerHour` token. */
  maxPrice?: string;
  token?: string;
  /** What `maxPrice` caps; default "per-hour". */
  model?: PriceModel;
}

/**
 * Every `PoolBuilder` filter, as the builder accumulates them.
 *
 * @example
 * ```ts
 * import type { BuilderFilters } from "./client/discovery/types.ts";
 * const f: BuilderFilters = { regions: ["us-east-1"], minGPUs: { count: 4, type: "a100" },
 *   maxCostPerHour: { amount: "1.0", token: "ETH" } };
 * ```
 */
export interface BuilderFilters {
  /** `nodes(ids)`: only these node ids (decimal strings or bigints). */
  nodes?: (string | bigint)[];
  /** `region(r)`: one or several regions. */
  regions?: string[];
  /** `minGPUs(count, type?)`. */
  minGPUs?: { count: number; type?: string };
  /** `minMemory(gb)`: system memory. */
  minMemory?: number;
  /** `minBandwidth(mbps)`. */
  minBandwidth?: number;
  /** `maxCostPerHour(amount, token?)`. */
  maxCostPerHour?: { amount: string; token?: string };
  /** `preferredPricing(...)`. */
  preferredPricing?: PricingPreference;
}

/**
 * A whole query: the design's criteria plus the builder's filters.
 *
 * @example
 * ```ts
 * const q: Query = { criteria: { minNodes: 1 }, filters: { minGPUs: { count: 1 }, maxCostPerHour: { amount: "1.0", token: "ETH" } } };
 * ```
 */
export interface Query {
  criteria?: DiscoveryCriteria;
  filters?: BuilderFilters;
}

/**
 * Weights of the ranking score (non-negative integers; they need not sum to anything).
 *
 * @example
 * ```ts
 * const cheapFirst: RankWeights = { price: 80, reputation: 20, latency: 0 };
 * ```
 */
export interface RankWeights {
  price: number;
  reputation: number;
  latency: number;
}

/**
 * Dependencies and settings of a query.
 *
 * @example
 * ```ts
 * import type { QueryOptions } from "./client/discovery/types.ts";
 * const options: QueryOptions = {
 *   toBaseUnits: (amount, token) => parseUnits(amount, decimalsOf(token)),
 *   resolveToken: (token) => addressOf(token),
 *   now: Math.floor(Date.now() / 1000),
 * };
 * ```
 */
export interface QueryOptions {
  /** Converts a decimal amount in token units to base units, exactly (client/money). */
  toBaseUnits: (amount: string, token: string) => bigint;
  /** Maps a token name ("ETH", "USDC" or an address) to its address (ETH = zero address). */
  resolveToken: (token: string) => Address;
  /** Current unix time, seconds (for heartbeat staleness). */
  now: number;
  /** A node whose last heartbeat is older than this is excluded. Default 3600 s. */
  maxHeartbeatAgeSeconds?: number;
  /** Minimum free bond in the node's bond token (e.g. the pool's minBond). Default 0. */
  minFreeBond?: bigint;
  /** Job length used to price "per-job" caps and rankings. Default 3600 s. */
  referenceJobSeconds?: number;
  /** Ranking weights. Default {price: 50, reputation: 30, latency: 20}. */
  weights?: RankWeights;
}
