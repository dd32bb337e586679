/**
 * The closing tables: every node (region, hardware, jobs, earnings, reputation, bond and what
 * was slashed) and every job (runtime, pool, strategy, result, outcome). Earnings and
 * reputation come from the client (`node.status()`), bonds from the registry
 * (`getBondInfo`), outcomes from each execution's settled result.
 */
import { getBondInfo } from "../../client/actions/registry/getBondInfo.ts";
import { toBaseUnits } from "../../client/money/amount.ts";
import type { DemoChain } from "./chain.ts";
import { c, heading, say, table } from "./console.ts";
import type { FleetNode } from "./fleet.ts";
import { ended, type DemoJob } from "./jobs.ts";
import { eth, type FeedTotals, type Names } from "./watch.ts";

/** What the summary found, for the exit code and the test. */
export type SummaryFacts = {
  readonly allEnded: boolean;
  readonly dishonestSlashed: boolean;
  readonly paid: bigint;
};

function outcome(j: DemoJob, names: Names, totals: FeedTotals): string {
  if (j.error !== undefined && j.result === undefined) return c.yellow(`not ended: ${j.error}`);
  const r = j.result!;
  if (!ended(j)) return c.yellow(r.phase);
  if (r.record === undefined) return c.yellow(r.phase); // cancelled or expired unclaimed
  if (!r.consensus) return c.yellow(`no consensus, refunded ${eth(r.refunded)}`);
  const agreeing = r.agreeing.map((a) => names.nodes.get(a.nodeId) ?? a.nodeId);
  const dissent = r.results
    .filter((x) => !r.agreeing.some((a) => a.nodeId === x.nodeId))
    .map((x) => names.nodes.get(x.nodeId) ?? x.nodeId);
  const slashed = dissent.filter((alias) =>
    [...totals.slashed.keys()].some((id) => names.nodes.get(id) === alias),
  );
  return (
    c.green(`paid ${agreeing.join(", ")}`) +
    (dissent.length > 0
      ? c.red(`; ${dissent.join(", ")} ${slashed.length > 0 ? "slashed" : "outvoted"}`)
      : "")
  );
}

/** Prints the tables; returns the facts they show. */
export async function printSummary(
  chain: DemoChain,
  fleet: readonly FleetNode[],
  jobs: readonly DemoJob[],
  names: Names,
  totals: FeedTotals,
): Promise<SummaryFacts> {
  heading("Summary: nodes");
  const rows: string[][] = [];
  let paid = 0n;
  for (const f of fleet) {
    const [status, bond] = await Promise.all([
      f.node.status(),
      getBondInfo(
        { publicClient: chain.publicClient },
        { registry: chain.deployment.nodeRegistry, nodeId: BigInt(f.id) },
      ),
    ]);
    const slashed = totals.slashed.get(f.id) ?? 0n;
    // Credits beyond pay for work: a share of a liar's collateral.
    const credited = totals.credited.get(f.node.owner.toLowerCase()) ?? 0n;
    const earned = toBaseUnits(status.earnings.total, 18);
    const share = credited > earned ? credited - earned : 0n;
    rows.push([
      c.bold(f.spec.alias),
      f.spec.region,
      f.spec.hardware,
      String(totals.jobs.get(f.id)?.size ?? 0),
      `${status.earnings.total} ${status.earnings.currency}`,
      share > 0n ? eth(share) : "-",
      status.reputation.score.toFixed(3),
      `${eth(bond.bond)}` + (slashed > 0n ? c.red(` (slashed ${eth(slashed)})`) : ""),
    ]);
  }
  table(["node", "region", "hardware", "jobs", "earned", "slash share", "reputation", "bond"], rows);
  for (const v of totals.credited.values()) paid += v;

  heading("Summary: jobs");
  table(
    ["job", "program", "runtime", "pool", "strategy", "result", "outcome"],
    jobs.map((j) => [
      j.execution.id,
      j.label,
      j.runtime,
      j.pool.replace(/^the /u, "").replace(/ pool$/u, ""),
      j.strategy,
      j.output ?? "-",
      outcome(j, names, totals),
    ]),
  );

  const dishonest = fleet.filter((f) => f.spec.dishonest);
  const dishonestSlashed = dishonest.every((f) => (totals.slashed.get(f.id) ?? 0n) > 0n);
  const allEnded = jobs.every(ended);
  console.log("");
  say(
    `${jobs.filter(ended).length} of ${jobs.length} jobs ended; ` +
      `${totals.payments} payments credited (${eth(paid)} to nodes, requester and treasury).`,
  );
  for (const f of dishonest)
    say(
      dishonestSlashed
        ? c.red(`${f.spec.alias} lied, was outvoted and lost ${eth(totals.slashed.get(f.id)!)} of its bond.`)
        : c.yellow(`${f.spec.alias} lied but was not slashed.`),
    );
  return { allEnded, dishonestSlashed, paid };
}
