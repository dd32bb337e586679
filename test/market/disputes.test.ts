/**
 * Disputes: the challenge window holds payouts; the requester or a participant disputes with a
 * deposit; the arbiter upholds or overturns; an unruled dispute defaults to uphold after its
 * deadline. Access control on every step.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import {
  BOND,
  CHALLENGE,
  COLLATERAL,
  DISPUTE_DEPOSIT,
  DISPUTE_PERIOD,
  ETH,
  FEE_BPS,
  L,
  PRICE,
  S,
  deployMarket,
  nodeSteps,
  at,
} from "./fixture.ts";

const NET = PRICE - (PRICE * FEE_BPS) / 10_000n;
const FEE = (PRICE * FEE_BPS) / 10_000n;

async function settledJob() {
  const f = await deployMarket(await network.create(), 3);
  const steps = nodeSteps(f);
  const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
  const jobId = await f.post(f.request(pool), 3n);
  await steps.report(f.node(0), jobId, "a");
  await steps.report(f.node(1), jobId, "a");
  await steps.report(f.node(2), jobId, "b");
  const settled = at(await f.market.getEvents.JobSettled({ jobId }), 0);
  const record = settled.args.record!;
  return { f, steps, jobId, record };
}

describe("JobMarket disputes", () => {
  it("overturn: winners' held payouts and the fee return to the requester, winners lose free bond, deposit returned", async () => {
    const { f, jobId, record } = await settledJob();
    const req = await f.asWallet(f.requester);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      req.write.raiseDispute([jobId, record, "ipfs://evidence"], { value: 1n }),
      f.market,
      "JobMarketWrongValue",
      [DISPUTE_DEPOSIT, 1n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await f.asWallet(f.other)).write.raiseDispute([jobId, record, "x"], { value: DISPUTE_DEPOSIT }),
      f.market,
      "JobMarketNotParticipant",
      [jobId, f.other.account.address],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      req.write.raiseDispute([jobId, { ...record, fee: record.fee + 1n }, "x"], { value: DISPUTE_DEPOSIT }),
      f.market,
      "JobMarketRecordMismatch",
      [jobId],
    );
    await req.write.raiseDispute([jobId, record, "ipfs://evidence"], { value: DISPUTE_DEPOSIT });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      req.write.raiseDispute([jobId, record, "again"], { value: DISPUTE_DEPOSIT }),
      f.market,
      "JobMarketDisputeExists",
      [jobId],
    );
    // The hold outlives the challenge window while the dispute is open.
    await f.networkHelpers.time.increase(CHALLENGE + 1);
    assert.equal(await f.market.read.balanceOf([f.node(0).owner.account.address, ETH]), 0n);
    // Only the dispute's arbiter rules; the SimpleArbiter only through its owner (or committee).
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      req.write.rule([jobId, false, record]),
      f.market,
      "JobMarketNotArbiter",
      [jobId, f.requester.account.address],
    );
    const arbiterAsOther = await f.viem.getContractAt("SimpleArbiter", f.arbiter.address, {
      client: { wallet: f.other },
    });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      arbiterAsOther.write.rule([f.market.address, jobId, false, record]),
      f.arbiter,
      "OwnableUnauthorizedAccount",
      [f.other.account.address],
    );
    const before = await f.market.read.balanceOf([f.requester.account.address, ETH]);
    await f.viem.assertions.emitWithArgs(
      f.arbiter.write.rule([f.market.address, jobId, false, record]),
      f.market,
      "DisputeResolved",
      [jobId, false, false],
    );
    // Requester: both winners' net payouts, the fee on them, both winners' slashed free bond, and the deposit.
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, ETH]),
      before + 2n * NET + 2n * FEE + 2n * COLLATERAL + DISPUTE_DEPOSIT,
    );
    for (const i of [0, 1]) {
      assert.equal(await f.market.read.balanceOf([f.node(i).owner.account.address, ETH]), 0n);
      assert.equal((await f.registry.read.bondInfo([f.node(i).id])).bond, BOND - COLLATERAL);
    }
    assert.equal(await f.market.read.balanceOf([f.treasury.account.address, ETH]), 0n);
    // The lost dispute is recorded and announced (no JobSettled names the nodes this time).
    const lost = await f.market.getEvents.ReputationUpdated({}, { fromBlock: 0n });
    assert.deepEqual(
      lost.map((e) => [e.args.nodeId, e.args.outcome]),
      [0, 1].map((i) => [f.node(i).id, 4]), // DisputeLost
    );
    for (const i of [0, 1]) {
      const [score, , , , disputesLost] = await f.registry.read.reputation([f.node(i).id]);
      assert.equal(disputesLost, 1);
      assert.equal(lost[i]?.args.score, score);
    }
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await f.asWallet(f.other)).write.finalizeDispute([jobId]),
      f.market,
      "JobMarketNoOpenDispute",
      [jobId],
    );
  });

  it("uphold by committee vote: the deposit goes to the winners and payouts are released", async () => {
    const { f, jobId, record } = await settledJob();
    await f.arbiter.write.setMember([f.other.account.address, true]);
    // A participant (the dissenting node's owner) disputes.
    const dissenter = await f.viem.getContractAt("JobMarket", f.market.address, {
      client: { wallet: f.node(2).owner },
    });
    await dissenter.write.raiseDispute([jobId, record, "ipfs://e"], { value: DISPUTE_DEPOSIT });
    const member = await f.viem.getContractAt("SimpleArbiter", f.arbiter.address, {
      client: { wallet: f.other },
    });
    await member.write.vote([f.market.address, jobId, true, record]);
    assert.equal((await f.market.read.disputeOf([jobId])).resolved, true);
    const half = DISPUTE_DEPOSIT / 2n;
    assert.equal(await f.market.read.balanceOf([f.node(0).owner.account.address, ETH]), half);
    await f.networkHelpers.time.increase(DISPUTE_PERIOD + 1);
    assert.equal(await f.market.read.balanceOf([f.node(1).owner.account.address, ETH]), NET + half);
  });

  it("an unruled dispute defaults to uphold after its deadline, deposit back to the disputer; late disputes refused", async () => {
    const { f, jobId, record } = await settledJob();
    const req = await f.asWallet(f.requester);
    await req.write.raiseDispute([jobId, record, "ipfs://e"], { value: DISPUTE_DEPOSIT });
    const other = await f.asWallet(f.other);
    const deadline = (await f.market.read.disputeOf([jobId])).deadline;
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      other.write.finalizeDispute([jobId]),
      f.market,
      "JobMarketDisputePending",
      [jobId, deadline],
    );
    await f.networkHelpers.time.increase(DISPUTE_PERIOD + 1);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.arbiter.write.rule([f.market.address, jobId, false, record]),
      f.market,
      "JobMarketDisputeExpired",
      [jobId, deadline],
    );
    await f.viem.assertions.emitWithArgs(other.write.finalizeDispute([jobId]), f.market, "DisputeResolved", [
      jobId,
      true,
      true,
    ]);
    assert.equal(await f.market.read.balanceOf([f.requester.account.address, ETH]), PRICE + DISPUTE_DEPOSIT);
    assert.equal(await f.market.read.balanceOf([f.node(0).owner.account.address, ETH]), NET);
    // A second job: disputes after the challenge window are refused.
    const { f: g, jobId: j2, record: r2 } = await settledJob();
    await g.networkHelpers.time.increase(CHALLENGE + 1);
    await g.viem.assertions.revertWithCustomErrorWithArgs(
      (await g.asWallet(g.requester)).write.raiseDispute([j2, r2, "late"], { value: DISPUTE_DEPOSIT }),
      g.market,
      "JobMarketChallengeClosed",
      [j2, r2.challengeEnds],
    );
  });
});
