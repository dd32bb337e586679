/**
 * Exact cost definitions shared by discovery (price filters and ranking), pool estimates and
 * the scheduler. Everything is bigint base units of the node's `prices.token`.
 *
 * Definitions (the single source of truth; the report and README quote them):
 * - **hourly rate for a shape** = gpuHour·gpus + cpuCoreHour·cpuCores + memoryGbHour·memoryGb
 *   + storageGbHour·storageGb.
 * - **node cost per hour** (`maxCostPerHour`, pricing model "per-hour") = the hourly rate of the
 *   whole machine: all its GPUs, all its cores, all its memory, and **no storage** — storage is
 *   billed for the data a job keeps, not for the disk a node happens to have (20 TB of idle disk
 *   would otherwise dominate the price and misrank nodes). Network (per GB moved) is excluded too:
 *   it depends on the job's transfers, unknown at discovery time.
 * - **job cost** of a job of `seconds` on a shape = max(minimumJob, perJob + ⌈rate·seconds/3600⌉):
 *   what the node may invoice (metered usage at its prices plus its flat fee, never below its
 *   minimum), rounded up so an estimate never undershoots the invoice.
 * - **per-job price** of a node (pricing model "per-job") = the job cost of a whole-machine job of
 *   `referenceJobSeconds` (default 3600 s).
 * - **per-compute price** (pricing model "per-compute") = the price of one unit of compute for one
 *   hour: gpuHour on a node with GPUs, else cpuCoreHour. The registry stores no FLOP benchmark
 *   on-chain (benchmarks live in the metadata document), so a per-GFLOP price cannot be checked
 *   against chain data; the unit-hour price is the honest, verifiable analogue.
 */
import type { NodePrices, NodeRecord, PriceModel } from "../discovery/types.ts";
import { MixedPriceTokensError } from "../discovery/errors.ts";

/**
 * Resources a job uses on a node. Omitted fields count as 0.
 *
 * @example
 * ```ts
 * const shape: ResourceShape = { gpus: 1, cpuCores: 4, memoryGb: 32 };
 * ```
 */
export interface ResourceShape {
  gpus?: number;
  cpuCores?: number;
  memoryGb?: number;
  storageGb?: number;
}

/** Seconds in an hour, as bigint. */
const HOUR = 3600n;

/**
 * ⌈a / b⌉ for non-negative a and positive b.
 *
 * @example
 * ```ts
 * import { ceilDiv } from "./client/pool/cost.ts";
 * ceilDiv(7n, 2n); // 4n
 * ```
 */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/**
 * Hourly rate of a resource shape at a node's prices.
 *
 * @example
 * ```ts
 * import { hourlyRate } from "./client/pool/cost.ts";
 * hourlyRate(node.prices, { gpus: 2, cpuCores: 8, memoryGb: 32 });
 * ```
 */
export function hourlyRate(prices: NodePrices, shape: ResourceShape): bigint {
  return (
    prices.gpuHour * BigInt(shape.gpus ?? 0) +
    prices.cpuCoreHour * BigInt(shape.cpuCores ?? 0) +
    prices.memoryGbHour * BigInt(shape.memoryGb ?? 0) +
    prices.storageGbHour * BigInt(shape.storageGb ?? 0)
  );
}

/**
 * The whole-machine shape of a node (all GPUs, cores and memory; no storage).
 *
 * @example
 * ```ts
 * import { wholeNodeShape } from "./client/pool/cost.ts";
 * wholeNodeShape(node); // { gpus: 8, cpuCores: 128, memoryGb: 1024 }
 * ```
 */
export function wholeNodeShape(node: NodeRecord): ResourceShape {
  const c = node.capabilities;
  return { gpus: c.gpu.count, cpuCores: c.cpu.cores, memoryGb: c.memory.gb };
}

/**
 * A node's cost per hour: the hourly rate of the whole machine (see the file header).
 *
 * @example
 * ```ts
 * import { nodeHourlyCost } from "./client/pool/cost.ts";
 * nodeHourlyCost(node) <= toBaseUnits("1.0", "ETH");
 * ```
 */
export function nodeHourlyCost(node: NodeRecord): bigint {
  return hourlyRate(node.prices, wholeNodeShape(node));
}

/**
 * What a job of `seconds` using `shape` costs at `prices`: max(minimumJob, perJob + ⌈rate·s/3600⌉).
 *
 * @example
 * ```ts
 * import { jobCost } from "./client/pool/cost.ts";
 * jobCost(node.prices, { gpus: 1 }, 1800); // half an hour on one GPU, plus the flat fee
 * ```
 */
