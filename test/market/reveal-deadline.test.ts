/**
 * The reveal deadline closes every result path: a strict reveal (node-sent and batched) and a
 * standard report sent after it are refused with `JobMarketRevealClosed(jobId, revealDeadline)`
 * and change nothing; at the deadline itself they are still accepted.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";

import { L, S, deployMarket, nodeSteps, type Market } from "./fixture.ts";

async function fresh() {
  return await deployMarket(await network.create(), 3);
}

/** Asserts `call` reverts with JobMarketRevealClosed and leaves the job and the slot as they were. */
async function closed(f: Market, jobId: bigint, call: () => Promise<unknown>) {
  const job = await f.market.read.job([jobId]);
  const slots = await Promise.all([0, 1, 2].map((s) => f.market.read.slotOf([jobId, s])));
  await f.viem.assertions.revertWithCustomErrorWithArgs(call(), f.market, "JobMarketRevealClosed", [
    jobId,
    job.revealDeadline,
  ]);
  assert.deepEqual(await f.market.read.job([jobId]), job);
  assert.deepEqual(await Promise.all([0, 1, 2].map((s) => f.market.read.slotOf([jobId, s]))), slots);
}

describe("JobMarket reveal deadline", () => {
  it("strict: a reveal at the deadline counts, one after it is refused (node-sent and batched)", async () => {
    const f = await fresh();
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const rs = f.nodes.map((_, i) => f.revealOf("good", 0n, `ipfs://r/${i}`));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, rs[i]!);
    const { revealDeadline } = await f.market.read.job([jobId]);
    // The next block is mined exactly at the deadline: still open.
    await f.networkHelpers.time.setNextBlockTimestamp(revealDeadline);
    await steps.reveal(f.node(0), jobId, 0, rs[0]!);
    assert.equal((await f.market.read.job([jobId])).revealed, 1);
    await closed(f, jobId, () => steps.reveal(f.node(1), jobId, 1, rs[1]!));
    const carrier = await f.asWallet(f.carrier);
    await closed(f, jobId, () => carrier.write.revealBatch([[{ jobId, slot: 2, reveal: rs[2]! }]]));
    // Settlement then treats the late nodes as no-shows.
    await (await f.asWallet(f.other)).write.settle([jobId]);
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });

  it("standard: a report after the deadline is refused, taking no slot", async () => {
    const f = await fresh();
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    await (await steps.asNode(f.node(0))).write.takeSlot([jobId, f.node(0).id]);
    const { revealDeadline } = await f.market.read.job([jobId]);
    await f.networkHelpers.time.increaseTo(revealDeadline + 1);
    await closed(f, jobId, () => steps.report(f.node(0), jobId, "good"));
    await closed(f, jobId, () => steps.report(f.node(1), jobId, "good"));
    assert.equal((await f.registry.read.bondInfo([f.node(1).id])).locked, 0n);
  });
});
