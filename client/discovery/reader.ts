/**
 * Reads the node registry into discovery records in a handful of RPC calls, and keeps them
 * current by following the registry's events.
 *
 * A full read ({@link readRegistryPacked}) is one `eth_blockNumber`, one `bondTokens()`, one
 * `eth_getLogs` for the nodes' static descriptions and `ceil(count / pageSize)` `getNodeStates`
 * pages, all pinned to the same block so the snapshot is consistent and following can start at
 * the next block without missing or repeating an event: 10 calls for 10,000 nodes
 * (scripts/bench/discovery.ts). {@link readRegistry} reads the struct view instead.
 *
 * Following polls `eth_getLogs` for the registry's events (one call per poll whatever the
 * number of events), then re-reads only the nodes they touched: new ids in one paged call,
 * changed ids each with `getNode`.
 * @module
 */
import type { Address, Hex, PublicClient } from "viem";
import { getAddress, hexToString, zeroAddress } from "viem";

import { jobMarketAbi } from "../abis/generated/JobMarket.ts";
import { nodeRegistryAbi } from "../abis/generated/NodeRegistry.ts";
import { decodeContractError } from "../errors.ts";
import type {
  CpuArchitecture,
  Interconnect,
  MemoryType,
  NodeRecord,
  NodeStatus,
  StorageType,
} from "./types.ts";

/**
 * Nodes per `getNodes` call in {@link readRegistry}. Large pages mean few calls; each page
 * must fit the node's eth_call gas cap.
 *
 * @example
 * ```ts
 * import { DEFAULT_PAGE_SIZE, readRegistry } from "sandrun/client/discovery/reader.ts";
 * // Halve the page for an RPC whose eth_call gas cap is lower than usual.
 * await readRegistry(publicClient, { registry, pageSize: DEFAULT_PAGE_SIZE / 2 });
 * ```
 */
export const DEFAULT_PAGE_SIZE = 2_000;

const INTERCONNECTS: readonly Interconnect[] = ["none", "nvlink", "infiniband"];
const ARCHS: readonly CpuArchitecture[] = ["x86_64", "arm64"];
const MEMORY_TYPES: readonly MemoryType[] = ["ddr4", "ddr5", "hbm"];
const STORAGE_TYPES: readonly StorageType[] = ["ssd", "nvme", "hdd"];

/** The registry's `NodeView` struct as viem decodes it (numbers as bigint or number by width). */
export type NodeViewLike = {
  id: bigint;
  owner: Address;
  signer: Address;
  status: number;
  unbonding: boolean;
  active: boolean;
  registeredAt: number;
  lastSeen: number;
  availability: number;
  reputation: number;
  bondToken: Address;
  bond: bigint;
  locked: bigint;
  completed: number;
  failed: number;
  slashed: number;
  disputesLost: number;
  capabilities: {
    gpuModel: Hex;
    gpuCount: number;
    gpuMemoryGB: number;
    gpuComputeCapability: number;
    gpuInterconnect: number;
    cpuArch: number;
    cpuCores: number;
    cpuThreads: number;
    cpuMHz: number;
    memoryGB: number;
    memoryType: number;
    memoryMHz: number;
    storageType: number;
    storageGB: number;
    storageIOPS: number;
    bandwidthMbps: number;
    latencyMs: number;
    region: Hex;
  };
  prices: {
    gpuHour: bigint;
    cpuCoreHour: bigint;
    memoryGBHour: bigint;
    storageGBHour: bigint;
    networkGB: bigint;
    perJob: bigint;
    minimumJob: bigint;
    token: Address;
  };
  metadataHash: Hex;
};

/** A registry node with what discovery records do not carry but pools and health checks need. */
export type RegistryNode = NodeRecord & {
  /** Whether the registry says the node may take work now (`nodeForJob(id).active`). */
  readonly active: boolean;
  readonly registeredAt: number;
  readonly metadataHash: Hex;
  readonly counters: { completed: number; failed: number; slashed: number; disputesLost: number };
};

