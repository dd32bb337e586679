/**
 * Market paths the lifecycle, posting, signed and dispute suites leave out, found by Hardhat's
 * coverage report (`npm run coverage`): natural redundancy of an explicit strategy, pausing twice,
 * ERC-20 escrow through `postJobs`, ETH sent with an ERC-20 job, one-transaction batches for
 * directed, invoiced, cryptographic, stale, late and foreign submissions, disputes with no
 * arbiter, constructors given a zero address, and the SimpleArbiter committee's threshold and
 * double votes. Each test asserts the contract's answer, so it fails if the path breaks.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { zeroAddress, type Address, type Hex } from "viem";
import {
  COLLATERAL,
  DISPUTE_DEPOSIT,
  ETH,
  FEE_BPS,
  L,
  PRICE,
  S,
  at,
  deployMarket,
  nodeSteps,
  type Market,
  type RevealInput,
  type TestNode,
} from "../market/fixture.ts";

async function fresh(nodeCount = 4): Promise<Market> {
  return await deployMarket(await network.create(), nodeCount);
}

/** One node's signed commit and reveal for a one-transaction batch. */
async function submission(f: Market, jobId: bigint, node: TestNode, r: RevealInput) {
  return { nodeId: node.id, reveal: r, commitSignature: await f.signCommit(node, jobId, f.seal(jobId, node.id, r)) };
}

async function submissions(f: Market, jobId: bigint, nodes: TestNode[], label = "a") {
  const out = [];
  for (const n of nodes) out.push(await submission(f, jobId, n, f.revealOf(label)));
  return out;
}

/** Asserts that deploying `name` with `args` reverts with the custom error `error`. */
async function deployRefused(f: Market, name: string, args: readonly unknown[], error: string): Promise<void> {
  await assert.rejects(
    (f.viem.deployContract as (n: string, a: readonly unknown[]) => Promise<unknown>)(name, args),
    (e: Error) => e.message.includes(error),
    `${name} deployed with a zero address`,
  );
}

