/**
 * The takers' filter: an open job's flags hold a 14-bit Bloom filter of the nodes holding its
 * slots (bit 2 + nodeId % 14), so a slot-taking step reads the job's earlier slot words only when
 * its node's bit is already set. Nodes 1 and 15 share a bit; these tests check that sharing one
 * never refuses a node wrongly, never lets a repeat through, and that a clear bit reads nothing.
 * A job also keeps a pool id past 2^24 whole (its bits 24-31 live beside the token).
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import type { Hash } from "viem";

import { L, S, deployMarket, nodeSteps, type Market, type TestNode, at } from "./fixture.ts";

async function gasOf(f: Market, hash: Promise<Hash>): Promise<bigint> {
  return (await f.publicClient.waitForTransactionReceipt({ hash: await hash })).gasUsed;
}

/** PoolStorage's ERC-7201 location: its first word is the pool count. */
const POOLS_LOCATION = "0xd53127b13ccd907af27f8fa099cc32d6c617be6eff29b9663ca4448fc4abce00";

describe("JobMarket takers' filter", () => {
  it("nodes sharing a filter bit both commit; a repeat by either is refused", async () => {
    const f = await deployMarket(await network.create(), 15);
    const steps = nodeSteps(f);
    const [one, two, fifteen] = [f.node(0), f.node(1), f.node(14)];
    assert.deepEqual([one.id, two.id, fifteen.id], [1n, 2n, 15n]);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, [one, two, fifteen]);
    const jobId = await f.post(f.request(pool), 3n);
    const rs = [one, fifteen, two].map(() => f.revealOf("good"));
    await steps.commit(one, jobId, at(rs, 0));
    // Node 15's bit is node 1's: the step scans the earlier slot, finds another node, and goes on.
    await steps.commit(fifteen, jobId, at(rs, 1));
    for (const node of [one, fifteen]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        steps.commit(node, jobId, f.revealOf("again")),
        f.market,
        "JobMarketAlreadyTaken",
        [jobId, node.id],
      );
    }
    await steps.commit(two, jobId, at(rs, 2));
    const slots = await Promise.all([0, 1, 2].map((i) => f.market.read.slotOf([jobId, i])));
    assert.deepEqual(
      slots.map((s) => s.nodeId),
      [1n, 15n, 2n],
    );
    for (const [i, node] of [one, fifteen, two].entries()) await steps.reveal(node, jobId, i, at(rs, i));
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });

  it("a node whose bit is clear reads no earlier slot word; a shared bit reads them all", async () => {
    const f = await deployMarket(await network.create(), 15);
    const steps = nodeSteps(f);
    const [one, two, three, fifteen] = [f.node(0), f.node(1), f.node(2), f.node(14)];
    const pool = await f.createPool(S.MajorityRule, L.Strict, [one, two, three, fifteen], 3);
    // Warm-up job: later jobs find a recycled row, so every commit rewrites a word the same way.
    const third = async (last: TestNode): Promise<bigint> => {
      const jobId = await f.post(f.request(pool), 3n);
      const order = [one, two, last];
      const rs = order.map(() => f.revealOf("good"));
      await steps.commit(one, jobId, at(rs, 0));
      await steps.commit(two, jobId, at(rs, 1));
      const gas = await gasOf(f, steps.commit(last, jobId, at(rs, 2)));
      for (const [i, node] of order.entries()) await steps.reveal(node, jobId, i, at(rs, i));
      return gas;
    };
    await third(three);
    const clear = await third(three);
    const shared = await third(fifteen);
    // Node 15 shares node 1's bit: its commit reads slots 0 and 1 (two cold words, 2,100 each);
    // node 3's reads neither. (At least: coverage instrumentation adds gas to the scanning loop.)
    assert.ok(shared - clear >= 4_200n, `shared ${shared} vs clear ${clear}`);
  });

  it("a reported result finds its node's slot through a shared bit, and a sharer takes its own", async () => {
    const f = await deployMarket(await network.create(), 15);
    const steps = nodeSteps(f);
    const [one, two, fifteen] = [f.node(0), f.node(1), f.node(14)];
    const pool = await f.createPool(S.TwoOfThree, L.Standard, [one, two, fifteen]);
    const jobId = await f.post(f.request(pool), 3n);
    await (await steps.asNode(one)).write.takeSlot([jobId, one.id]);
    // Node 15 holds no slot though its bit is set: its report takes slot 1.
    await steps.report(fifteen, jobId, "good");
    // Node 1's report lands in the slot it took.
    await steps.report(one, jobId, "good");
    const slots = await Promise.all([0, 1].map((i) => f.market.read.slotOf([jobId, i])));
    assert.deepEqual(
      slots.map((s) => [s.nodeId, s.revealed]),
      [
        [1n, true],
        [15n, true],
      ],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await steps.asNode(fifteen)).write.takeSlot([jobId, fifteen.id]),
      f.market,
      "JobMarketAlreadyTaken",
      [jobId, fifteen.id],
    );
    await steps.report(two, jobId, "good");
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });

  it("a job of a pool past 2^24 keeps the pool's whole id", async () => {
    const connection = await network.create();
    const f = await deployMarket(connection, 3);
    const steps = nodeSteps(f);
    // As if 2^24 + 6 pools existed: the next one created is 2^24 + 7 (bits 24-31 = 1).
    await connection.networkHelpers.setStorageAt(f.market.address, POOLS_LOCATION, 2n ** 24n + 6n);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    assert.equal(pool, 2n ** 24n + 7n);
    const jobId = await f.post(f.request(pool, { runtime: 1 }), 3n);
    const open = await f.market.read.job([jobId]);
    assert.equal(open.poolId, pool);
    assert.equal(open.runtime, 1);
    // Membership is read for the whole id: pool 7 (its low 24 bits) does not exist.
    const rs = f.nodes.map(() => f.revealOf("good"));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    for (let i = 0; i < 3; i++) await steps.reveal(f.node(i), jobId, i, at(rs, i));
    assert.equal((await f.market.read.job([jobId])).status, 2);
    const posted = at(await f.market.getEvents.JobPosted({ jobId }, { fromBlock: 0n }), 0);
    assert.equal(posted.args.poolId, pool);
  });
});
