/**
 * An ended job keeps one storage word: its status and, when its settlement can be disputed, 248
 * bits of the settlement record's hash. Its terms (requester | price per node) live in its slot
 * row while it is open, so the next job posted rewrites them instead of creating a word. The
 * client's getJob fills an ended job's other fields in from its events.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { encodeAbiParameters, keccak256, type Hash } from "viem";

import { getJob } from "../../client/actions/market/getJob.ts";
import { jobMarketAbi } from "../../client/abis/generated/JobMarket.ts";
import { DISPUTE_DEPOSIT, L, PRICE, S, deployMarket, nodeSteps, type Market, at } from "./fixture.ts";

const HASH_BITS = ~0xffn & ((1n << 256n) - 1n);

async function gasOf(f: Market, hash: Promise<Hash>): Promise<bigint> {
  return (await f.publicClient.waitForTransactionReceipt({ hash: await hash })).gasUsed;
}

/** The SettlementRecord's ABI type, from the JobSettled event of the generated ABI. */
const recordType = (() => {
  const ev = jobMarketAbi.find((x) => x.type === "event" && x.name === "JobSettled");
  const input = ev && "inputs" in ev ? ev.inputs.find((i) => i.name === "record") : undefined;
  if (!input) throw new Error("JobSettled has no record");
  return input;
})();

describe("JobMarket compact ended jobs", () => {
  it("a settled job shows its status and the record's hash only; disputes check those 248 bits", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const open = await f.market.read.job([jobId]);
    assert.equal(open.requester.toLowerCase(), f.requester.account.address.toLowerCase());
    assert.equal(open.pricePerNode, PRICE);
    const rs = f.nodes.map(() => f.revealOf("good"));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    for (let i = 0; i < 3; i++) await steps.reveal(f.node(i), jobId, i, at(rs, i));

    const record = at(await f.market.getEvents.JobSettled({ jobId }), 0).args.record!;
    const hash = BigInt(keccak256(encodeAbiParameters([recordType], [record])));
    const v = await f.market.read.job([jobId]);
    assert.equal(v.status, 2);
    assert.equal(BigInt(v.settlementHash), hash & HASH_BITS);
    for (const field of [
      v.poolId,
      v.pricePerNode,
      v.collateralPerNode,
      BigInt(v.n),
      BigInt(v.commitDeadline),
    ])
      assert.equal(field, 0n);
    assert.equal(BigInt(v.requester), 0n);

    // The kept bits are enough for a dispute: the requester raises one with the emitted record.
    const asRequester = await f.asWallet(f.requester);
    const deposit = DISPUTE_DEPOSIT;
    await asRequester.write.raiseDispute([jobId, record, "ipfs://evidence"], { value: deposit });
    assert.equal(
      (await f.market.read.disputeOf([jobId])).disputer.toLowerCase(),
      f.requester.account.address.toLowerCase(),
    );
    // A record that is not the one settled is refused.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      asRequester.write.raiseDispute([jobId, { ...record, fee: record.fee + 1n }, "x"], { value: deposit }),
      f.market,
      "JobMarketRecordMismatch",
      [jobId],
    );
  });

  it("posting rewrites the terms word an ended job left in its row; a cancelled job keeps its status only", async () => {
    const f = await deployMarket(await network.create(), 3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const asRequester = await f.asWallet(f.requester);
    const post = () => asRequester.write.postJob([f.request(pool)], { value: 3n * PRICE });
    // The first job creates its terms word (22,100 gas)...
    const first = await gasOf(f, post());
    const a = await f.market.read.lastJobId();
    await asRequester.write.cancel([a]);
    const cancelled = await f.market.read.job([a]);
    assert.equal(cancelled.status, 3);
    assert.equal(BigInt(cancelled.settlementHash), 0n);
    assert.equal(cancelled.pricePerNode, 0n);
    // ...the next one rewrites the word the cancelled job left (5,000): the job id and its other
    // words are new either way.
    const second = await gasOf(f, post());
    assert.ok(first - second > 15_000n, `first ${first} vs second ${second}`);
    const b = await f.market.read.lastJobId();
    const v = await f.market.read.job([b]);
    assert.equal(v.status, 1);
    assert.equal(v.pricePerNode, PRICE);
    assert.equal(v.requester.toLowerCase(), f.requester.account.address.toLowerCase());
  });

  it("getJob fills an ended job's fields in from JobPosted, JobSpec and the last JobToppedUp", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool, { runtime: 1 }), 3n);
    const asRequester = await f.asWallet(f.requester);
    await asRequester.write.topUpJob([jobId, 7n], { value: 21n });
    const client = { publicClient: f.publicClient };
    const whileOpen = await getJob(client, { jobMarket: f.market.address, jobId });
    const rs = f.nodes.map(() => f.revealOf("good"));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    for (let i = 0; i < 3; i++) await steps.reveal(f.node(i), jobId, i, at(rs, i));

    const ended = await getJob(client, { jobMarket: f.market.address, jobId });
    assert.equal(ended.status, "settled");
    assert.equal(ended.pricePerNode, PRICE + 7n);
    for (const k of [
      "poolId",
      "requester",
      "n",
      "consensus",
      "verification",
      "directed",
      "runtime",
      "commitDeadline",
      "revealDeadline",
      "token",
      "pricePerNode",
      "collateralPerNode",
    ] as const)
      assert.deepEqual(ended[k], whileOpen[k], k);
    assert.equal(ended.runtime, 1);
    // The spec hash is stored only at the cryptographic level; the event always has it.
    assert.equal(whileOpen.specHash, `0x${"0".repeat(64)}`);
    assert.equal(ended.specHash, f.request(pool).specHash);
    assert.equal(ended.taken, 0);
    assert.notEqual(BigInt(ended.settlementHash), 0n);
  });
});
