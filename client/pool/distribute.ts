/**
 * How `Pool.distribute` chooses which pool members a directed job names. Pure: the pool
 * passes its members, the job's needs and what it knows of each member's load; the chosen
 * ids go into the job posted on-chain, where only those nodes may take its slots.
 * @module
 */
import { ValidationError } from "../errors.ts";
import type { NodeRecord } from "../discovery/types.ts";
import { jobCost, type ResourceShape } from "./cost.ts";

/**
 * The distribution strategies `Pool.distribute` accepts (see {@link DistributionStrategy}
 * for how each chooses).
 *
 * @example
 * ```ts
 * import { DISTRIBUTION_STRATEGIES } from "sandrun/client/pool/distribute.ts";
 * const strategy = DISTRIBUTION_STRATEGIES.find((s) => s === flag) ?? "cheapest";
 * const executions = await pool.distribute(job, strategy);
 * ```
 */
export const DISTRIBUTION_STRATEGIES = [
  "cheapest",
  "round-robin",
  "least-loaded",
  "fastest",
  "most-reputable",
] as const;

/**
 * How to choose the nodes of a directed job:
 * - `cheapest`: lowest job cost at the node's prices for the job's shape and length;
 * - `round-robin`: members in id order, starting after the last node the pool used;
 * - `least-loaded`: fewest jobs in flight (from the pool's job history), then most free bond;
 * - `fastest`: lowest declared latency, then highest availability;
 * - `most-reputable`: highest reputation, then availability.
 * Ties always break by node id, so a choice is reproducible.
 */
export type DistributionStrategy = (typeof DISTRIBUTION_STRATEGIES)[number];

/** What the chooser needs to know about the job. */
export type DistributionNeeds = {
  /** How many distinct nodes the job needs (its redundancy). */
  count: number;
  /** Resources the job asks for (GPUs, memory); members short of them are not eligible. */
  shape: ResourceShape & {
    gpuModel?: string | undefined;
    /** Memory each GPU must have, GB (`JobBuilder.gpu({ memory })`). */
    gpuMemoryGb?: number | undefined;
  };
  /** Expected run time, seconds (prices the `cheapest` strategy). */
  seconds: number;
  /** The most the job pays one node, base units of `token`; members whose job cost exceeds it are not eligible. */
  maxPerNode?: bigint | undefined;
  /** The payment token; members pricing in another token are not eligible. */
  token?: `0x${string}` | undefined;
};

/** The pool-side state the chooser reads. */
export type DistributionState = {
  /** Jobs in flight per node id (`least-loaded`). */
  inFlight?: ReadonlyMap<bigint, number>;
  /** The last node id `round-robin` used. */
  lastRoundRobin?: bigint | undefined;
};

/** Why a member was not eligible, for the error when too few are. */
export type Ineligible = { readonly id: bigint; readonly reason: string };

/**
 * Filters the members that can run the job and explains each one that cannot.
 *
 * @example
 * ```ts
 * import { eligibleMembers } from "sandrun/client/pool/distribute.ts";
 * const { eligible, ineligible } = eligibleMembers(pool.records, { count: 1, shape: { gpus: 1 }, seconds: 600 });
 * ```
 */
