/**
 * Recycled slot storage: a settled (or cancelled) job's slot words are taken by the next job that
 * writes one, so that job's slot writes cost 5,000 gas instead of 22,100. These tests check that a
 * recycled row never leaks: the earlier job's words are neither read as the new job's slots nor
 * shown by `slotOf`, and two open jobs never share a row.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import type { Hash } from "viem";

import { ETH, L, S, deployMarket, nodeSteps, type Market, at } from "./fixture.ts";

async function gasOf(f: Market, hash: Promise<Hash>): Promise<bigint> {
  return (await f.publicClient.waitForTransactionReceipt({ hash: await hash })).gasUsed;
}

describe("JobMarket recycled slot storage", () => {
  it("the next job rewrites a settled job's slot words and never reads the ones beyond its own slots", async () => {
    const f = await deployMarket(await network.create(), 5);
    const steps = nodeSteps(f);
    const five = await f.createPool(S.ThreeOfFive, L.Strict, f.nodes);
    const three = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);

    // Job A: five slots, all revealed and settled; its row is offered.
    const a = await f.post(f.request(five), 5n);
    const ra = f.nodes.map(() => f.revealOf("good"));
    const commitA: bigint[] = [];
    for (let i = 0; i < 5; i++) commitA.push(await gasOf(f, steps.commit(f.node(i), a, at(ra, i))));
    for (let i = 0; i < 5; i++) await steps.reveal(f.node(i), a, i, at(ra, i));
    assert.equal((await f.market.read.job([a])).status, 2);
    assert.equal((await f.market.read.slotOf([a, 0])).nodeId, 0n, "a settled job shows no slots");

    // Job B takes A's row. Nodes 0 and 1 sat in A's slots 0 and 1: not a duplicate in B.
    const b = await f.post(f.request(three), 3n);
    const order = [f.node(3), f.node(0), f.node(1)];
    const rb = order.map(() => f.revealOf("good"));
    const commitB: bigint[] = [];
    for (let i = 0; i < 3; i++) commitB.push(await gasOf(f, steps.commit(at(order, i), b, at(rb, i))));
    // Slot 1 of both jobs: same node work, but B rewrites a word A left (5,000, not 22,100).
    assert.ok(at(commitA, 1) - at(commitB, 1) > 15_000n, `A ${at(commitA, 1)} vs B ${at(commitB, 1)}`);
    assert.equal((await f.market.read.slotOf([b, 0])).nodeId, f.node(3).id);
    // A's words in slots 3 and 4 are still in the row: B neither shows nor accepts them.
    const stale = await f.market.read.slotOf([b, 3]);
    assert.equal(stale.nodeId, 0n);
    assert.equal(stale.committed, false);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.reveal(f.node(3), b, 3, at(ra, 3)),
      f.market,
      "JobMarketSlotNotCommitted",
      [b, 3],
    );
    for (let i = 0; i < 3; i++) await steps.reveal(at(order, i), b, i, at(rb, i));
    assert.equal((await f.market.read.job([b])).status, 2);
    for (const n of f.nodes) assert.equal((await f.registry.read.bondInfo([n.id])).locked, 0n);
    // Node 4 (in A, not in B) was paid once; node 3 (in both) twice.
    const [, held4] = await f.market.read.balanceDetails([f.node(4).owner.account.address, ETH]);
    const [, held3] = await f.market.read.balanceDetails([f.node(3).owner.account.address, ETH]);
    assert.equal(held3, 2n * held4);
  });

  it("a directed job's slot that its node never committed cannot be revealed, even once reveals open", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool, { nodes: f.nodes.map((n) => n.id) }), 3n);
    const r = f.nodes.map(() => f.revealOf("good"));
    await steps.commit(f.node(0), jobId, at(r, 0));
    await steps.commit(f.node(1), jobId, at(r, 1));
    // The commit deadline passes with node 2 silent: reveals open, but slot 2 (within the job's n
    // directed slots) holds no commitment, so nothing can be revealed into it.
    const { commitDeadline } = await f.market.read.job([jobId]);
    await f.networkHelpers.time.increaseTo(BigInt(commitDeadline) + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.reveal(f.node(2), jobId, 2, at(r, 2)),
      f.market,
      "JobMarketSlotNotCommitted",
      [jobId, 2],
    );
    await steps.reveal(f.node(0), jobId, 0, at(r, 0));
    await steps.reveal(f.node(1), jobId, 1, at(r, 1));
  });

  it("two jobs open at once never share a row: one takes the spare, the other writes its own", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const first = await f.post(f.request(pool), 3n);
    const r0 = f.nodes.map(() => f.revealOf("good"));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), first, at(r0, i));
    for (let i = 0; i < 3; i++) await steps.reveal(f.node(i), first, i, at(r0, i));

    const b = await f.post(f.request(pool), 3n);
    const c = await f.post(f.request(pool), 3n);
    const ob = [f.node(0), f.node(1), f.node(2)];
    const oc = [f.node(2), f.node(0), f.node(1)];
    const rb = ob.map(() => f.revealOf("good"));
    const rc = oc.map(() => f.revealOf("other"));
    // Interleaved: B takes the spare row at its first commit, C then finds none.
    for (let i = 0; i < 3; i++) {
      await steps.commit(at(ob, i), b, at(rb, i));
      await steps.commit(at(oc, i), c, at(rc, i));
    }
    for (let i = 0; i < 3; i++) {
      assert.equal((await f.market.read.slotOf([b, i])).nodeId, at(ob, i).id);
      assert.equal((await f.market.read.slotOf([c, i])).nodeId, at(oc, i).id);
    }
    for (let i = 0; i < 3; i++) {
      await steps.reveal(at(ob, i), b, i, at(rb, i));
      await steps.reveal(at(oc, i), c, i, at(rc, i));
    }
    assert.equal((await f.market.read.job([b])).status, 2);
    assert.equal((await f.market.read.job([c])).status, 2);
    for (const n of f.nodes) assert.equal((await f.registry.read.bondInfo([n.id])).locked, 0n);
  });

  it("a job ending while a row is already waiting deletes its own slot words (refunds) instead", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const lifecycle = async (jobs: bigint[]) => {
      const rs = jobs.map(() => f.nodes.map(() => f.revealOf("good")));
      for (const [k, job] of jobs.entries()) {
        for (let i = 0; i < 3; i++) await steps.commit(f.node(i), job, at(at(rs, k), i));
      }
      const deciding: bigint[] = [];
      for (const [k, job] of jobs.entries()) {
        for (let i = 0; i < 2; i++) await steps.reveal(f.node(i), job, i, at(at(rs, k), i));
        deciding.push(await gasOf(f, steps.reveal(f.node(2), job, 2, at(at(rs, k), 2))));
      }
      return deciding;
    };
    await lifecycle([await f.post(f.request(pool), 3n)]); // leaves a spare row
    // X takes the spare row, Y writes its own. X settles first and offers its row; Y then finds
    // one waiting and deletes its three words: 3 x (4,800 refund - 2,900) cheaper than X's
    // settlement, which wrote the spare.
    const x = await f.post(f.request(pool), 3n);
    const y = await f.post(f.request(pool), 3n);
    const [gx, gy] = (await lifecycle([x, y])) as [bigint, bigint];
    assert.ok(gx - gy > 5_000n, `X ${gx} vs Y ${gy}`);
  });

  it("a cancelled directed job hands its assignments' row on; the next open job ignores them", async () => {
    const f = await deployMarket(await network.create(), 4);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const named = [f.node(0), f.node(1), f.node(2)];
    const d = await f.post(f.request(pool, { nodes: named.map((n) => n.id) }), 3n);
    await (await f.asWallet(f.requester)).write.cancel([d]);
    assert.equal((await f.market.read.slotOf([d, 0])).nodeId, 0n);

    const e = await f.post(f.request(pool), 3n);
    await steps.report(f.node(3), e, "a");
    // D's assignment of node 1 to slot 1 is still in the row, not E's.
    assert.equal((await f.market.read.slotOf([e, 1])).nodeId, 0n);
    await steps.report(f.node(1), e, "a");
    await steps.report(f.node(0), e, "a");
    const job = await f.market.read.job([e]);
    assert.equal(job.status, 2);
    assert.equal(job.directed, false);
  });
  it("the deciding reveal's slot word reaches settlement in the call, which nobody else can make", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    // The deciding (last) reveal casts the second "good" vote: without its word, passed rather than
    // stored, there would be no 2-of-3 agreement and nobody would be paid.
    const rs = [f.revealOf("good"), f.revealOf("evil"), f.revealOf("good")];
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    for (let i = 0; i < 3; i++) await steps.reveal(f.node(i), jobId, i, at(rs, i));
    const [, held2] = await f.market.read.balanceDetails([f.node(2).owner.account.address, ETH]);
    assert.ok(held2 > 0n, "the deciding revealer was paid");
    assert.ok(
      (await f.registry.read.bondInfo([f.node(1).id])).bond <
        (await f.registry.read.bondInfo([f.node(0).id])).bond,
      "the dissenter was slashed",
    );
    const module = await f.viem.getContractAt("JobMarketSettlement", await f.market.read.settlementModule(), {
      client: { wallet: f.other },
    });
    await f.viem.assertions.revertWithCustomError(
      module.write.settleDecided([jobId, 0n, 0n]),
      module,
      "JobMarketDirectCall",
    );
  });
});