describe("Coverage: market edge paths", () => {
  it("an explicit strategy with redundancy 0 takes that strategy's natural n (1, 3, 5, 3)", async () => {
    const f = await fresh(1);
    const pool = await f.createPool(S.MajorityRule, L.Standard, f.nodes, 3);
    const expected: [number, bigint][] = [
      [S.FastestWins, 1n],
      [S.TwoOfThree, 3n],
      [S.ThreeOfFive, 5n],
      [S.BFT, 3n],
    ];
    for (const [strategy, n] of expected) {
      const jobId = await f.post(f.request(pool, { strategy, redundancy: 0 }), n);
      const job = await f.market.read.job([jobId]);
      assert.equal(job.n, Number(n), `strategy ${strategy}`);
      assert.equal(job.strategy, strategy);
    }
  });

  it("pause and unpause refuse a repeat, paused() follows, and ETH is always an allowed token", async () => {
    const f = await fresh(1);
    assert.equal(await f.market.read.paused(), false);
    await f.viem.assertions.revertWithCustomError(f.market.write.unpause(), f.market, "ExpectedPause");
    await f.market.write.pause();
    assert.equal(await f.market.read.paused(), true);
    await f.viem.assertions.revertWithCustomError(f.market.write.pause(), f.market, "EnforcedPause");
    await f.market.write.unpause();
    assert.equal(await f.market.read.paused(), false);

    assert.equal(await f.market.read.isTokenAllowed([ETH]), true);
    const token = await f.viem.deployContract("MockERC20", ["Mock USD", "mUSD", 6]);
    assert.equal(await f.market.read.isTokenAllowed([token.address]), false);
    await f.market.write.setTokenAllowed([token.address, true]);
    assert.equal(await f.market.read.isTokenAllowed([token.address]), true);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.setTokenAllowed([zeroAddress, true]),
      f.market,
      "JobMarketZeroAddress",
    );
  });

  it("postJobs escrows an ERC-20 request's tokens and ETH only for ETH requests; ETH sent with an ERC-20 job is refused", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const token = await f.viem.deployContract("MockERC20", ["Mock USD", "mUSD", 6]);
    await f.market.write.setTokenAllowed([token.address, true]);
    const asRequester = await f.viem.getContractAt("MockERC20", token.address, { client: { wallet: f.requester } });
    const tokenPrice = 7_000_000n;
    await asRequester.write.mint([f.requester.account.address, 3n * tokenPrice]);
    await asRequester.write.approve([f.market.address, 3n * tokenPrice]);
    const m = await f.asWallet(f.requester);

    const tokenReq = f.request(pool, { token: token.address, pricePerNode: tokenPrice });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.postJob([tokenReq], { value: 1n }),
      f.market,
      "JobMarketWrongValue",
      [0n, 1n],
    );

    const ethBefore = await f.publicClient.getBalance({ address: f.market.address });
    await m.write.postJobs([[f.request(pool), tokenReq]], { value: 3n * PRICE });
    assert.equal(await token.read.balanceOf([f.market.address]), 3n * tokenPrice);
    assert.equal(await token.read.balanceOf([f.requester.account.address]), 0n);
    assert.equal((await f.publicClient.getBalance({ address: f.market.address })) - ethBefore, 3n * PRICE);
    const last = await f.market.read.lastJobId();
    assert.equal((await f.market.read.job([last])).token.toLowerCase(), token.address.toLowerCase());
    assert.equal((await f.market.read.job([last - 1n])).token, ETH);
  });

  it("a dispute is refused with JobMarketNoArbiter once the arbiter is unset", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    await steps.report(f.node(0), jobId, "a");
    await steps.report(f.node(1), jobId, "a");
    await steps.report(f.node(2), jobId, "b");
    const record = at(await f.market.getEvents.JobSettled({ jobId }), 0).args.record!;
    await f.market.write.setArbiter([zeroAddress]);
    await f.viem.assertions.revertWithCustomError(
      (await f.asWallet(f.requester)).write.raiseDispute([jobId, record, "ipfs://e"], { value: DISPUTE_DEPOSIT }),
      f.market,
      "JobMarketNoArbiter",
    );
    assert.equal((await f.market.read.disputeOf([jobId])).disputer, zeroAddress);
  });

  it("submitBatch refuses a job with a slot taken, a closed commit window and a node outside the pool", async () => {
    const f = await fresh(4);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes.slice(0, 3));
    const carrier = await f.asWallet(f.carrier);
    const steps = nodeSteps(f);

    const stale = await f.post(f.request(pool), 3n);
    await steps.commit(f.node(0), stale, f.revealOf("a"));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId: stale, nodes: await submissions(f, stale, f.nodes.slice(0, 3)) }]]),
      f.market,
      "JobMarketBatchNotFresh",
      [stale, 1],
    );

    const foreign = await f.post(f.request(pool), 3n);
    const withOutsider = await submissions(f, foreign, [f.node(0), f.node(1), f.node(3)]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId: foreign, nodes: withOutsider }]]),
      f.market,
      "JobMarketNotPoolMember",
      [pool, f.node(3).id],
    );

    const late = await f.post(f.request(pool), 3n);
    const lateSubs = await submissions(f, late, f.nodes.slice(0, 3));
    const deadline = (await f.market.read.job([late])).commitDeadline;
    await f.networkHelpers.time.increaseTo(deadline + 1);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId: late, nodes: lateSubs }]]),
      f.market,
      "JobMarketCommitClosed",
      [late, deadline],
    );
  });

  it("submitBatch on a directed job takes exactly the assigned nodes in their slots and settles", async () => {
    const f = await fresh(4);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const carrier = await f.asWallet(f.carrier);
    const assigned = [f.node(3), f.node(1), f.node(0)];
    const jobId = await f.post(f.request(pool, { nodes: assigned.map((n) => n.id) }), 3n);

    const wrongOrder = await submissions(f, jobId, [f.node(1), f.node(3), f.node(0)]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: wrongOrder }]]),
      f.market,
      "JobMarketNotAssigned",
      [jobId, f.node(1).id],
    );
    const unassigned = await submissions(f, jobId, [f.node(3), f.node(1), f.node(2)]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: unassigned }]]),
      f.market,
      "JobMarketNotAssigned",
      [jobId, f.node(2).id],
    );

    await carrier.write.submitBatch([[{ jobId, nodes: await submissions(f, jobId, assigned) }]]);
    assert.equal((await f.market.read.job([jobId])).status, 2);
    const record = at(await f.market.getEvents.JobSettled({ jobId }), 0).args.record!;
    assert.deepEqual(
      record.nodes,
      assigned.map((n) => n.id),
    );
    for (const n of f.nodes) assert.equal((await f.registry.read.bondInfo([n.id])).locked, 0n);
  });

  it("submitBatch charges a node's invoice instead of the price and refuses one above the price", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const carrier = await f.asWallet(f.carrier);
    const jobId = await f.post(f.request(pool), 3n);

    const tooHigh = [
      await submission(f, jobId, f.node(0), f.revealOf("a")),
      await submission(f, jobId, f.node(1), f.revealOf("a", PRICE + 1n)),
      await submission(f, jobId, f.node(2), f.revealOf("a")),
    ];
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: tooHigh }]]),
      f.market,
      "JobMarketInvoiceTooHigh",
      [PRICE + 1n, PRICE],
    );

    const invoice = PRICE / 4n;
    const subs = [
      await submission(f, jobId, f.node(0), f.revealOf("a")),
      await submission(f, jobId, f.node(1), f.revealOf("a", invoice)),
      await submission(f, jobId, f.node(2), f.revealOf("a")),
    ];
    await carrier.write.submitBatch([[{ jobId, nodes: subs }]]);
    const settled = at(await f.market.getEvents.JobSettled({ jobId }), 0).args;
    const net = (gross: bigint) => gross - (gross * FEE_BPS) / 10_000n;
    assert.deepEqual(settled.record!.amounts, [net(PRICE), net(invoice), net(PRICE)]);
    // The requester gets back what the invoice left unspent.
    assert.equal(settled.refunded, PRICE - invoice);
  });

  it("submitBatch at the cryptographic level checks every node's receipt and emits it", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Cryptographic, f.nodes);
    const carrier = await f.asWallet(f.carrier);
    const req = f.request(pool, { runtime: 1 });
    const jobId = await f.post(req, 3n);
    const subs = [];
    for (let i = 0; i < 3; i++) {
      const r = f.revealOf("a");
      r.receiptSignature = await f.signReceipt(f.node(i), jobId, req.specHash, 1, r);
      subs.push(await submission(f, jobId, f.node(i), r));
    }
    // A receipt signed over another output is refused (the commit signature itself is valid).
    const forgedReveal: RevealInput = { ...f.revealOf("a"), receiptSignature: at(subs, 0).reveal.receiptSignature };
    const forged = [at(subs, 0), at(subs, 1), await submission(f, jobId, f.node(2), forgedReveal)];
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: forged }]]),
      f.market,
      "JobMarketInvalidReceipt",
      [jobId, f.node(2).id, f.node(2).signer.address],
    );

    await carrier.write.submitBatch([[{ jobId, nodes: subs }]]);
    const receipts = await f.market.getEvents.ReceiptSubmitted({ jobId });
    assert.deepEqual(
      receipts.map((e) => e.args.nodeId),
      f.nodes.map((n) => n.id),
    );
    assert.deepEqual(
      receipts.map((e) => e.args.signature as Hex),
      subs.map((s) => s.reveal.receiptSignature),
    );
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });
});

