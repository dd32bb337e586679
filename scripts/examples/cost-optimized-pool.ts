/**
 * The original design's pattern 3, Cost-Optimized Pool, with schedule.
 *
 * Deviations from the snippet, and why:
 * - `createJob1()`…`createJob3()` are not defined in the design; here each builds a job with
 *   `sandrun.job()…build()` (an unsubmitted Job, what `Pool.schedule` takes).
 * - `schedule.totalCost` is exact: a bigint in base units of the price token (wei);
 *   `schedule.totalCostFormatted` is the same in token units ("0.0125"), never a float.
 * - the snippet prints; the example also returns the schedule for the test.
 *
 *   node scripts/examples/cost-optimized-pool.ts
 */
import { gpuNode, isMain, setup } from "./setup.ts";

export async function main() {
  const { sandrun, seed } = await setup();
  await seed([
    gpuNode("budget", {
      pricing: { gpu: { perHour: "0.01" }, cpu: { perCoreHour: "0.0001" }, currency: "ETH" },
    }),
    gpuNode("mid", { pricing: { gpu: { perHour: "0.07" }, currency: "ETH" } }), // 0.28/h: under 0.5, over the 0.3 spot cap
    gpuNode("premium", { pricing: { gpu: { perHour: "0.2" }, currency: "ETH" } }), // 0.8/h: over 0.5
  ]);
  const createJob = (n: number) => () =>
    sandrun.job().code(`console.log(${n} * ${n})`).gpu(1).timeout("10m").build();
  const [createJob1, createJob2, createJob3] = [createJob(1), createJob(2), createJob(3)];

  // Build cheapest viable pool
  const budgetPool = await sandrun
    .pool()
    .discover({
      pricing: { max: "0.5", currency: "ETH", model: "per-hour" },
    })
    .preferredPricing({
      strategy: "spot-pricing", // Use spot instances
      maxPrice: "0.3",
    })
    .consensus("fastest-wins") // Lower consensus for cost savings
    .join();

  // Batch multiple jobs for efficiency
  const jobs = await Promise.all([createJob1(), createJob2(), createJob3()]);

  const schedule = await budgetPool.schedule(jobs);
  console.log(`Total estimated cost: ${schedule.totalCost}`);
  console.log(`= ${schedule.totalCostFormatted} ${schedule.tokenSymbol}, makespan ${schedule.makespan}s`);
  budgetPool.close();
  return { budgetPool, schedule };
}

if (isMain(import.meta.url)) await main();
