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
  /** Eligible node indices (capabilities only), by ascending hourly rate (ties: node index). */
  nodes: Int32Array;
  /** Float hourly rate of the class shape at each eligible node (aligned with `nodes`). */
  rateF: Float64Array;
  perJobF: Float64Array;
  minJobF: Float64Array;
  /** The lowest perJob among the class's nodes: with the rate order, it bounds every later node's cost. */
  minPerJobF: number;
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

  const shapes = new Map<string, { rates: Float64Array; order: Int32Array }>();
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
      // Rate order lets the per-job scan stop as soon as no later node can be cheaper. Rates
      // depend only on the resource shape, so classes differing in model or region share one sort.
      const shapeKey = `${gpus}|${wantCores}|${mem}`;
      let shape = shapes.get(shapeKey);
      if (shape === undefined) {
        const rates = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          rates[i] =
            (gpuHour[i] as number) * gpus + (cpuHour[i] as number) * wantCores + (memHour[i] as number) * mem;
        }
        shape = { rates, order: argsort(rates) };
        shapes.set(shapeKey, shape);
      }
      const { rates, order } = shape;
      const eligible: number[] = [];
      const wantModel = model === "" ? -1 : code(model);
      const wantRegion = region === "" ? -1 : code(region);
      for (let k = 0; k < n; k++) {
        const i = order[k] as number;
        if ((gpuCount[i] as number) < gpus || (cores[i] as number) < wantCores || (memory[i] as number) < mem)
          continue;
        if (wantModel !== -1 && models[i] !== wantModel) continue;
        if (wantRegion !== -1 && regions[i] !== wantRegion) continue;
        eligible.push(i);
      }
      // Plain loops: TypedArray.from with a map function goes through the iterator protocol and
      // was the largest cost of building 700 classes.
      const len = eligible.length;
      const idx = new Int32Array(len);
      const rateF = new Float64Array(len);
      const perJobF = new Float64Array(len);
      const minJobF = new Float64Array(len);
      const cap = new Float64Array(len);
      let minPerJobF = Infinity;
      for (let p = 0; p < len; p++) {
        const i = eligible[p] as number;
        idx[p] = i;
        rateF[p] = rates[i] as number;
        perJobF[p] = perJob[i] as number;
        minJobF[p] = minJob[i] as number;
        cap[p] = capacity[i] as number;
        if ((perJob[i] as number) < minPerJobF) minPerJobF = perJob[i] as number;
      }
      ci = classes.length;
      classes.push({
        gpus,
        cpuCores: wantCores,
        memoryGb: mem,
        nodes: idx,
        rateF,
        perJobF,
        minJobF,
        minPerJobF,
        capacity: cap,
        rateB: new Array(len),
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

/**
 * Indices of `values` in ascending order of value, ties by index. Uses the native numeric sort of
 * a typed array (no comparator callback) and a binary search per element: several times faster
 * than sorting indices with a comparator.
 *
 * @example
 * ```ts
 * import { argsort } from "./client/pool/schedule-market.ts";
 * argsort(Float64Array.from([3, 1, 3, 0])); // Int32Array [3, 1, 0, 2]
 * ```
 */
export function argsort(values: Float64Array): Int32Array {
  const n = values.length;
  const sorted = values.slice().sort();
  const used = new Int32Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    order[lo + (used[lo] as number)] = i;
    used[lo] = (used[lo] as number) + 1;
  }
  return order;
}
