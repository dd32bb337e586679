/**
 * Augmenting-path repair: when a job cannot get another node because every eligible node is
 * full, move already placed replicas along a chain (job j takes node v1, the replica of k1 on
 * v1 moves to v2, the replica of k2 on v2 moves to v3, … until a node with room) so that every
 * moved job still sits on distinct, eligible, affordable nodes.
 *
 * With equal durations this is breadth-first search for an augmenting path in the residual
 * graph of the job→node flow, so (by the max-flow/min-cut theorem) it fails only when no
 * rearrangement can place the replica: the scheduler then reports "capacity" truthfully.
 * With unequal durations a replica is only moved to free room for one of no greater length, which
 * keeps every move valid but may miss a packing (that problem is NP-hard: multiple knapsack).
 */
import { floatCost, type JobClass } from "./schedule-market.ts";

/**
 * Mutable placement the scheduler and the repair share.
 *
 * @example
 * ```ts
 * const state: PlacementState = { remaining, nodeJobs: [], jobHosts: [], durations };
 * ```
 */
export interface PlacementState {
  /** Remaining job-seconds per node. */
  remaining: Float64Array;
  /** Jobs hosted per node. */
  nodeJobs: number[][];
  /** Class positions hosting each job (node = class.nodes[pos]). */
  jobHosts: number[][];
  durations: Float64Array;
}

/**
 * Everything the repair reads.
 *
 * @example
 * ```ts
 * const ctx: RepairContext = { state, classes, jobClass, affordable: () => true, budget: 1_000_000 };
 * ```
 */
export interface RepairContext {
  state: PlacementState;
  classes: JobClass[];
  jobClass: Int32Array;
  /** Whether job `j` may run at class position `p` whose float cost is `costF` (its price cap). */
  affordable: (j: number, p: number, costF: number) => boolean;
  budget: number;
}

/**
 * Reusable scratch buffers for the search.
 *
 * @example
 * ```ts
 * const scratch = new RepairScratch(nodes.length, jobs.length);
 * ```
 */
export class RepairScratch {
  readonly visited: Uint8Array;
  readonly parent: Int32Array;
  readonly inJob: Int32Array;
  readonly inPos: Int32Array;
  readonly explored: Uint8Array;
  constructor(nodes: number, jobs: number) {
    this.visited = new Uint8Array(nodes);
    this.parent = new Int32Array(nodes);
    this.inJob = new Int32Array(nodes);
    this.inPos = new Int32Array(nodes);
    this.explored = new Uint8Array(jobs);
  }
}

/**
 * Places job `k` at class position `p`.
 *
 * @example
 * ```ts
 * place(ctx, jobIndex, classPosition);
 * ```
 */
export function place(ctx: RepairContext, k: number, p: number): void {
  const cls = ctx.classes[ctx.jobClass[k] as number] as JobClass;
  const node = cls.nodes[p] as number;
  const s = ctx.state;
  s.remaining[node] = (s.remaining[node] as number) - (s.durations[k] as number);
  (s.nodeJobs[node] as number[]).push(k);
  (s.jobHosts[k] as number[]).push(p);
}

/**
 * Removes job `k` from node index `node`.
 *
 * @example
 * ```ts
 * unplace(ctx, jobIndex, nodeIndex);
 * ```
 */
export function unplace(ctx: RepairContext, k: number, node: number): void {
  const cls = ctx.classes[ctx.jobClass[k] as number] as JobClass;
  const s = ctx.state;
  const jobs = s.nodeJobs[node] as number[];
  jobs.splice(jobs.indexOf(k), 1);
  const hosts = s.jobHosts[k] as number[];
  hosts.splice(
    hosts.findIndex((p) => cls.nodes[p] === node),
    1,
  );
  s.remaining[node] = (s.remaining[node] as number) + (s.durations[k] as number);
}

/**
 * Finds and applies one augmenting path giving job `j` one more node. Returns false when none
 * exists (or the work budget ran out).
 *
 * @example
 * ```ts
 * import { augment, RepairScratch } from "./client/pool/schedule-repair.ts";
 * const scratch = new RepairScratch(nodes.length, jobs.length);
 * while (hosts.length < redundancy && augment(ctx, scratch, j)) {}
 * ```
 */
export function augment(ctx: RepairContext, scratch: RepairScratch, j: number): boolean {
  const { state, classes, jobClass } = ctx;
  const { visited, parent, inJob, inPos, explored } = scratch;
  const touchedNodes: number[] = [];
  const touchedJobs: number[] = [];
  const queue: number[] = [];
  let work = 0;
  let terminal = -1;

  // Enqueues the nodes job `k` could move to (from node `from`, -1 for the job being placed).
  const expand = (k: number, from: number): boolean => {
    const cls = classes[jobClass[k] as number] as JobClass;
    const hosts = state.jobHosts[k] as number[];
    const d = state.durations[k] as number;
    for (let p = 0; p < cls.nodes.length; p++) {
      work++;
      const w = cls.nodes[p] as number;
      if (visited[w] || (cls.capacity[p] as number) < d || hosts.includes(p)) continue;
      if (!ctx.affordable(k, p, floatCost(cls, p, d))) continue;
      visited[w] = 1;
      touchedNodes.push(w);
      parent[w] = from;
      inJob[w] = k;
      inPos[w] = p;
      if ((state.remaining[w] as number) >= d) {
        terminal = w;
        return true;
      }
      queue.push(w);
    }
    return false;
  };

  let found = expand(j, -1);
  for (let head = 0; !found && head < queue.length && work < ctx.budget; head++) {
    const v = queue[head] as number;
    const need = (state.durations[inJob[v] as number] as number) - (state.remaining[v] as number);
    for (const k of state.nodeJobs[v] as number[]) {
      if (explored[k] || (state.durations[k] as number) < need) continue;
      explored[k] = 1;
      touchedJobs.push(k);
      if (expand(k, v)) {
        found = true;
        break;
      }
    }
  }

  if (found) {
    // Walk back from the free node: each job takes its new node, then leaves the node it came from.
    let cur = terminal;
    for (;;) {
      const k = inJob[cur] as number;
      const from = parent[cur] as number;
      place(ctx, k, inPos[cur] as number);
      if (from === -1) break;
      unplace(ctx, k, from);
      cur = from;
    }
  }
  for (const w of touchedNodes) visited[w] = 0;
  for (const k of touchedJobs) explored[k] = 0;
  return found;
}
