/**
 * The original design's pattern 2, High-Reliability Pool, with its node-left replacement handler.
 *
 * Deviations from the snippet, and why:
 * - `reputation: 0.95` needs a track record: a new node scores 0.5 (Laplace-smoothed success
 *   ratio), so the example first has each node complete 19 real jobs (posted and reported on the
 *   chain) to reach (19+1)/(19+2) ≈ 0.952.
 * - the handler's `lostNode` is undefined in the design; here it is the member record the pool
 *   held for the departed node, and its capabilities are turned into discovery requirements
 *   (the design passes NodeCapabilities where DiscoveryCriteria.capabilities wants requirements).
 * - the replacement search names the non-members (`.nodes(...)`): otherwise the best-ranked
 *   node could be one already in the pool and `addNode` would revert with PoolRegistryAlreadyMember.
 * - events are delivered by `pollEvents()` (scripts and tests drive delivery; a long-running app
 *   lets the pool poll on its own timer).
 *
 *   node scripts/examples/high-reliability-pool.ts
 */
import { keccak256, toBytes } from "viem";

import type { Pool } from "../../client/pool/Pool.ts";
import { gpuNode, isMain, setup } from "./setup.ts";

export async function main() {
  const { sandrun, seed, viem, operator, deployment, operatorSandrun } = await setup();
  const ids = await seed([
    gpuNode("east-1", { region: "us-east-1" }),
    gpuNode("east-2", { region: "us-east-1" }),
    gpuNode("east-3", { region: "us-east-1" }),
    gpuNode("west-1", { region: "us-west-2" }),
    gpuNode("west-2", { region: "us-west-2" }),
    gpuNode("west-3", { region: "us-west-2" }),
    gpuNode("eu-1", { region: "eu-west-1" }), // wrong region: never chosen
  ]);

  // A track record: 19 completed single-node jobs per node, each reported by the node's owner.
  const market = await viem.getContractAt("JobMarket", deployment.jobMarket.address, {
    client: { wallet: operator! },
  });
  const digest = keccak256(toBytes("ok"));
  for (const id of ids.slice(0, 6)) {
    const solo = await sandrun.pool().nodes([id]).consensus("fastest-wins").join();
    const jobs = await Promise.all(
      Array.from({ length: 19 }, (_, i) => sandrun.job().code(`console.log(${i})`).payment("0.0001").build()),
    );
    const executions = await solo.distribute(jobs);
    for (const e of executions) await market.write.report([BigInt(e.id), BigInt(id), digest, 0n, "data:,ok"]);
  }

  // Create pool for mission-critical workload
  const reliablePool = await sandrun
    .pool()
    .discover({
      minNodes: 5,
      reputation: 0.95,
      availability: 0.99,
    })
    .region(["us-east-1", "us-west-2"]) // Multi-region
    .minGPUs(4, "a100")
    .consensus("byzantine-fault-tolerant")
    .redundancy(3) // Triple redundancy
    .verification("cryptographic")
    .join();

  const replacements: string[] = [];
  const lostNodes = new Map(reliablePool.records.map((r) => [r.id.toString(), r]));
  // Monitor pool health
  reliablePool.on("node-left", async (nodeId) => {
    console.log(`Node ${nodeId} left, finding replacement...`);
    const lostNode = lostNodes.get(String(nodeId))!;
    const members = new Set((reliablePool as Pool).records.map((r) => r.id.toString()));
    const replacement = await sandrun
      .pool()
      .discover({
        minNodes: 1,
        capabilities: [
          {
            type: "gpu",
            specs: { type: lostNode.capabilities.gpu.model, count: lostNode.capabilities.gpu.count },
          },
        ],
      })
      .nodes(ids.filter((id) => !members.has(id) && id !== String(nodeId)))
      .region(["us-east-1", "us-west-2"])
      .join();

    await reliablePool.addNode(replacement.nodes[0] as { id: string });
    replacements.push((replacement.nodes[0] as { id: string }).id);
  });

  // A member's operator takes it out of the pool; the handler finds and adds a replacement.
  const leaving = reliablePool.records[0]!.id.toString();
  const node = await operatorSandrun.node().attach(leaving);
  await node.leavePool(reliablePool.id);
  await reliablePool.pollEvents();
  await reliablePool.refresh();
  console.log(
    `pool ${reliablePool.id}: ${reliablePool.records.map((r) => r.id).join(", ")} (replaced ${leaving} by ${replacements.join(", ")})`,
  );
  reliablePool.close();
  return { reliablePool, leaving, replacements, ids };
}

if (isMain(import.meta.url)) await main();
