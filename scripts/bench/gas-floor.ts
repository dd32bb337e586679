/**
 * Measures the gas floor of the strict 2-of-3 lifecycle: the same lifecycles as gas-market.ts
 * (post + 3 commits + 3 reveals node-sent; post + one submitBatch), with the same requests,
 * reveals and signatures, run against `contracts/test/LifecycleFloor.sol` — the lifecycle's
 * required storage, checks and events in one contract's storage (no registry or pool-registry
 * call), packed as tightly as the design allows. It tells how close any redesign of the contracts'
 * storage could come to the issue's targets (≤ 450,000 node-sent, ≤ 250,000 batched). Each
 * lifecycle runs twice: `_firstJob`, then the steady figure (recycled slot row, warm balances,
 * nodes settled before). It runs in both of the probe's layouts: the job words as JobMarket keeps
 * them (`floor_*`), and hash-only settled jobs with the terms word in the recycled row
 * (`floor_compact_*`). Writes `<out>/gas-floor.json` (totals and each steady transaction);
 * bench/GAS-market.md discusses it.
 *
 *   node scripts/bench/gas-floor.ts [--out dir]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";

import { deployMarket } from "../../test/market/fixture.ts";
import { deployFloorProbe } from "./floor-probe.ts";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const outDir = values.out ?? join(import.meta.dirname, "..", "..", "bench");

const gas: Record<string, number> = {};
const transactions: Record<string, number[]> = {};
for (const compact of [false, true]) {
  // A fresh chain per layout: each starts from the same state.
  const f = await deployMarket(await network.create(), 3);
  const floor = await deployFloorProbe(f, compact);
  for (const [lifecycle, run] of [
    ["nodeSent", floor.nodeSent],
    ["batched", floor.batched],
  ] as const) {
    const name = `floor${compact ? "_compact" : ""}_2of3_strict_${lifecycle}`;
    gas[`${name}_firstJob`] = (await run(f.nodes)).gas;
    const from = floor.sent.length;
    gas[name] = (await run(f.nodes)).gas;
    transactions[name] = floor.sent.slice(from);
    console.log(
      `${name}: first ${gas[`${name}_firstJob`]}, steady ${gas[name]} (${transactions[name].join(" + ")})`,
    );
  }
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "gas-floor.json"), `${JSON.stringify({ gas, transactions }, null, 2)}\n`);
