/**
 * The original design's "Basic Node Registration" pattern (spec/pool-management.md), run
 * against the in-process Hardhat chain: `node scripts/examples/basic-node-registration.ts`.
 *
 * Changes from the design's snippet, and why:
 * - `myNode.startListening()` needs the worker module (client/worker, Node.js only). Without it
 *   the call throws a typed NotSupportedError, which this script reports instead of hiding.
 * - Everything else is as written (sizes such as '24GB', prices as strings).
 */
import { NotSupportedError } from "../../client/index.ts";
import { localSandrun } from "./node-setup.ts";

export async function main() {
  const { sandrun } = await localSandrun();

  // Register a simple GPU node
  const myNode = await sandrun
    .node()
    .alias("my-rtx4090-rig")
    .capabilities({
      gpu: { type: "rtx4090", memory: "24GB", count: 2 },
      cpu: { cores: 16, threads: 32, frequency: 3600 },
      memory: { total: 64, type: "ddr4", speed: 3200 },
      storage: { type: "nvme", capacity: 2000, iops: 100000 },
      network: { bandwidth: 1000, latency: 10 },
    })
    .region("us-west-2")
    .pricing({
      gpu: { perHour: "0.5" },
      cpu: { perCoreHour: "0.02" },
      currency: "ETH",
    })
    .register();

  let listening: "started" | "needs-worker" = "started";
  try {
    await myNode.startListening();
  } catch (e) {
    if (!(e instanceof NotSupportedError)) throw e;
    listening = "needs-worker";
  }
  const summary = {
    id: myNode.id,
    publicKey: myNode.publicKey,
    gpu: myNode.capabilities.gpu,
    prices: myNode.prices.toPricingModel(),
    listening,
  };
  await myNode.shutdown();
  return summary;
}

if (import.meta.main) console.log(JSON.stringify(await main(), null, 2));
