/**
 * The original design's pattern 4, Specialized Hardware Pool, as written.
 *
 * Deviations: none in the snippet. Around it, nodes are seeded so that exactly one matches and
 * each other one misses one requirement (model, GPU memory, interconnect, storage type,
 * capacity, IOPS, bandwidth, region), and the example returns the pool for the test.
 *
 *   node scripts/examples/specialized-hardware-pool.ts
 */
import { gpuNode, isMain, setup, type SeedSpec } from "./setup.ts";

function h100(
  alias: string,
  over: { gpu?: object; storage?: object; network?: object; region?: string } = {},
): SeedSpec {
  const base = gpuNode(alias).capabilities;
  return gpuNode(alias, {
    region: over.region ?? "us-east-1",
    capabilities: {
      ...base,
      gpu: {
        type: "h100",
        memory: "80GB",
        count: 8,
        computeCapability: 9.0,
        interconnect: "nvlink",
        ...over.gpu,
      },
      storage: { type: "nvme", capacity: 8000, iops: 900_000, ...over.storage },
      network: { bandwidth: 25_000, latency: 2, ...over.network },
    },
  });
}

export async function main() {
  const { sandrun, seed } = await setup();
  const ids = await seed([
    h100("match"),
    h100("a100", { gpu: { type: "a100" } }),
    h100("40gb", { gpu: { memory: "40GB" } }),
    h100("pcie", { gpu: { interconnect: "none" } }),
    h100("ssd", { storage: { type: "ssd" } }),
    h100("2tb", { storage: { capacity: 2000 } }),
    h100("slow-disk", { storage: { iops: 100_000 } }),
    h100("1gbps", { network: { bandwidth: 1000 } }),
    h100("west", { region: "us-west-2" }),
  ]);

  // Find nodes with specific hardware
  const specializedPool = await sandrun
    .pool()
    .discover({
      capabilities: [
        {
          type: "gpu",
          specs: {
            type: "h100",
            memory: "80GB",
            interconnect: "nvlink",
          },
        },
        {
          type: "storage",
          specs: {
            type: "nvme",
            capacity: "4TB",
            iops: 500000,
          },
        },
      ],
    })
    .minBandwidth(10000) // 10 Gbps
    .region("us-east-1") // Low latency required
    .join();

  console.log(`pool ${specializedPool.id}: node ${specializedPool.records.map((r) => r.id).join(", ")}`);
  specializedPool.close();
  return { specializedPool, matchId: ids[0]! };
}

if (isMain(import.meta.url)) await main();
