/**
 * Three pools from the original design's usage patterns (spec/pool-management.md), each made
 * with `sandrun.pool()…join()`: discovery reads the registry, ranks the nodes, and `join()`
 * creates the pool on-chain with the ones that fit. Changes from the design's snippets, and why:
 * - quick pool: `consensus('fastest-wins')` is named (the snippet leaves the default).
 * - high-reliability pool: `minNodes: 3` and no `reputation`/`availability` floor (a fresh demo
 *   fleet has three A100 boxes in those regions, each with the new-node score 0.5 and no uptime
 *   history); `2-of-3` consensus over 3 nodes so one liar is outvoted (byzantine-fault-tolerant
 *   with n = 3 needs all three to agree, so one liar would only refund the requester).
 * - budget pool: `maxNodes: 2`, so `Pool.schedule` has two machines to spread jobs over.
 */
import type { Pool } from "../../client/pool/Pool.ts";
import type { requesterRoot } from "./roots.ts";
import { c, say } from "./console.ts";
import type { Names } from "./watch.ts";

type Root = ReturnType<typeof requesterRoot>;

/** The demo's pools. */
export type DemoPools = { readonly quick: Pool; readonly reliable: Pool; readonly budget: Pool };

function describe(label: string, why: string, pool: Pool, names: Names): void {
  const members = pool.records.map((r) => names.nodes.get(r.id.toString()) ?? r.id.toString());
  say(
    `${c.bold(label)} (pool ${pool.id}): ${pool.consensus}, ${pool.redundancy} node(s) per job, ${pool.verification} verification`,
  );
  say(`  ${why}`);
  say(`  members: ${members.join(", ")}`);
}

/** Builds the three pools as the requester. */
export async function buildPools(sandrun: Root, names: Names): Promise<DemoPools> {
  // Pattern 1, Simple Pool Discovery: any GPU node costing at most 1 ETH an hour.
  const quick = await sandrun
    .pool()
    .discover({ minNodes: 1 })
    .minGPUs(1)
    .maxCostPerHour("1.0", "ETH")
    .consensus("fastest-wins")
    .join();
  names.pools.set(quick.id, "the quick pool");
  describe("Quick pool", "any GPU node under 1 ETH/hour; the first result wins", quick, names);

  // Pattern 2, High-Reliability Pool: A100 boxes in two regions, three per job, commit-reveal
  // with signed receipts and encrypted outputs.
  const reliable = await sandrun
    .pool()
    .discover({ minNodes: 3 })
    .region(["us-east-1", "us-west-2"])
    .minGPUs(4, "a100")
    .consensus("2-of-3")
    .redundancy(3)
    .verification("cryptographic")
    .join();
  names.pools.set(reliable.id, "the high-reliability pool");
  describe(
    "High-reliability pool",
    "4x A100 in us-east-1/us-west-2; 3 nodes run each job, 2 must agree",
    reliable,
    names,
  );

  // Pattern 3, Cost-Optimized Pool: the cheapest capacity under 0.5 ETH/hour.
  const budget = await sandrun
    .pool()
    .discover({ maxNodes: 2, pricing: { max: "0.5", currency: "ETH", model: "per-hour" } })
    .preferredPricing({ strategy: "spot-pricing", maxPrice: "0.3" })
    .consensus("fastest-wins")
    .join();
  names.pools.set(budget.id, "the budget pool");
  describe(
    "Budget pool",
    "the cheapest machines under 0.5 ETH/hour; jobs batched with Pool.schedule",
    budget,
    names,
  );
  return { quick, reliable, budget };
}
