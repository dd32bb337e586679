/**
 * Reproducible random scheduling instances for the benchmark and tests.
 */
import type { ScheduleJob, ScheduleNode } from "../../client/pool/schedule-types.ts";

const ETH = "0x0000000000000000000000000000000000000000" as const;
const GWEI = 10n ** 9n;

/** mulberry32: a tiny seeded PRNG so every run sees the same instance. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MODELS = ["h100", "a100", "rtx4090", "l4"];
export const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"];

/**
 * A random instance: `n` nodes and `m` jobs. Each node accepts `capacityDays` days of work per
 * slot: the default (a year) is ample, a week makes the cheapest nodes fill up.
 */
export function instance(
  n: number,
  m: number,
  seed: number,
  capacityDays = 365,
): { nodes: ScheduleNode[]; jobs: ScheduleJob[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const nodes: ScheduleNode[] = [];
  for (let i = 0; i < n; i++) {
    const hasGpu = r() < 0.8;
    const slots = 1 + Math.floor(r() * 8);
    nodes.push({
      id: BigInt(i + 1),
      gpu: hasGpu ? { model: pick(MODELS), count: pick([1, 2, 4, 8]) } : { model: "", count: 0 },
      cpuCores: pick([8, 16, 32, 64, 128]),
      memoryGb: pick([32, 64, 256, 1024]),
      region: pick(REGIONS),
      slots,
      capacitySeconds: slots * capacityDays * 24 * 3600,
      prices: {
        token: ETH,
        gpuHour: BigInt(Math.floor(1e8 + r() * 4e9)) * GWEI, // 0.1 .. 4.1 ETH
        cpuCoreHour: BigInt(Math.floor(r() * 2e7)) * GWEI,
        memoryGbHour: BigInt(Math.floor(r() * 2e6)) * GWEI,
        storageGbHour: 0n,
        networkGb: 0n,
        perJob: BigInt(Math.floor(r() * 1e7)) * GWEI,
        minimumJob: BigInt(Math.floor(r() * 5e7)) * GWEI,
      },
    });
  }
  const jobs: ScheduleJob[] = [];
  for (let j = 0; j < m; j++) {
    const gpus = pick([0, 1, 1, 2, 4]);
    const requirements: ScheduleJob["requirements"] = {
      gpus,
      cpuCores: pick([1, 2, 4, 8]),
      memoryGb: pick([4, 16, 32]),
    };
    if (gpus > 0 && r() < 0.3) requirements.gpuModel = pick(MODELS);
    if (r() < 0.2) requirements.region = pick(REGIONS);
    const job: ScheduleJob = {
      id: `job-${j}`,
      redundancy: pick([1, 2, 3, 3, 5]),
      durationSeconds: 60 * (1 + Math.floor(r() * 240)),
      requirements,
    };
    if (r() < 0.2) job.maxPricePerNode = BigInt(Math.floor(r() * 5e9)) * GWEI;
    jobs.push(job);
  }
  return { nodes, jobs };
}
