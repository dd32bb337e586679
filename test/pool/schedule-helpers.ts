/**
 * Independent reference checks for scheduler tests: eligibility and cost recomputed from
 * client/pool/cost.ts (not from the scheduler's internals), and a max-flow feasibility oracle.
 */
import fc from "fast-check";

import { jobCost } from "../../client/pool/cost.ts";
import type { ScheduleJob, ScheduleNode } from "../../client/pool/schedule-types.ts";

export const ETH = "0x0000000000000000000000000000000000000000" as const;

export function shapeOf(job: ScheduleJob) {
  return {
    gpus: job.requirements.gpus ?? 0,
    cpuCores: job.requirements.cpuCores ?? 0,
    memoryGb: job.requirements.memoryGb ?? 0,
  };
}

export function costAt(job: ScheduleJob, node: ScheduleNode): bigint {
  return jobCost(node.prices, shapeOf(job), job.durationSeconds);
}

/** Whether `node` can ever run `job`: capabilities, region, model, price cap, capacity >= duration. */
export function eligible(job: ScheduleJob, node: ScheduleNode): boolean {
  const r = job.requirements;
  if (
    node.gpu.count < (r.gpus ?? 0) ||
    node.cpuCores < (r.cpuCores ?? 0) ||
    node.memoryGb < (r.memoryGb ?? 0)
  )
    return false;
  if (r.gpuModel !== undefined && r.gpuModel.toLowerCase() !== node.gpu.model.toLowerCase()) return false;
  if (r.region !== undefined && r.region.toLowerCase() !== node.region.toLowerCase()) return false;
  if ((node.capacitySeconds ?? Infinity) < job.durationSeconds) return false;
  if (job.maxPricePerNode !== undefined && costAt(job, node) > job.maxPricePerNode) return false;
  return true;
}

/** Sum of the r cheapest eligible costs (capacity ignored beyond one run), or undefined if < r eligible. */
export function bruteLowerBound(job: ScheduleJob, nodes: readonly ScheduleNode[]): bigint | undefined {
  const costs = nodes
    .filter((n) => eligible(job, n))
    .map((n) => costAt(job, n))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (costs.length < job.redundancy) return undefined;
  return costs.slice(0, job.redundancy).reduce((s, c) => s + c, 0n);
}

/** Max flow S→job(r)→node(1 per job)→T(units) by Edmonds–Karp. `units[i]` = runs node i can take. */
export function maxFlow(
  jobs: readonly ScheduleJob[],
  nodes: readonly ScheduleNode[],
  units: readonly number[],
): number {
  const J = jobs.length;
  const N = nodes.length;
  const V = J + N + 2;
  const S = J + N;
  const T = S + 1;
  const cap = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  jobs.forEach((job, j) => {
    cap[S]![j] = job.redundancy;
    nodes.forEach((node, i) => {
      if (eligible(job, node)) cap[j]![J + i] = 1;
    });
  });
  nodes.forEach((_, i) => (cap[J + i]![T] = units[i]!));
  let flow = 0;
  for (;;) {
    const prev = new Array<number>(V).fill(-1);
    prev[S] = S;
    const queue = [S];
    while (queue.length && prev[T] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v < V; v++) {
        if (prev[v] === -1 && cap[u]![v]! > 0) {
          prev[v] = u;
          queue.push(v);
        }
      }
    }
    if (prev[T] === -1) return flow;
    let f = Infinity;
    for (let v = T; v !== S; v = prev[v]!) f = Math.min(f, cap[prev[v]!]![v]!);
    for (let v = T; v !== S; v = prev[v]!) {
      cap[prev[v]!]![v]! -= f;
      cap[v]![prev[v]!]! += f;
    }
    flow += f;
  }
}

const bigPrice = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));

export const nodeArb = (opts: { unitDuration?: number } = {}) =>
  fc
    .record({
      model: fc.constantFrom("a100", "h100", ""),
      count: fc.integer({ min: 0, max: 4 }),
      cpuCores: fc.integer({ min: 1, max: 8 }),
      memoryGb: fc.integer({ min: 8, max: 64 }),
      region: fc.constantFrom("x", "y"),
      slots: fc.integer({ min: 1, max: 3 }),
      units: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      capacity: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
      gpuHour: bigPrice,
      cpuCoreHour: bigPrice,
      memoryGbHour: bigPrice,
      perJob: bigPrice,
      minimumJob: bigPrice,
    })
    .map((x) => ({
      gpu: { model: x.model, count: x.model === "" ? 0 : x.count },
      cpuCores: x.cpuCores,
      memoryGb: x.memoryGb,
      region: x.region,
      slots: x.slots,
      capacitySeconds:
        opts.unitDuration !== undefined
          ? x.units === undefined
            ? undefined
            : x.units * opts.unitDuration
          : x.capacity,
      prices: {
        token: ETH,
        gpuHour: x.gpuHour,
        cpuCoreHour: x.cpuCoreHour,
        memoryGbHour: x.memoryGbHour,
        storageGbHour: 0n,
        networkGb: 0n,
        perJob: x.perJob,
        minimumJob: x.minimumJob,
      },
    }));

