/**
 * The original design's pattern 1, Simple Pool Discovery, as written:
 *
 *   const quickPool = await sandrun.pool().discover({ minNodes: 1 }).minGPUs(1).maxCostPerHour('1.0', 'ETH').join()
 *   const execution = await sandrun.job().code('gpu_computation()').with(quickPool).submit()
 *
 * Deviations: none in the snippet. Around it: nodes are seeded first (one too expensive for the
 * cap, one without a GPU), and `code('gpu_computation()')` runs on the default `js` runtime
 * (JobBuilder's documented default for bare code).
 *
 *   node scripts/examples/simple-pool-discovery.ts
 */
import { gpuNode, isMain, setup } from "./setup.ts";

export async function main() {
  const { sandrun, seed } = await setup();
  await seed([
    gpuNode("cheap-a100"),
    gpuNode("pricey-a100", { pricing: { gpu: { perHour: "2.0" }, currency: "ETH" } }),
    gpuNode("cpu-only", { capabilities: { ...gpuNode("x").capabilities, gpu: undefined } }),
  ]);

  // Find any available GPU nodes
  const quickPool = await sandrun
    .pool()
    .discover({ minNodes: 1 })
    .minGPUs(1)
    .maxCostPerHour("1.0", "ETH")
    .join();

  // Submit job to pool
  const execution = await sandrun.job().code("gpu_computation()").with(quickPool).submit();

  const status = await execution.status();
  console.log(
    `pool ${quickPool.id}: nodes ${quickPool.records.map((n) => n.id).join(", ")}; job ${execution.id} is ${status.phase}`,
  );
  quickPool.close();
  return { pool: quickPool, execution, status };
}

if (isMain(import.meta.url)) await main();