/**
 * Decodes a `bytes16` ASCII field (left-aligned, zero-padded), such as a GPU model or
 * region, into a string.
 *
 * @example
 * ```ts
 * import { decodeBytes16 } from "sandrun/client/discovery/reader.ts";
 * decodeBytes16(stringToHex("us-east-1", { size: 16 })); // "us-east-1"
 * ```
 */
export function decodeBytes16(value: Hex): string {
  return hexToString(value, { size: 16 }).replace(/\0+$/u, "");
}

function pick<T>(table: readonly T[], value: number, field: string): T {
  const v = table[value];
  // The registry validates enums on write, so an unknown value means the ABI and the client disagree.
  if (v === undefined) throw new RangeError(`registry returned unknown ${field} ${value}`);
  return v;
}

function statusOf(view: NodeViewLike): NodeStatus {
  if (view.status === 3) return "deregistered";
  if (view.unbonding) return "unbonding";
  if (view.status === 2) return "paused";
  return "active";
}

/**
 * Decodes one `NodeView` from the registry into a discovery record.
 *
 * @example
 * ```ts
 * import { decodeNodeView } from "sandrun/client/discovery/reader.ts";
 * const view = await publicClient.readContract({ address, abi: nodeRegistryAbi, functionName: "getNode", args: [1n] });
 * const record = decodeNodeView(view);
 * ```
 */
export function decodeNodeView(view: NodeViewLike): RegistryNode {
  const c = view.capabilities;
  const p = view.prices;
  return {
    id: BigInt(view.id),
    owner: view.owner,
    signer: view.signer,
    status: statusOf(view),
    active: view.active,
    bondToken: view.bondToken,
    bond: BigInt(view.bond),
    freeBond: BigInt(view.bond) - BigInt(view.locked),
    reputationPpm: Number(view.reputation),
    availabilityPpm: Number(view.availability),
    lastSeen: Number(view.lastSeen),
    registeredAt: Number(view.registeredAt),
    metadataHash: view.metadataHash,
    counters: {
      completed: Number(view.completed),
      failed: Number(view.failed),
      slashed: Number(view.slashed),
      disputesLost: Number(view.disputesLost),
    },
    capabilities: {
      gpu: {
        model: decodeBytes16(c.gpuModel).toLowerCase(),
        count: Number(c.gpuCount),
        memoryGb: Number(c.gpuMemoryGB),
        computeCapability: Number(c.gpuComputeCapability),
        interconnect: pick(INTERCONNECTS, Number(c.gpuInterconnect), "gpuInterconnect"),
      },
      cpu: {
        architecture: pick(ARCHS, Number(c.cpuArch), "cpuArch"),
        cores: Number(c.cpuCores),
        threads: Number(c.cpuThreads),
        mhz: Number(c.cpuMHz),
      },
      memory: {
        gb: Number(c.memoryGB),
        type: pick(MEMORY_TYPES, Number(c.memoryType), "memoryType"),
        speedMhz: Number(c.memoryMHz),
      },
      storage: {
        type: pick(STORAGE_TYPES, Number(c.storageType), "storageType"),
        gb: Number(c.storageGB),
        iops: Number(c.storageIOPS),
      },
      network: { bandwidthMbps: Number(c.bandwidthMbps), latencyMs: Number(c.latencyMs) },
      region: decodeBytes16(c.region),
    },
    prices: {
      token: p.token ?? zeroAddress,
      gpuHour: BigInt(p.gpuHour),
      cpuCoreHour: BigInt(p.cpuCoreHour),
      memoryGbHour: BigInt(p.memoryGBHour),
      storageGbHour: BigInt(p.storageGBHour),
      networkGb: BigInt(p.networkGB),
      perJob: BigInt(p.perJob),
      minimumJob: BigInt(p.minimumJob),
    },
  };
}

