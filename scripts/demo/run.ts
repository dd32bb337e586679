/**
 * The demo, step by step: chain and deployment, fleet, pools, workers, jobs, summary. Each
 * step lives in its own file; this one only sequences them and cleans up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startChain } from "./chain.ts";
import { c, heading, say, table } from "./console.ts";
import { BOND_ETH, registerFleet } from "./fleet.ts";
import { finishJobs, printResults, submitJobs } from "./jobs.ts";
import { buildPools } from "./pools.ts";
import { compileWasm } from "./programs.ts";
import { FIRST_OPERATOR, REQUESTER, operatorRoot, requesterRoot } from "./roots.ts";
import { printSummary } from "./summary.ts";
import { startFeed, type Names } from "./watch.ts";
import { showWorkerLine } from "./worker-feed.ts";
import { startWorkerProcesses, type WorkerLine } from "./workers.ts";

/** `fn`, run at most once (a step stopped early is not stopped again at clean-up). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** Options of {@link runDemo}. */
export type DemoOptions = { readonly rpcUrl?: string | undefined };

/** How long the demo waits for its jobs before calling them stuck. */
const JOBS_TIMEOUT_MS = 45_000;

/** A demo that could not show what it promised. */
export class DemoIncompleteError extends Error {
  override name = "DemoIncompleteError";
}

/** Clean-up steps of the running demo, newest first (workers, feed, chain, temp files). */
const cleanups: (() => Promise<void> | void)[] = [];

/**
 * Stops whatever the demo started (worker processes, the chain connection, the Ignition journal
 * of an `--rpc` run, temp files). Safe to call twice: for Ctrl-C in the middle of a run.
 */
export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.shift()!;
    try {
      await step();
    } catch {
      // best effort: the next step still runs
    }
  }
}

/** Runs the whole demo; throws (after cleaning up) when it cannot show what it promised. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const stateRoot = mkdtempSync(join(tmpdir(), "sandrun-demo-"));
  cleanups.unshift(() => rmSync(stateRoot, { recursive: true, force: true }));
  try {
    heading("1. A chain with the Sandrun protocol");
    say(
      options.rpcUrl
        ? `Connecting to ${options.rpcUrl} and deploying with Hardhat Ignition...`
        : "Starting Hardhat's in-process chain and deploying with Hardhat Ignition...",
    );
    const chain = await startChain(options.rpcUrl);
    cleanups.unshift(() => chain.close());
    say(`NodeRegistry  ${chain.deployment.nodeRegistry}   (nodes, bonds, reputation)`);
    say(`PoolRegistry  ${chain.deployment.poolRegistry}   (pools and their rules, at the market's address)`);
    say(`JobMarket     ${chain.deployment.jobMarket}   (escrow, consensus, payments)`);

    const names: Names = { nodes: new Map(), accounts: new Map(), pools: new Map() };
    names.accounts.set(chain.wallets[REQUESTER]!.account.address.toLowerCase(), "the requester");
    names.accounts.set(chain.wallets[0]!.account.address.toLowerCase(), "the protocol treasury");
    const dishonest = new Set<string>();
    // Worker lines print as they come; the feed is flushed after each submission so a job's
    // posting shows before the workers' reactions to it.
    const sink = (line: WorkerLine) => showWorkerLine(line, names, dishonest);
    const wasm = await compileWasm();

    heading("2. Six machines join the marketplace");
    say(`Each operator registers a node with the client's NodeBuilder and bonds ${BOND_ETH} ETH.`);
    const fleet = await registerFleet((i) => operatorRoot(chain, i, stateRoot, sink), FIRST_OPERATOR);
    for (const f of fleet) {
      if (f.spec.dishonest) dishonest.add(f.id);
      names.nodes.set(f.id, f.spec.alias);
      names.accounts.set(f.node.owner.toLowerCase(), `${f.spec.alias}'s operator`);
    }
    const feed = startFeed(chain, names);
    const stopFeed = once(() => feed.stop());
    cleanups.unshift(stopFeed);
    await feed.flush();
    table(
      ["node", "id", "region", "hardware", "min/job", "worker"],
      fleet.map((f) => [
        c.bold(f.spec.alias),
        f.id,
        f.spec.region,
        f.spec.hardware,
        `${f.spec.pricing.minimumJob} ETH`,
        f.spec.dishonest ? c.red("dishonest: lies") : "honest",
      ]),
    );

    heading("3. A requester builds pools (sandrun.pool()...join())");
    const sandrun = requesterRoot(chain);
    const pools = await buildPools(sandrun, names);
    await feed.flush();

    heading("4. Workers start listening");
    let stopWorkers: () => Promise<void>;
    if (chain.mode === "embedded") {
      say("Each node's worker runs in this process: node.startListening().");
      for (const f of fleet) await f.node.startListening();
      stopWorkers = once(async () => {
        await Promise.all(fleet.map((f) => f.node.shutdown()));
      });
    } else {
      say("Each node's worker runs as its own process: node scripts/worker.ts --rpc ...");
      const processes = startWorkerProcesses(chain, fleet, stateRoot, sink);
      stopWorkers = once(() => processes.stop());
      await processes.ready();
    }
    cleanups.unshift(stopWorkers);
    say("Each takes the jobs it can run at its price, runs them in a sandbox and proves the result.");

    heading("5. Jobs: submitted, claimed, run, committed, revealed, settled");
    const jobs = await submitJobs(sandrun, pools, wasm, names, () => feed.flush());
    await finishJobs(jobs, JOBS_TIMEOUT_MS);
    // Workers drain (finishing withdrawals) before the last of the feed is read.
    await stopWorkers();
    await stopFeed();

    heading("6. Results (execution.download(), checked against the agreed digest)");
    printResults(jobs);
    for (const p of Object.values(pools)) p.close();

    const facts = await printSummary(chain, fleet, jobs, names, feed.totals);
    if (!facts.allEnded) throw new DemoIncompleteError("some jobs did not end in time");
    if (!facts.dishonestSlashed) throw new DemoIncompleteError("the dishonest node was not slashed");
  } finally {
    await cleanUp();
  }
}
