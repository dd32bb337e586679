/**
 * The original design's "Basic Node Registration" pattern (spec/pool-management.md), run
 * against the in-process Hardhat chain: `node scripts/examples/basic-node-registration.ts`.
 *
 * Changes from the design's snippet, and why:
 * - The root is the Node.js one with the worker attached (client/worker/attach.ts), so
 *   `myNode.startListening()` starts the node's worker daemon in this process: it follows the
 *   chain and sends the node's first heartbeat before the call returns.
 * - The script then stops the daemon (`stopListening()`, which drains) and shuts the node down,
 *   so nothing is left running and the process exits on its own.
 * - Everything else is as written (sizes such as '24GB', prices as strings).
 */
import { localSandrun } from "./node-setup.ts";

export async function main() {
  const { sandrun, heartbeats, workerMessages, close } = await localSandrun();

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

  await myNode.startListening();
  const heartbeatsWhileListening = await heartbeats(myNode.id);
  await myNode.stopListening();
  await myNode.shutdown();
  close();
  return {
    id: myNode.id,
    publicKey: myNode.publicKey,
    gpu: myNode.capabilities.gpu,
    prices: myNode.prices.toPricingModel(),
    heartbeatsWhileListening,
    worker: workerMessages(myNode.id).filter((m) => m === "worker starting" || m === "worker stopped"),
  };
}

if (import.meta.main) console.log(JSON.stringify(await main(), null, 2));