describe("Pools at the market's address", () => {
  it("the pool module refuses to be called directly; the market refuses ETH and selectors no module has", async () => {
    const f = await fresh(0);
    const module = await f.viem.getContractAt("PoolRegistry", await f.market.read.poolModule());
    for (const call of [() => module.write.leavePool([1n, 1n]), () => module.write.addNode([1n, 1n])])
      await assert.rejects(call(), (e: Error) => e.message.includes("PoolRegistryDirectCall"));
    // Read through the market, the pools are there; read on the module, its own storage is empty.
    assert.ok((await f.pools.read.poolCount()) >= 0n);
    assert.equal(await module.read.poolCount(), 0n);
    const wallet = f.admin;
    // Not a selector of the market nor of the pool code: reverts, and no ETH is taken with it.
    await assert.rejects(wallet.sendTransaction({ to: f.market.address, data: "0xdeadbeef" }));
    await assert.rejects(wallet.sendTransaction({ to: f.market.address, data: "0x12345678", value: 1n }));
  });
});

describe("Coverage: constructors refuse a zero address", () => {
  it("JobMarket, its modules and PoolRegistry", async () => {
    const f = await fresh(0);
    const r = f.registry.address;
    const p = await f.market.read.poolModule();
    const settlement = await f.viem.deployContract("JobMarketSettlement", [r]);
    const ext = await f.viem.deployContract("JobMarketExtension", [r, settlement.address]);
    const owner = f.admin.account.address;
    const marketArgs = (pm: Address, s: Address, e: Address) =>
      [r, pm, s, e, owner, owner, 100, zeroAddress, 0, 0n, 0] as const;
    await deployRefused(f, "JobMarket", marketArgs(zeroAddress, settlement.address, ext.address), "JobMarketZeroAddress");
    await deployRefused(f, "JobMarket", marketArgs(p, zeroAddress, ext.address), "JobMarketZeroAddress");
    await deployRefused(f, "JobMarket", marketArgs(p, settlement.address, zeroAddress), "JobMarketZeroAddress");
    await deployRefused(f, "JobMarketSettlement", [zeroAddress], "JobMarketZeroAddress");
    await deployRefused(f, "JobMarketExtension", [r, zeroAddress], "JobMarketZeroAddress");
    await deployRefused(f, "PoolRegistry", [zeroAddress], "PoolRegistryZeroAddress");
    // A module built for another node registry is refused: one market, one registry.
    const otherRegistry = await f.viem.deployContract("NodeRegistry", [owner, 1n, 3600, 3600]);
    const strayPools = await f.viem.deployContract("PoolRegistry", [otherRegistry.address]);
    await deployRefused(f, "JobMarket", marketArgs(strayPools.address, settlement.address, ext.address), "JobMarketModuleMismatch");
    await deployRefused(f, "SimpleArbiter", [owner, 0], "SimpleArbiterBadThreshold");
    // The same arguments with the addresses filled in deploy.
    const market = await f.viem.deployContract("JobMarket", marketArgs(p, settlement.address, ext.address));
    assert.equal((await market.read.extension()).toLowerCase(), ext.address.toLowerCase());
  });
});