/** Parameters of {@link readRegistry}. */
export type ReadRegistryParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** Nodes per call (default {@link DEFAULT_PAGE_SIZE}). */
  pageSize?: number;
  /** Read at this block (default: the latest, fetched once). */
  blockNumber?: bigint;
  /** First id to read (default 1). */
  fromId?: bigint;
  /** Gas for each page's eth_call (default: the node's cap). Large pages need more than some nodes' default. */
  gas?: bigint;
};

/** What {@link readRegistry} returns: the nodes and the block they were read at. */
export type ReadRegistryReturnType = { nodes: RegistryNode[]; blockNumber: bigint };

/**
 * Reads every node of the registry (deregistered ones included, with that status), in
 * `2 + ceil(count / pageSize)` RPC calls, all at one block.
 *
 * @example
 * ```ts
 * import { readRegistry } from "sandrun/client/discovery/reader.ts";
 * const { nodes, blockNumber } = await readRegistry(publicClient, { registry });
 * ```
 */
export async function readRegistry(
  client: PublicClient,
  parameters: ReadRegistryParameters,
): Promise<ReadRegistryReturnType> {
  const { registry } = parameters;
  const pageSize = parameters.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  try {
    const blockNumber = parameters.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
    const count = await client.readContract({
      address: registry,
      abi: nodeRegistryAbi,
      functionName: "nodeCount",
      blockNumber,
    });
    const first = parameters.fromId ?? 1n;
    const pages: Promise<readonly NodeViewLike[]>[] = [];
    for (let from = first; from <= count; from += BigInt(pageSize)) {
      pages.push(
        client.readContract({
          address: registry,
          abi: nodeRegistryAbi,
          functionName: "getNodes",
          args: [from, BigInt(pageSize)],
          blockNumber,
        }) as Promise<readonly NodeViewLike[]>,
      );
    }
    const nodes = (await Promise.all(pages)).flat().map(decodeNodeView);
    return { nodes, blockNumber };
  } catch (error) {
    throw decodeContractError(error, nodeRegistryAbi);
  }
}

/**
 * Reads the given nodes by id: consecutive runs with `getNodes`, lone ids with `getNode`,
 * all in parallel at one block.
 *
 * @example
 * ```ts
 * import { readNodes } from "sandrun/client/discovery/reader.ts";
 * const nodes = await readNodes(publicClient, { registry, ids: [3n, 4n, 9n] });
 * ```
 */
