/**
 * The chain restarted under the workers (test/FAULTS.md): three workers complete a job on a
 * `hardhat node`, which is then killed and replaced by a fresh one on the same port (a new
 * chain from genesis, same chain id); the protocol is deployed again by Ignition at the same
 * addresses. The workers' cursors and job records belong to the old history, and the new
 * chain's first job has the same id as the old one. Each worker must notice the new genesis,
 * set the old records aside, rescan, and complete the new job 1 — which a worker that kept
 * its records would have skipped as "already settled".
 */
import { expect } from "chai";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { outputDigest } from "../../client/job/output.ts";
import { BOND, L, S, type TestNode } from "../market/fixture.ts";
import { allWithdrawn, expectCredits, expectedCredits, revealsOf, settledOf } from "./accounting.ts";
import { inlineSpecFields, jsSpec, setupE2E, stopProcess, until, type E2E } from "./harness.ts";

const WINDOW = 600;
const N = 3n;

describe("e2e: the chain restarted under the workers", function () {
  this.timeout(600_000);
  let e: E2E;

  before(async () => {
    e = await setupE2E(3);
  });
  after(async () => {
    await e?.close();
  });

  const digestOf = (text: string) => outputDigest(new TextEncoder().encode(text));

  async function post(poolId: bigint, expr: string): Promise<bigint> {
    const m = e.market;
    const req = m.request(poolId, {
      ...inlineSpecFields(jsSpec(expr)),
      commitWindow: WINDOW,
      revealWindow: WINDOW,
    });
    return await m.post(req, N);
  }

  /** Runs a job in a fresh 2-of-3 pool and checks it settles and pays per the rules. */
  async function runJob(expr: string, text: string): Promise<bigint> {
    const m = e.market;
    const nodes = m.nodes.slice(0, 3) as TestNode[];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, nodes);
    const jobId = await post(poolId, expr);
    const settled = await settledOf(m, jobId, 180_000);
    expect(settled.consensus).to.equal(true);
    const reveals = await revealsOf(m, jobId);
    expect(reveals.map((r) => r.nodeId).sort()).to.deep.equal(nodes.map((n) => n.id).sort());
    const expected = expectedCredits(m, { n: N, winner: digestOf(text), reveals });
    expect(expected.slashed).to.deep.equal([]);
    await expectCredits(m, jobId, expected, N);
    for (const n of nodes) {
      const b = await m.registry.read.bondInfo([n.id]);
      expect(b.bond).to.equal(BOND);
      expect(b.locked).to.equal(0n);
    }
    await allWithdrawn(
      m,
      nodes.map((n) => n.owner.account.address),
    );
    return jobId;
  }

  it("workers notice the new genesis, forget the old history and complete the new chain's job 1", async () => {
    const ws = [0, 1, 2].map((i) => e.startWorker(i));
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/, 120_000)));
    const before = await runJob("'old chain'", "old chain\n");
    expect(before).to.equal(1n);
    for (const w of ws) await w.waitFor(/"event":"job-completed"/, 60_000);
    const oldGenesis = (await e.market.publicClient.getBlock({ blockNumber: 0n })).hash;

    const m = await e.restartChain();
    expect((await m.publicClient.getBlock({ blockNumber: 0n })).hash).to.not.equal(oldGenesis);
    // Every worker was cut off (failed RPCs) and then saw the new chain's genesis.
    for (const w of ws) await w.waitFor(/chain restarted under the worker/, 120_000);
    for (const w of ws) expect(w.child.exitCode).to.equal(null);

    // Job 1 again, on the new chain: the workers take, run and settle it.
    const after = await runJob("'new chain'", "new chain\n");
    expect(after).to.equal(1n);
    // The old history's record of job 1 was set aside, not deleted.
    for (const w of ws) {
      const orphaned = join(w.stateDir, "orphaned");
      expect(existsSync(orphaned)).to.equal(true);
      const files = readdirSync(orphaned).flatMap((d) => readdirSync(join(orphaned, d)));
      expect(files).to.include("1.json");
    }
    for (const w of ws) await stopProcess(w.child);
  });

  it("a reorganisation (same genesis) under paused workers: they rescan and find a job in the replaced blocks", async () => {
    const m = e.market;
    const nodes = m.nodes.slice(0, 3) as TestNode[];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, nodes);
    const ws = [0, 1, 2].map((i) => e.startWorker(i));
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/, 120_000)));
    const orphanedIn = (dir: string) =>
      existsSync(join(dir, "orphaned")) ? readdirSync(join(dir, "orphaned")).length : 0;
    const orphanedBefore = ws.map((w) => orphanedIn(w.stateDir));
    const snapshot = await m.networkHelpers.takeSnapshot();
    await m.networkHelpers.mine(10);
    const head = await m.publicClient.getBlockNumber();
    // Every worker has scanned past the blocks about to be replaced.
    for (const w of ws)
      await until("cursor past the head", async () => {
        const c = JSON.parse(readFileSync(join(w.stateDir, "cursor.json"), "utf8")) as { nextBlock: string };
        return BigInt(c.nextBlock) > head;
      });
    for (const w of ws) w.child.kill("SIGSTOP");
    // While they are paused: the ten blocks are replaced by a job and twenty more blocks, so the
    // head is past their cursors again and only the changed block hash tells them.
    await snapshot.restore();
    const jobId = await post(poolId, "'reorg'");
    const jobBlock = await m.publicClient.getBlockNumber();
    expect(jobBlock <= head).to.equal(true);
    await m.networkHelpers.mine(20);
    for (const w of ws) w.child.kill("SIGCONT");
    for (const w of ws) await w.waitFor(/chain reorganised; rescanning/, 60_000);
    const settled = await settledOf(m, jobId, 180_000);
    expect(settled.consensus).to.equal(true);
    const reveals = await revealsOf(m, jobId);
    await expectCredits(m, jobId, expectedCredits(m, { n: N, winner: digestOf("reorg\n"), reveals }), N);
    await allWithdrawn(
      m,
      nodes.map((n) => n.owner.account.address),
    );
    // Same chain: nothing was set aside this time.
    ws.forEach((w, i) => expect(orphanedIn(w.stateDir)).to.equal(orphanedBefore[i]));
    for (const w of ws) await stopProcess(w.child);
  });
});