export function jobCost(prices: NodePrices, shape: ResourceShape, seconds: number): bigint {
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new RangeError(`seconds must be a non-negative integer, got ${seconds}`);
  const metered = prices.perJob + ceilDiv(hourlyRate(prices, shape) * BigInt(seconds), HOUR);
  return metered > prices.minimumJob ? metered : prices.minimumJob;
}

/**
 * A node's per-compute price: one GPU-hour on GPU nodes, else one core-hour.
 *
 * @example
 * ```ts
 * import { computeUnitPrice } from "./client/pool/cost.ts";
 * computeUnitPrice(node); // node.prices.gpuHour when the node has GPUs
 * ```
 */
export function computeUnitPrice(node: NodeRecord): bigint {
  return node.capabilities.gpu.count > 0 ? node.prices.gpuHour : node.prices.cpuCoreHour;
}

/**
 * A node's price under a pricing model (what price caps and the price ranking compare).
 *
 * @example
 * ```ts
 * import { priceUnder } from "./client/pool/cost.ts";
 * priceUnder("per-job", node, 3600); // the cost of a one-hour whole-machine job
 * ```
 */
export function priceUnder(model: PriceModel, node: NodeRecord, referenceJobSeconds = 3600): bigint {
  switch (model) {
    case "per-hour":
      return nodeHourlyCost(node);
    case "per-job":
      return jobCost(node.prices, wholeNodeShape(node), referenceJobSeconds);
    case "per-compute":
      return computeUnitPrice(node);
  }
}

/**
 * One node's share of a pool estimate.
 *
 * @example
 * ```ts
 * for (const n of estimatePoolCost(nodes).nodes) console.log(n.id, n.perHour, n.perJob);
 * ```
 */
export interface NodeCostEstimate {
  id: bigint;
  /** Whole-machine cost per hour. */
  perHour: bigint;
  /** Cost of one job of the estimate's length and shape on this node. */
  perJob: bigint;
}

/**
 * What a pool would cost.
 *
 * @example
 * ```ts
 * const e: PoolCostEstimate = estimatePoolCost(nodes, { redundancy: 3 });
 * ```
 */
export interface PoolCostEstimate {
  /** The token every figure is in. */
  token: `0x${string}`;
  /** Sum of the members' whole-machine hourly costs: running the whole pool for an hour. */
  perHour: bigint;
  /** One job at `redundancy` nodes: the sum of the `redundancy` cheapest members' job costs. */
  perJob: bigint;
  /** false when the pool has fewer members than `redundancy`. */
  redundancyMet: boolean;
  nodes: NodeCostEstimate[];
}

/**
 * Estimates what a pool of `nodes` costs per hour and per job (all exact bigints).
 *
 * @param options.redundancy nodes per job (default 1)
 * @param options.jobSeconds job length (default 3600)
 * @param options.shape resources per job (default: the whole machine of each node)
 * @throws MixedPriceTokensError when members price in different tokens
 * @example
 * ```ts
 * import { estimatePoolCost } from "./client/pool/cost.ts";
 * const e = estimatePoolCost(result.nodes, { redundancy: 3, jobSeconds: 600, shape: { gpus: 1 } });
 * console.log(e.perJob, e.perHour, e.token);
 * ```
 */
export function estimatePoolCost(
  nodes: readonly NodeRecord[],
  options: { redundancy?: number; jobSeconds?: number; shape?: ResourceShape } = {},
): PoolCostEstimate {
  const redundancy = options.redundancy ?? 1;
  const seconds = options.jobSeconds ?? 3600;
  const tokens = [...new Set(nodes.map((n) => n.prices.token.toLowerCase()))];
  if (tokens.length > 1) throw new MixedPriceTokensError(tokens);
  const rows = nodes.map((n) => ({
    id: n.id,
    perHour: nodeHourlyCost(n),
    perJob: jobCost(n.prices, options.shape ?? wholeNodeShape(n), seconds),
  }));
  const cheapest = rows
    .map((r) => r.perJob)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, redundancy);
  return {
    token: (nodes[0]?.prices.token ?? "0x0000000000000000000000000000000000000000") as `0x${string}`,
    perHour: rows.reduce((s, r) => s + r.perHour, 0n),
    perJob: cheapest.reduce((s, c) => s + c, 0n),
    redundancyMet: nodes.length >= redundancy,
    nodes: rows,
  };
}
