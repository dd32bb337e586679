/**
 * The benchmarks `npm run bench` runs, and the targets of the benchmarks issue. A target
 * that is missed is reported as missed in bench/RESULTS.md; nothing here is tuned to pass.
 */

/** Benchmarks in run order; each is `scripts/bench/<script>.ts` writing `<out>/<script>.json`. */
export const BENCHMARKS = [
  { script: "gas-registry" },
  { script: "gas-market" },
  { script: "schedule" },
  { script: "sandbox" },
  { script: "discovery" },
  { script: "e2e" },
] as const;

export interface Target {
  name: string;
  /** Dotted path into results.json. */
  path: string;
  /** When set, the figure is `path` divided by the figure at this path (a ratio target). */
  over?: string;
  /** The figure must be at most (`max`) or at least (`min`) this. */
  max?: number;
  min?: number;
}

export const TARGETS: Target[] = [
  {
    name: "2-of-3 strict lifecycle, node-sent (gas)",
    path: "gas.lifecycle_2of3_strict_nodeSent",
    max: 450_000,
  },
  { name: "2-of-3 strict lifecycle, batched (gas)", path: "gas.lifecycle_2of3_strict_batched", max: 250_000 },
  {
    name: "2-of-3 strict lifecycle with 10,000 nodes and 1,000 pools / without",
    path: "gas.lifecycle_2of3_strict_nodeSent_with10kNodes",
    over: "gas.lifecycle_2of3_strict_nodeSent",
    max: 1.01,
  },
  { name: "2-of-3 standard lifecycle, node-sent (gas)", path: "gas.lifecycle_2of3_nodeSent", max: 450_000 },
  { name: "heartbeat after the first (gas)", path: "gas.heartbeat", max: 30_000 },
  { name: "register (gas)", path: "gas.register", max: 200_000 },
  { name: "discovery of 10,000 nodes (RPC calls)", path: "discovery.rpcCalls", max: 10 },
  { name: "discovery of 10,000 nodes (ms)", path: "discovery.ms", max: 3_000 },
  { name: "schedule 10,000 jobs on 1,000 nodes (ms)", path: "schedule.ms", max: 1_000 },
  { name: "schedule cost over lower bound", path: "schedule.costOverLowerBound", max: 1.05 },
  { name: "wasm sandbox start-up (ms)", path: "sandbox.wasm.startupMs", max: 150 },
  { name: "js sandbox start-up (ms)", path: "sandbox.js.startupMs", max: 150 },
  { name: "process sandbox start-up (ms)", path: "sandbox.process.startupMs", max: 250 },
  { name: "wasm sandbox overhead ratio", path: "sandbox.wasm.overheadRatio", max: 1.1 },
  { name: "js sandbox overhead ratio", path: "sandbox.js.overheadRatio", max: 1.1 },
  { name: "process sandbox overhead ratio", path: "sandbox.process.overheadRatio", max: 1.1 },
  { name: "end to end, 6 workers (jobs/s)", path: "e2e.jobsPerSecond", min: 10 },
];

export interface TargetCheck {
  name: string;
  measured: number | undefined;
  target: string;
  verdict: "met" | "MISSED" | "not measured";
}

/** Reads each target's figure out of `results` and says whether it is met. */
export function checkTargets(results: Record<string, unknown>): TargetCheck[] {
  return TARGETS.map((t) => {
    const measured = t.over === undefined ? lookup(results, t.path) : ratio(results, t.path, t.over);
    const target = t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`;
    if (measured === undefined) return { name: t.name, measured, target, verdict: "not measured" };
    const ok = (t.max === undefined || measured <= t.max) && (t.min === undefined || measured >= t.min);
    return { name: t.name, measured, target, verdict: ok ? "met" : "MISSED" };
  });
}

function ratio(results: Record<string, unknown>, path: string, over: string): number | undefined {
  const a = lookup(results, path);
  const b = lookup(results, over);
  return a === undefined || b === undefined || b === 0 ? undefined : Math.round((a / b) * 10_000) / 10_000;
}

/** The number at a dotted `path` of `obj`, if there is one. */
export function lookup(obj: unknown, path: string): number | undefined {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === "number" ? cur : undefined;
}
