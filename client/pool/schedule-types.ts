/**
 * Types of the scheduler (client/pool/schedule.ts).
 */
import type { Address } from "viem";

import type { NodePrices, NodeRecord } from "../discovery/types.ts";

/**
 * A job to place: `redundancy` distinct nodes must each run it for `durationSeconds`.
 *
 * @example
 * ```ts
 * import type { ScheduleJob } from "./client/pool/schedule-types.ts";
 * const job: ScheduleJob = { id: "render-1", redundancy: 3, durationSeconds: 1800,
 *   requirements: { gpus: 1, gpuModel: "a100", memoryGb: 32, cpuCores: 4 }, maxPricePerNode: 10n ** 17n };
 * ```
 */
export interface ScheduleJob {
  id: string;
  /** Distinct nodes that must each run the job (>= 1). */
  redundancy: number;
  /** Resources one run uses; they decide both eligibility and the metered price. */
  requirements: {
    gpus?: number;
    /** GPU model, case-insensitive; when given the node's model must match. */
    gpuModel?: string;
    /** System memory, GB. */
    memoryGb?: number;
    cpuCores?: number;
    /** Region, case-insensitive; when given the node's region must match. */
    region?: string;
  };
  /** Estimated run time of one replica, whole seconds (> 0). */
  durationSeconds: number;
  /** Cap on one node's charge for the job, base units of the schedule's token. */
  maxPricePerNode?: bigint;
}

/**
 * A node the scheduler may use.
 *
 * @example
 * ```ts
 * import type { ScheduleNode } from "./client/pool/schedule-types.ts";
 * declare const prices: NodePrices;
 * const node: ScheduleNode = { id: 7n, gpu: { model: "a100", count: 8 }, cpuCores: 64, memoryGb: 512,
 *   region: "us-east-1", prices, slots: 4, capacitySeconds: 4 * 24 * 3600 };
 * ```
 */
export interface ScheduleNode {
  id: bigint;
  gpu: { model: string; count: number };
  cpuCores: number;
  memoryGb: number;
  region: string;
  prices: NodePrices;
  /** Jobs the node runs at once (makespan only). Default 1. */
  slots?: number;
  /** Total job-seconds the node accepts in this schedule (e.g. hours available × slots). Default: unlimited. */
  capacitySeconds?: number;
}

/**
 * Options of `schedule`.
 *
 * @example
 * ```ts
 * schedule(jobs, nodes, { token: "0x0000000000000000000000000000000000000000", repairBudget: 500_000 });
 * ```
 */
export interface ScheduleOptions {
  /** Only nodes priced in this token are used. Required when nodes price in several tokens. */
  token?: Address;
  /** Work budget of one augmenting-path search (edges examined). Default 2,000,000. */
  repairBudget?: number;
}

/**
 * One job's placement.
 *
 * @example
 * ```ts
 * for (const a of result.assignments) console.log(a.jobId, a.nodeIds, a.cost);
 * ```
 */
export interface Assignment {
  jobId: string;
  /** Distinct node ids, one per replica. */
  nodeIds: bigint[];
  /** Exact charge of each node, aligned with nodeIds. */
  nodeCosts: bigint[];
  /** Sum of nodeCosts. */
  cost: bigint;
}

/**
 * Why a job was not placed.
 * - "no-eligible-nodes" / "too-few-eligible-nodes": provably impossible (capabilities, price cap,
 *   or a duration longer than any eligible node's capacity), whatever else is scheduled.
 * - "capacity": enough eligible nodes exist, but their capacity is taken by other jobs and no
 *   rearrangement the scheduler found frees it (exact when all jobs have equal durations).
 *
 * @example
 * ```ts
 * for (const u of result.unassigned) console.log(`${u.jobId}: ${u.reason} (${u.eligible}/${u.required})`);
 * ```
 */
export interface Unassigned {
  jobId: string;
  reason: "no-eligible-nodes" | "too-few-eligible-nodes" | "capacity";
  /** Eligible nodes (capabilities, price cap, capacity >= duration). */
  eligible: number;
  required: number;
}

/**
 * Result of `schedule`.
 *
 * @example
 * ```ts
 * const r: ScheduleResult = schedule(jobs, nodes);
 * console.log(r.totalCost - r.lowerBound, r.makespanSeconds / 3600);
 * ```
 */
export interface ScheduleResult {
  assignments: Assignment[];
  unassigned: Unassigned[];
  /** Sum of every assignment's cost, exact, in `token` base units. */
  totalCost: bigint;
  /**
   * Sum over the ASSIGNED jobs of each one at its `redundancy` cheapest eligible nodes, ignoring
   * capacity: no valid schedule of those jobs costs less.
   */
  lowerBound: bigint;
  /** Seconds until the busiest node finishes, its jobs packed longest-first onto its slots. */
  makespanSeconds: number;
  token: Address;
}

/**
 * Maps a discovery record to a schedule node.
 *
 * @example
 * ```ts
 * import { scheduleNodeFromRecord } from "./client/pool/schedule-types.ts";
 * const nodes = result.nodes.map((r) => scheduleNodeFromRecord(r.node, { slots: 2, capacitySeconds: 86_400 }));
 * ```
 */
export function scheduleNodeFromRecord(
  record: NodeRecord,
  capacity: { slots?: number; capacitySeconds?: number } = {},
): ScheduleNode {
  const c = record.capabilities;
  const node: ScheduleNode = {
    id: record.id,
    gpu: { model: c.gpu.model, count: c.gpu.count },
    cpuCores: c.cpu.cores,
    memoryGb: c.memory.gb,
    region: c.region,
    prices: record.prices,
  };
  if (capacity.slots !== undefined) node.slots = capacity.slots;
  if (capacity.capacitySeconds !== undefined) node.capacitySeconds = capacity.capacitySeconds;
  return node;
}