describe("Coverage: SimpleArbiter committee", () => {
  it("a threshold of 2 needs two distinct members; a second vote by one member and a zero threshold are refused", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    await steps.report(f.node(0), jobId, "a");
    await steps.report(f.node(1), jobId, "a");
    await steps.report(f.node(2), jobId, "b");
    const record = at(await f.market.getEvents.JobSettled({ jobId }), 0).args.record!;
    await (await f.asWallet(f.requester)).write.raiseDispute([jobId, record, "ipfs://e"], { value: DISPUTE_DEPOSIT });

    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.arbiter.write.setThreshold([0]),
      f.arbiter,
      "SimpleArbiterBadThreshold",
      [0],
    );
    await f.viem.assertions.emitWithArgs(f.arbiter.write.setThreshold([2]), f.arbiter, "ThresholdSet", [2]);
    assert.equal(await f.arbiter.read.threshold(), 2);
    const members = [f.other, f.carrier];
    for (const m of members) await f.arbiter.write.setMember([m.account.address, true]);
    const first = await f.viem.getContractAt("SimpleArbiter", f.arbiter.address, { client: { wallet: at(members, 0) } });
    const second = await f.viem.getContractAt("SimpleArbiter", f.arbiter.address, {
      client: { wallet: at(members, 1) },
    });

    await first.write.vote([f.market.address, jobId, false, record]);
    assert.equal((await f.market.read.disputeOf([jobId])).resolved, false, "one vote of two ruled");
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      first.write.vote([f.market.address, jobId, false, record]),
      f.arbiter,
      "SimpleArbiterAlreadyVoted",
      [at(members, 0).account.address, jobId],
    );
    const before = await f.market.read.balanceOf([f.requester.account.address, ETH]);
    await f.viem.assertions.emitWithArgs(
      second.write.vote([f.market.address, jobId, false, record]),
      f.market,
      "DisputeResolved",
      [jobId, false, false],
    );
    assert.equal((await f.market.read.disputeOf([jobId])).resolved, true);
    // Overturned: the requester gets both winners' payouts and the fee on them, both winners'
    // slashed free bond, and the deposit back.
    const fee = (PRICE * FEE_BPS) / 10_000n;
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, ETH]),
      before + 2n * PRICE + 2n * COLLATERAL + DISPUTE_DEPOSIT,
      `two payouts of ${PRICE - fee} plus their fee ${fee}`,
    );
  });
});