export function eligibleMembers(
  members: readonly NodeRecord[],
  needs: DistributionNeeds,
): { eligible: NodeRecord[]; ineligible: Ineligible[] } {
  const eligible: NodeRecord[] = [];
  const ineligible: Ineligible[] = [];
  const s = needs.shape;
  for (const n of members) {
    const c = n.capabilities;
    let reason: string | undefined;
    if (n.status !== "active") reason = `node is ${n.status}`;
    else if ((s.gpus ?? 0) > c.gpu.count) reason = `has ${c.gpu.count} GPUs, job needs ${s.gpus}`;
    else if (s.gpuModel && c.gpu.model !== s.gpuModel.toLowerCase())
      reason = `GPU ${c.gpu.model || "none"}, job needs ${s.gpuModel}`;
    else if ((s.gpus ?? 0) > 0 && (s.gpuMemoryGb ?? 0) > c.gpu.memoryGb)
      reason = `has ${c.gpu.memoryGb} GB per GPU, job needs ${s.gpuMemoryGb}`;
    else if ((s.memoryGb ?? 0) > c.memory.gb)
      reason = `has ${c.memory.gb} GB memory, job needs ${s.memoryGb}`;
    else if ((s.cpuCores ?? 0) > c.cpu.cores) reason = `has ${c.cpu.cores} cores, job needs ${s.cpuCores}`;
    else if (needs.token && n.prices.token.toLowerCase() !== needs.token.toLowerCase())
      reason = `prices in ${n.prices.token}, job pays in ${needs.token}`;
    else if (needs.maxPerNode !== undefined) {
      const cost = jobCost(n.prices, s, needs.seconds);
      if (cost > needs.maxPerNode) reason = `job would cost ${cost}, job pays ${needs.maxPerNode} per node`;
    }
    if (reason) ineligible.push({ id: n.id, reason });
    else eligible.push(n);
  }
  return { eligible, ineligible };
}

const byId = (a: NodeRecord, b: NodeRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Chooses `needs.count` distinct members for a job by `strategy`.
 *
 * @throws ValidationError when fewer than `needs.count` members are eligible (each listed with why not).
 * @example
 * ```ts
 * import { chooseNodes } from "sandrun/client/pool/distribute.ts";
 * const ids = chooseNodes(members, { count: 3, shape: { gpus: 1 }, seconds: 600 }, "cheapest");
 * ```
 */
export function chooseNodes(
  members: readonly NodeRecord[],
  needs: DistributionNeeds,
  strategy: DistributionStrategy = "cheapest",
  state: DistributionState = {},
): bigint[] {
  if (!(DISTRIBUTION_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new ValidationError("Distribution", [
      {
        field: "strategy",
        message: `unknown strategy ${JSON.stringify(strategy)}; one of ${DISTRIBUTION_STRATEGIES.join(", ")}`,
      },
    ]);
  }
  const { eligible, ineligible } = eligibleMembers(members, needs);
  if (eligible.length < needs.count) {
    throw new ValidationError(
      `Pool has ${eligible.length} eligible node(s) for a job needing ${needs.count}`,
      [
        ...ineligible.map((i) => ({ field: `node ${i.id}`, message: i.reason })),
        ...(ineligible.length === 0 ? [{ field: "pool", message: `only ${members.length} member(s)` }] : []),
      ],
    );
  }
  let ordered: NodeRecord[];
  switch (strategy) {
    case "cheapest": {
      const cost = new Map(eligible.map((n) => [n.id, jobCost(n.prices, needs.shape, needs.seconds)]));
      ordered = [...eligible].sort((a, b) => cmpBig(cost.get(a.id)!, cost.get(b.id)!) || byId(a, b));
      break;
    }
    case "round-robin": {
      const sorted = [...eligible].sort(byId);
      const last = state.lastRoundRobin;
      const start = last === undefined ? 0 : sorted.findIndex((n) => n.id > last);
      const at = start < 0 ? 0 : start;
      ordered = [...sorted.slice(at), ...sorted.slice(0, at)];
      break;
    }
    case "least-loaded": {
      const load = (n: NodeRecord): number => state.inFlight?.get(n.id) ?? 0;
      ordered = [...eligible].sort(
        (a, b) => load(a) - load(b) || cmpBig(b.freeBond, a.freeBond) || byId(a, b),
      );
      break;
    }
    case "fastest":
      ordered = [...eligible].sort(
        (a, b) =>
          a.capabilities.network.latencyMs - b.capabilities.network.latencyMs ||
          b.availabilityPpm - a.availabilityPpm ||
          byId(a, b),
      );
      break;
    case "most-reputable":
      ordered = [...eligible].sort(
        (a, b) => b.reputationPpm - a.reputationPpm || b.availabilityPpm - a.availabilityPpm || byId(a, b),
      );
      break;
  }
  return ordered.slice(0, needs.count).map((n) => n.id);
}