export async function readNodes(
  client: PublicClient,
  parameters: { registry: Address; ids: readonly bigint[]; blockNumber?: bigint },
): Promise<RegistryNode[]> {
  const ids = [...new Set(parameters.ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const runs: { from: bigint; count: number }[] = [];
  for (const id of ids) {
    const last = runs.at(-1);
    if (last && last.from + BigInt(last.count) === id) last.count += 1;
    else runs.push({ from: id, count: 1 });
  }
  const at = parameters.blockNumber === undefined ? {} : { blockNumber: parameters.blockNumber };
  try {
    const results = await Promise.all(
      runs.map(async (run) =>
        run.count === 1
          ? [
              (await client.readContract({
                address: parameters.registry,
                abi: nodeRegistryAbi,
                functionName: "getNode",
                args: [run.from],
                ...at,
              })) as NodeViewLike,
            ]
          : ((await client.readContract({
              address: parameters.registry,
              abi: nodeRegistryAbi,
              functionName: "getNodes",
              args: [run.from, BigInt(run.count)],
              ...at,
            })) as readonly NodeViewLike[]),
      ),
    );
    return results.flat().map(decodeNodeView);
  } catch (error) {
    throw decodeContractError(error, nodeRegistryAbi);
  }
}

/**
 * Nodes per `getNodeStates` call: 4 words and about 9,100 gas each (scripts/bench/gas-registry.ts),
 * so a page of 1,650 takes ~15.1M gas, under the 2^24 that nodes cap an eth_call at since Osaka
 * (EIP-7825), with room for nodes bonding different tokens.
 *
 * @example
 * ```ts
 * import { DEFAULT_PACKED_PAGE_SIZE, readRegistryPacked } from "sandrun/client/discovery/reader.ts";
 * await readRegistryPacked(publicClient, { registry, pageSize: DEFAULT_PACKED_PAGE_SIZE / 2 });
 * ```
 */
export const DEFAULT_PACKED_PAGE_SIZE = 1_650;

const bits = (w: bigint, from: number, width: number): bigint =>
  (w >> BigInt(from)) & ((1n << BigInt(width)) - 1n);
const word16 = (w: bigint): Hex => `0x${w.toString(16).padStart(32, "0")}`;

/**
 * Decodes node `id`'s 9 packed words: core, heartbeat, account (`getNodeStates` words 0..2),
 * capability names, capability numbers, prices0, prices1, metadata hash (a `NodeRegistered`
 * or `NodeDescribed` log), derived (`getNodeStates` word 3); layouts in INodeRegistry. `tokens` maps token ids
 * to addresses (`bondTokens()`).
 *
 * @example
 * ```ts
 * import { decodePackedNode } from "sandrun/client/discovery/reader.ts";
 * const node = decodePackedNode(1n, words.slice(0, 9), tokens);
 * ```
 */
export function decodePackedNode(id: bigint, w: readonly bigint[], tokens: readonly Address[]): RegistryNode {
  const [core, beat, account, names, caps, p0, p1, meta, derived] = w as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const token = (tid: bigint): Address => tokens[Number(tid)] ?? zeroAddress;
  const addr = (v: bigint): Address => getAddress(`0x${bits(v, 0, 160).toString(16).padStart(40, "0")}`);
  const c = (from: number, width: number) => Number(bits(caps, from, width));
  return decodeNodeView({
    id,
    owner: addr(core),
    signer: addr(beat),
    status: Number(bits(core, 192, 8)),
    unbonding: bits(core, 200, 8) !== 0n,
    active: bits(derived, 0, 8) !== 0n,
    registeredAt: Number(bits(core, 160, 32)),
    lastSeen: Number(bits(beat, 160, 32)),
    availability: Number(bits(derived, 40, 32)),
    reputation: Number(bits(derived, 8, 32)),
    bondToken: token(bits(core, 208, 16)),
    bond: bits(account, 0, 96),
    locked: bits(account, 96, 96),
    completed: Number(bits(account, 192, 32)),
    failed: Number(bits(account, 224, 16)),
    slashed: Number(bits(account, 240, 8)),
    disputesLost: Number(bits(account, 248, 8)),
    capabilities: {
      gpuModel: word16(names >> 128n),
      region: word16(bits(names, 0, 128)),
      gpuCount: c(0, 8),
      gpuMemoryGB: c(8, 16),
      gpuComputeCapability: c(24, 8),
      gpuInterconnect: c(32, 8),
      cpuArch: c(40, 8),
      cpuCores: c(48, 16),
      cpuThreads: c(64, 16),
      cpuMHz: c(80, 16),
      memoryGB: c(96, 24),
      memoryType: c(120, 8),
      memoryMHz: c(128, 16),
      storageType: c(144, 8),
      storageGB: c(152, 32),
      storageIOPS: c(184, 24),
      bandwidthMbps: c(208, 32),
      latencyMs: c(240, 16),
    },
    prices: {
      gpuHour: bits(p0, 0, 64),
      cpuCoreHour: bits(p0, 64, 64),
      memoryGBHour: bits(p0, 128, 64),
      storageGBHour: bits(p0, 192, 64),
      networkGB: bits(p1, 0, 64),
      perJob: bits(p1, 64, 64),
      minimumJob: bits(p1, 128, 64),
      token: token(bits(p1, 192, 16)),
    },
    metadataHash: `0x${meta.toString(16).padStart(64, "0")}`,
  });
}

type RegistryEvent<N extends string> = Extract<(typeof nodeRegistryAbi)[number], { type: "event"; name: N }>;
const registryEvent = <N extends string>(name: N): RegistryEvent<N> =>
  nodeRegistryAbi.find((item) => item.type === "event" && item.name === name) as RegistryEvent<N>;
/** The registry's events that carry a node's static words: at registration, then on every change. */
const DESCRIPTION_EVENTS = [registryEvent("NodeRegistered"), registryEvent("NodeDescribed")] as const;

/** What {@link readRegistryPacked} takes beyond {@link ReadRegistryParameters}. */
export type ReadRegistryPackedParameters = ReadRegistryParameters & {
  /** First block to read the nodes' description logs from (default 0; the registry's deployment block is enough). */
  fromBlock?: bigint;
  /**
   * Blocks per `eth_getLogs` request (default: the whole range in one request, as `hardhat node`
   * and archive nodes allow; public RPCs often cap a request at 10,000 blocks or fewer).
   */
  logsBlockRange?: bigint;
};

/**
 * Reads every node in a handful of RPC calls, all at one block: the static part of each node
 * (capabilities, prices, metadata hash) from the registry's `NodeRegistered` and `NodeDescribed`
 * logs — the last one per node wins — and the changing part (status, signer, heartbeat, bond, counters, reputation,
 * availability) from `getNodeStates` pages. 10,000 nodes take `eth_blockNumber`, `bondTokens`,
 * one `eth_getLogs` and 7 pages: 10 calls.
 *
 * @example
 * ```ts
 * import { readRegistryPacked } from "sandrun/client/discovery/reader.ts";
 * const { nodes } = await readRegistryPacked(publicClient, { registry });
 * ```
 */
export async function readRegistryPacked(
  client: PublicClient,
  parameters: ReadRegistryPackedParameters,
): Promise<ReadRegistryReturnType> {
  const { registry } = parameters;
  const pageSize = parameters.pageSize ?? DEFAULT_PACKED_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  try {
    const blockNumber = parameters.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
    const at = { address: registry, abi: nodeRegistryAbi, blockNumber } as const;
    const [tokens, described] = await Promise.all([
      client.readContract({ ...at, functionName: "bondTokens" }),
      readDescriptions(client, registry, parameters.fromBlock ?? 0n, blockNumber, parameters.logsBlockRange),
    ]);
    // Every registration emits NodeRegistered with the next id, so the highest id seen is the count.
    let count = 0n;
    for (const id of described.keys()) if (id > count) count = id;
    const first = parameters.fromId ?? 1n;
    const pages: Promise<{ from: bigint; words: readonly bigint[] }>[] = [];
    for (let from = first; from <= count; from += BigInt(pageSize)) {
      pages.push(
        client
          .readContract({
            ...at,
            functionName: "getNodeStates",
            args: [from, BigInt(pageSize)],
            ...(parameters.gas === undefined ? {} : { gas: parameters.gas }),
          })
          .then((words) => ({ from, words })),
      );
    }
    const nodes: RegistryNode[] = [];
    for (const { from, words } of await Promise.all(pages)) {
      for (let i = 0; i * 4 < words.length; i++) {
        const id = from + BigInt(i);
        const stat = described.get(id);
        if (!stat)
          throw new Error(`registry node ${id} has no NodeRegistered log up to block ${blockNumber}`);
        const [core, beat, account, derived] = words.slice(i * 4, i * 4 + 4) as [
          bigint,
          bigint,
          bigint,
          bigint,
        ];
        nodes.push(decodePackedNode(id, [core, beat, account, ...stat, derived], tokens));
      }
    }
    return { nodes, blockNumber };
  } catch (error) {
    throw decodeContractError(error, nodeRegistryAbi);
  }
}

/** The latest static words of each node (`NodeRegistered`, then any `NodeDescribed`) up to `toBlock`, in `ceil(range / step)` requests. */
async function readDescriptions(
  client: PublicClient,
  registry: Address,
  fromBlock: bigint,
  toBlock: bigint,
  step: bigint | undefined,
): Promise<Map<bigint, [bigint, bigint, bigint, bigint, bigint]>> {
  const ranges: [bigint, bigint][] = [];
  if (step === undefined || step <= 0n) ranges.push([fromBlock, toBlock]);
  else
    for (let b = fromBlock; b <= toBlock; b += step)
      ranges.push([b, b + step - 1n < toBlock ? b + step - 1n : toBlock]);
  const batches = await Promise.all(
    ranges.map(([from, to]) =>
      client.getLogs({
        address: registry,
        events: DESCRIPTION_EVENTS,
        fromBlock: from,
        toBlock: to,
        strict: true,
      }),
    ),
  );
  const described = new Map<bigint, [bigint, bigint, bigint, bigint, bigint]>();
  // Logs come in chain order within and across ranges, so a later description replaces an earlier one.
  for (const log of batches.flat()) {
    const a = log.args;
    described.set(a.nodeId, [
      BigInt(a.capabilityNames),
      a.capabilityNumbers,
      a.prices0,
      a.prices1,
      BigInt(a.metadataHash),
    ]);
  }
  return described;
}

/** Registry events after which a node's record must be re-read. */
const NODE_EVENTS = new Set([
  "NodeRegistered",
  "CapabilitiesUpdated",
  "PricesUpdated",
  "MetadataUpdated",
  "SignerChanged",
  "NodePaused",
  "NodeResumed",
  "NodeDeregistered",
  "Bonded",
  "UnbondRequested",
  "UnbondCancelled",
  "BondWithdrawn",
  "CollateralLocked",
  "CollateralReleased",
  "CollateralSlashed",
  "FreeBondSlashed",
  "Heartbeat",
  "ReputationUpdated",
]);

/** The node events of the registry's ABI, plus the market's JobSettled: a settlement records every
 *  node's outcome silently and names them all in its record. */
const nodeEventsAbi = [
  ...nodeRegistryAbi.filter((item) => item.type === "event"),
  jobMarketAbi.find((item) => item.type === "event" && item.name === "JobSettled")!,
];

/** Each registry's job market, once known: it is set once and never changes. */
const marketOfRegistry = new Map<Address, Address>();

/**
 * The addresses whose logs tell of node changes: the registry, and its job market, which keeps
 * the nodes' bond ledgers and emits CollateralLocked/Released/Slashed, FreeBondSlashed,
 * ReputationUpdated (lost disputes) and JobSettled (every other outcome). One `jobMarket()` read per registry, remembered once set.
 */
async function nodeEventSources(client: PublicClient, registry: Address): Promise<Address[]> {
  let market = marketOfRegistry.get(registry);
  if (market === undefined) {
    market = await client.readContract({
      address: registry,
      abi: nodeRegistryAbi,
      functionName: "jobMarket",
    });
    if (market === zeroAddress) return [registry];
    marketOfRegistry.set(registry, market);
  }
  return [registry, market];
}

/**
 * The ids of nodes whose records changed between two blocks (inclusive), from one
 * `eth_getLogs` call over the node events of the registry and its job market.
 *
 * @example
 * ```ts
 * import { changedNodeIds } from "sandrun/client/discovery/reader.ts";
 * const ids = await changedNodeIds(publicClient, { registry, fromBlock: 10n, toBlock: 20n });
 * ```
 */
export async function changedNodeIds(
  client: PublicClient,
  parameters: { registry: Address; fromBlock: bigint; toBlock: bigint },
): Promise<bigint[]> {
  if (parameters.fromBlock > parameters.toBlock) return [];
  const logs = await client.getContractEvents({
    address: await nodeEventSources(client, parameters.registry),
    abi: nodeEventsAbi,
    fromBlock: parameters.fromBlock,
    toBlock: parameters.toBlock,
  });
  const ids = new Set<bigint>();
  for (const log of logs) {
    const args = log.args as { nodeId?: bigint; record?: { nodes: readonly bigint[] } };
    if (log.eventName === "JobSettled") for (const id of args.record?.nodes ?? []) ids.add(id);
    else if (log.eventName && NODE_EVENTS.has(log.eventName) && args.nodeId !== undefined)
      ids.add(args.nodeId);
  }
  return [...ids];
}

/** Where a {@link RegistryFollower} delivers what it reads. */
export type RegistrySink = {
  /** Called with every node read, in the initial load and after each change. */
  upsert(nodes: readonly RegistryNode[]): void;
};

/** Options of {@link RegistryFollower}. */
export type RegistryFollowerOptions = {
  registry: Address;
  sink: RegistrySink;
  pageSize?: number;
  /** First block of the registry's logs (default 0: its deployment block is enough). */
  fromBlock?: bigint;
  /** Milliseconds between polls when {@link RegistryFollower.start} runs the loop (default 1000). */
  pollingInterval?: number;
  /** Called when a poll fails; the loop keeps going (default: ignore). */
  onError?: (error: unknown) => void;
};

/**
 * Keeps a sink (a NodeIndex, a Map) current with the registry: `load()` reads everything,
 * `poll()` applies the changes since the last block seen (call it yourself, e.g. in tests
 * after mining), and `start()`/`stop()` run `poll()` on a timer.
 *
 * @example
 * ```ts
 * import { RegistryFollower } from "sandrun/client/discovery/reader.ts";
 * const nodes = new Map<bigint, RegistryNode>();
 * const follower = new RegistryFollower(publicClient, {
 *   registry, sink: { upsert: (list) => list.forEach((n) => nodes.set(n.id, n)) },
 * });
 * await follower.load();
 * follower.start();
 * // ...
 * follower.stop();
 * ```
 */
export class RegistryFollower {
  readonly #client: PublicClient;
  readonly #options: RegistryFollowerOptions;
  #block: bigint | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<number> | undefined;

  constructor(client: PublicClient, options: RegistryFollowerOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** The last block whose state the sink reflects (undefined before `load`). */
  get blockNumber(): bigint | undefined {
    return this.#block;
  }

  /** Reads the whole registry into the sink. */
  async load(): Promise<RegistryNode[]> {
    const { nodes, blockNumber } = await readRegistryPacked(this.#client, {
      registry: this.#options.registry,
      ...(this.#options.fromBlock === undefined ? {} : { fromBlock: this.#options.fromBlock }),
      ...(this.#options.pageSize ? { pageSize: this.#options.pageSize } : {}),
    });
    this.#options.sink.upsert(nodes);
    this.#block = blockNumber;
    return nodes;
  }

  /**
   * Applies every registry change since the last block seen; returns how many nodes were
   * re-read. Concurrent calls share one poll, so an event is never applied twice.
   */
  poll(): Promise<number> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<number> {
    if (this.#block === undefined) return (await this.load()).length;
    const latest = await this.#client.getBlockNumber({ cacheTime: 0 });
    if (latest <= this.#block) return 0;
    const ids = await changedNodeIds(this.#client, {
      registry: this.#options.registry,
      fromBlock: this.#block + 1n,
      toBlock: latest,
    });
    const nodes =
      ids.length === 0
        ? []
        : await readNodes(this.#client, { registry: this.#options.registry, ids, blockNumber: latest });
    if (nodes.length > 0) this.#options.sink.upsert(nodes);
    this.#block = latest;
    return nodes.length;
  }

  /** Polls every `pollingInterval` ms until {@link stop}. */
  start(): void {
    if (this.#timer !== undefined) return;
    const tick = (): void => {
      this.poll()
        .catch((e: unknown) => this.#options.onError?.(e))
        .finally(() => {
          if (this.#timer !== undefined)
            this.#timer = setTimeout(tick, this.#options.pollingInterval ?? 1000);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops polling. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
