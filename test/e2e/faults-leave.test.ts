/**
 * A node leaving its pool mid-job (test/FAULTS.md): its worker commits on a 2-of-3 strict job,
 * then its owner calls `leavePool` while the job is still open. Membership is checked when a
 * slot is taken, never afterwards, so the job is not disturbed: the node's collateral stays
 * locked, it still reveals, the job settles with consensus and it is paid like the others.
 * Its worker then no longer takes the pool's jobs (it is not a member); the pool's remaining
 * members, with a fourth node's worker, complete the next job.
 */
import { expect } from "chai";
import { outputDigest } from "../../client/job/output.ts";
import { BOND, COLLATERAL, ETH, L, S, type TestNode } from "../market/fixture.ts";
import { allWithdrawn, expectCredits, expectedCredits, revealsOf, settledOf } from "./accounting.ts";
import { inlineSpecFields, jsSpec, setupE2E, stopProcess, type E2E } from "./harness.ts";

const WINDOW = 600;
const N = 3n;

describe("e2e: a node leaving its pool mid-job", function () {
  this.timeout(600_000);
  let e: E2E;

  before(async () => {
    e = await setupE2E(4);
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

  async function slotNodes(jobId: bigint, taken: number): Promise<bigint[]> {
    const ids: bigint[] = [];
    for (let i = 0; i < taken; i++) ids.push((await e.market.market.read.slotOf([jobId, i])).nodeId);
    return ids;
  }

  it("leaving after committing does not disturb the job; the node reveals, is paid, and takes no new jobs", async () => {
    const m = e.market;
    const [a, b, c, d] = m.nodes.slice(0, 4) as [TestNode, TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, [a, b, c, d]);

    // c alone first: it commits, and the job (one slot of three taken) stays open.
    const wc = e.startWorker(2);
    await wc.waitFor(/worker ready/, 120_000);
    const jobId = await post(poolId, "'leaving'");
    await wc.waitFor(/"msg":"committed"/, 120_000);
    const asOwner = await m.viem.getContractAt("PoolRegistry", m.pools.address, {
      client: { wallet: c.owner },
    });
    await asOwner.write.leavePool([poolId, c.id]);
    expect(await m.pools.read.isMember([poolId, c.id])).to.equal(false);
    // Leaving releases nothing the job holds: c's collateral stays locked, its slot stays its own.
    expect((await m.registry.read.bondInfo([c.id])).locked).to.equal(COLLATERAL);
    expect(await slotNodes(jobId, 1)).to.deep.equal([c.id]);

    const wa = e.startWorker(0);
    const wb = e.startWorker(1);
    // The job fills, reveals open, all three reveal (c too, no longer a member) and it settles.
    const settled = await settledOf(m, jobId, 180_000);
    expect(settled.consensus).to.equal(true);
    const reveals = await revealsOf(m, jobId);
    expect(reveals.map((r) => r.nodeId).sort()).to.deep.equal([a.id, b.id, c.id].sort());
    const expected = expectedCredits(m, { n: N, winner: digestOf("leaving\n"), reveals });
    expect(expected.slashed).to.deep.equal([]);
    await expectCredits(m, jobId, expected, N);
    for (const n of [a, b, c]) {
      const bi = await m.registry.read.bondInfo([n.id]);
      expect(bi.bond).to.equal(BOND);
      expect(bi.locked).to.equal(0n);
    }
    await allWithdrawn(
      m,
      [a, b, c].map((n) => n.owner.account.address),
    );

    // The next job: c's worker is still running but c is no longer a member, so the slots go
    // to a, b and d (d's worker starts now); c's bond is never locked again.
    const wd = e.startWorker(3);
    await wd.waitFor(/worker ready/, 120_000);
    const next = await post(poolId, "'after leaving'");
    const again = await settledOf(m, next, 180_000);
    expect(again.consensus).to.equal(true);
    const reveals2 = await revealsOf(m, next);
    expect(reveals2.map((r) => r.nodeId).sort()).to.deep.equal([a.id, b.id, d.id].sort());
    await expectCredits(
      m,
      next,
      expectedCredits(m, { n: N, winner: digestOf("after leaving\n"), reveals: reveals2 }),
      N,
    );
    const bc = await m.registry.read.bondInfo([c.id]);
    expect(bc.bond).to.equal(BOND);
    expect(bc.locked).to.equal(0n);
    expect(await m.market.read.balanceOf([c.owner.account.address, ETH])).to.equal(0n);
    // c's worker is still serving (running, polling) but committed nothing on the new job.
    expect(wc.child.exitCode).to.equal(null);
    const mine = wc.lines.filter((l) => l.includes(`"jobId":"${next}"`) && l.includes('"msg":"committed"'));
    expect(mine).to.deep.equal([]);
    for (const w of [wa, wb, wc, wd]) await stopProcess(w.child);
  });
});
