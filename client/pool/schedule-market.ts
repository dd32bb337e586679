/**
 * The scheduler's precomputed market: jobs with identical requirements form a class; each class
 * holds its eligible nodes with their float prices for the class's resource shape, laid out in
 * flat typed arrays so the per-job scan is a tight loop without bigint or allocation.
 *
 * Float costs only ORDER candidates. Every decision where float error could matter is settled
 * exactly: a price cap near its boundary, and the lower bound's choice among near-equal costs,
 * are recomputed with bigint (`exactCost`, the formula of client/pool/cost.ts `jobCost`).
 */
import type { NodePrices } from "../discovery/types.ts";
import { ceilDiv } from "./cost.ts";
import type { ScheduleJob, ScheduleNode } from "./schedule-types.ts";

/**
 * A requirement class: jobs with identical requirements share eligibility and rates.
 *
 * @example
 * ```ts
 * const { classes } = buildMarket(jobs, nodes);
 * console.log(classes.map((c) => c.nodes.length));
 * ```
 */
export interface JobClass {
  gpus: number;
  cpuCores: number;
  memoryGb: number;
  /** Eligible node indices (capabilities only), ascending. */
  nodes: Int32Array;
  /** Float hourly rate of the class shape at each eligible node (aligned with `nodes`). */
  rateF: Float64Array;
  perJobF: Float64Array;
  minJobF: Float64Array;
  /** Capacity (job-seconds) of each eligible node before anything is placed. */
  capacity: Float64Array;
  /** Exact hourly rates, computed on first use (aligned with `nodes`). */
  rateB: (bigint | undefined)[];
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Relative tolerance under which float costs are re-checked exactly.
 *
 * @example
 * ```ts
 * const uncertain = Math.abs(a - b) <= EPS * Math.max(a, b) + 2;
 * ```
 */
export const EPS = 1e-9;

/**
 * Groups jobs into classes and finds each class's eligible nodes.
 *
 * @example
 * ```ts
 * import { buildMarket } from "./client/pool/schedule-market.ts";
 * const { classes, jobClass } = buildMarket(jobs, nodes);
 * const eligibleForFirstJob = classes[jobClass[0]!]!.nodes.length;
 * ```
 */
export function buildMarket(jobs: readonly ScheduleJob[], nodes: readonly ScheduleNode[]) {
  const n = nodes.length;
  const gpuHour = Float64Array.from(nodes, (x) => Number(x.prices.gpuHour));
  const cpuHour = Float64Array.from(nodes, (x) => Number(x.prices.cpuCoreHour));
  const memHour = Float64Array.from(nodes, (x) => Number(x.prices.memoryGbHour));
  const perJob = Float64Array.from(nodes, (x) => Number(x.prices.perJob));
  const minJob = Float64Array.from(nodes, (x) => Number(x.prices.minimumJob));
  const capacity = Float64Array.from(nodes, (x) => x.capacitySeconds ?? Infinity);
  const gpuCount = Int32Array.from(nodes, (x) => x.gpu.count);
  const cores = Int32Array.from(nodes, (x) => x.cpuCores);
  const memory = Float64Array.from(nodes, (x) => x.memoryGb);
  // Models and regions as small integers so eligibility is integer comparisons.
  const names = new Map<string, number>();
  const code = (s: string) => {
    let c = names.get(s);
    if (c === undefined) names.set(s, (c = names.size));
    return c;
  };
  const models = Int32Array.from(nodes, (x) => code(norm(x.gpu.model)));
  const regions = Int32Array.from(nodes, (x) => code(norm(x.region)));

  const classes: JobClass[] = [];
  const classByKey = new Map<string, number>();
  const jobClass = new Int32Array(jobs.length);
  jobs.forEach((job, j) => {
    const r = job.requirements;
    const gpus = r.gpus ?? 0;
    const model = r.gpuModel === undefined ? "" : norm(r.gpuModel);
    const region = r.region === undefined ? "" : norm(r.region);
    const wantCores = r.cpuCores ?? 0;
    const mem = r.memoryGb ?? 0;
    const key = `${gpus}|${model}|${mem}|${wantCores}|${region}`;
    let ci = classByKey.get(key);
    if (ci === undefined) {
      const eligible: number[] = [];
      const wantModel = model === "" ? -1 : code(model);
      const wantRegion = region === "" ? -1 : code(region);
      for (let i = 0; i < n; i++) {
        if ((gpuCount[i] as number) < gpus || (cores[i] as number) < wantCores || (memory[i] as number) < mem)
          continue;
        if (wantModel !== -1 && models[i] !== wantModel) continue;
        if (wantRegion !== -1 && regions[i] !== wantRegion) continue;
        eligible.push(i);
      }
      const idx = Int32Array.from(eligible);
      ci = classes.length;
      classes.push({
        gpus,
        cpuCores: wantCores,
        memoryGb: mem,
        nodes: idx,
        rateF: Float64Array.from(
          idx,
          (i) =>
            (gpuHour[i] as number) * gpus + (cpuHour[i] as number) * wantCores + (memHour[i] as number) * mem,
        ),
        perJobF: Float64Array.from(idx, (i) => perJob[i] as number),
        minJobF: Float64Array.from(idx, (i) => minJob[i] as number),
        capacity: Float64Array.from(idx, (i) => capacity[i] as number),
        rateB: new Array(idx.length),
      });
      classByKey.set(key, ci);
    }
    jobClass[j] = ci;
  });
  return { classes, jobClass, capacity };
}

/**
 * The market `buildMarket` returns.
 *
 * @example
 * ```ts
 * const market: Market = buildMarket(jobs, nodes);
 * ```
 */
export type Market = ReturnType<typeof buildMarket>;

/**
 * Float cost of one run of `seconds` at class position `p`.
 *
 * @example
 * ```ts
 * import { floatCost } from "./client/pool/schedule-market.ts";
 * floatCost(cls, 0, 3600);
 * ```
 */
export function floatCost(cls: JobClass, p: number, seconds: number): number {
  const metered = (cls.perJobF[p] as number) + ((cls.rateF[p] as number) * seconds) / 3600;
  const min = cls.minJobF[p] as number;
  return metered > min ? metered : min;
}

/**
 * Exact cost of one run of `seconds` at class position `p`:
 * max(minimumJob, perJob + ⌈rate·s/3600⌉), as client/pool/cost.ts `jobCost`.
 *
 * @example
 * ```ts
 * import { exactCost } from "./client/pool/schedule-market.ts";
 * const c = exactCost(cls, p, nodes[cls.nodes[p]].prices, 1800);
 * ```
 */
export function exactCost(cls: JobClass, p: number, prices: NodePrices, seconds: number): bigint {
  let rate = cls.rateB[p];
  if (rate === undefined) {
    rate =
      prices.gpuHour * BigInt(cls.gpus) +
      prices.cpuCoreHour * BigInt(cls.cpuCores) +
      prices.memoryGbHour * BigInt(cls.memoryGb);
    cls.rateB[p] = rate;
  }
  const metered = prices.perJob + ceilDiv(rate * BigInt(seconds), 3600n);
  return metered > prices.minimumJob ? metered : prices.minimumJob;
}

/**
 * Upper edge of the float window in which costs may tie with `c` once computed exactly.
 *
 * @example
 * ```ts
 * const mayTie = otherCost <= tieWindow(rthCost);
 * ```
 */
export function tieWindow(c: number): number {
  return c * (1 + EPS) + 2;
}