export const jobArb = (opts: { unitDuration?: number; redundancy?: number } = {}) =>
  fc.record({
    redundancy: opts.redundancy !== undefined ? fc.constant(opts.redundancy) : fc.integer({ min: 1, max: 3 }),
    gpus: fc.integer({ min: 0, max: 2 }),
    gpuModel: fc.option(fc.constantFrom("a100", "H100"), { nil: undefined }),
    cpuCores: fc.integer({ min: 0, max: 4 }),
    memoryGb: fc.integer({ min: 0, max: 32 }),
    region: fc.option(fc.constantFrom("x", "Y"), { nil: undefined }),
    durationSeconds:
      opts.unitDuration !== undefined ? fc.constant(opts.unitDuration) : fc.integer({ min: 1, max: 7200 }),
    maxPricePerNode: fc.option(
      fc.oneof(fc.bigInt({ min: 0n, max: 5000n }), fc.bigInt({ min: 0n, max: 2n ** 70n })),
      { nil: undefined },
    ),
  });

type JobRaw = ReturnType<typeof jobArb> extends fc.Arbitrary<infer T> ? T : never;
type NodeRaw = ReturnType<typeof nodeArb> extends fc.Arbitrary<infer T> ? T : never;

/** Builds ids and drops undefined optional fields (exactOptionalPropertyTypes-friendly). */
export function toJobs(raw: JobRaw[]): ScheduleJob[] {
  return raw.map((x, i) => {
    const requirements: ScheduleJob["requirements"] = {
      gpus: x.gpus,
      cpuCores: x.cpuCores,
      memoryGb: x.memoryGb,
    };
    if (x.gpuModel !== undefined) requirements.gpuModel = x.gpuModel;
    if (x.region !== undefined) requirements.region = x.region;
    const job: ScheduleJob = {
      id: `j${i}`,
      redundancy: x.redundancy,
      durationSeconds: x.durationSeconds,
      requirements,
    };
    if (x.maxPricePerNode !== undefined) job.maxPricePerNode = x.maxPricePerNode;
    return job;
  });
}

export function toNodes(raw: NodeRaw[]): ScheduleNode[] {
  return raw.map((x, i) => {
    const node: ScheduleNode = {
      id: BigInt(i + 1),
      gpu: x.gpu,
      cpuCores: x.cpuCores,
      memoryGb: x.memoryGb,
      region: x.region,
      slots: x.slots,
      prices: x.prices,
    };
    if (x.capacitySeconds !== undefined) node.capacitySeconds = x.capacitySeconds;
    return node;
  });
}

/**
 * Small, contended instances (few nodes of 1–2 runs, jobs differing only in GPU and region, equal
 * durations): where a greedy pass without repair most often strands a job that could be placed.
 */
export const contendedArb = (d: number) =>
  fc
    .tuple(
      fc.array(
        fc.record({
          gpu: fc.integer({ min: 0, max: 1 }),
          region: fc.constantFrom("x", "y"),
          units: fc.integer({ min: 1, max: 2 }),
          perJob: fc.bigInt({ min: 0n, max: 5n }),
        }),
        { minLength: 2, maxLength: 5 },
      ),
      fc.array(
        fc.record({
          gpus: fc.integer({ min: 0, max: 1 }),
          region: fc.option(fc.constantFrom("x", "y"), { nil: undefined }),
          r: fc.integer({ min: 1, max: 2 }),
        }),
        { minLength: 2, maxLength: 8 },
      ),
    )
    .map(([rn, rj]) => {
      const nodes: ScheduleNode[] = rn.map((x, i) => ({
        id: BigInt(i + 1),
        gpu: { model: x.gpu ? "a100" : "", count: x.gpu },
        cpuCores: 1,
        memoryGb: 1,
        region: x.region,
        capacitySeconds: x.units * d,
        prices: {
          token: ETH,
          gpuHour: 0n,
          cpuCoreHour: 0n,
          memoryGbHour: 0n,
          storageGbHour: 0n,
          networkGb: 0n,
          perJob: x.perJob,
          minimumJob: 0n,
        },
      }));
      const jobs: ScheduleJob[] = rj.map((x, i) => ({
        id: `j${i}`,
        redundancy: x.r,
        durationSeconds: d,
        requirements: x.region ? { gpus: x.gpus, region: x.region } : { gpus: x.gpus },
      }));
      return { nodes, jobs, units: rn.map((x) => x.units) };
    });
