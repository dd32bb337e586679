import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import {
  BOND,
  CHALLENGE,
  COLLATERAL,
  ETH,
  FEE_BPS,
  L,
  PRICE,
  S,
  deployMarket,
  nodeSteps,
  type Market,
  type TestNode,
  at,
} from "./fixture.ts";

const net = (gross: bigint) => gross - (gross * FEE_BPS) / 10_000n;

async function bondOf(f: Market, node: TestNode) {
  return await f.registry.read.bondInfo([node.id]);
}

async function fresh(nodeCount = 6) {
  const connection = await network.create();
  return await deployMarket(connection, nodeCount);
}

describe("JobMarket lifecycle", () => {
  it("standard 2-of-3: three honest reports settle in the last one, pay invoices less fee, hold then release", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    assert.equal((await f.market.read.job([jobId])).status, 1);
    await steps.report(f.node(0), jobId, "good");
    await steps.report(f.node(1), jobId, "good", PRICE / 2n);
    await steps.report(f.node(2), jobId, "good");
    const job = await f.market.read.job([jobId]);
    assert.equal(job.status, 2);
    // Held during the challenge window, then withdrawable.
    const [available, held] = await f.market.read.balanceDetails([f.node(0).owner.account.address, ETH]);
    assert.equal(available, 0n);
    assert.equal(held, net(PRICE));
    assert.equal(await f.market.read.balanceOf([f.node(0).owner.account.address, ETH]), 0n);
    // The requester gets back what node 1 did not invoice, at once.
    assert.equal(await f.market.read.balanceOf([f.requester.account.address, ETH]), PRICE / 2n);
    await f.networkHelpers.time.increase(CHALLENGE + 1);
    assert.equal(await f.market.read.balanceOf([f.node(1).owner.account.address, ETH]), net(PRICE / 2n));
    const fee = (PRICE * 2n * FEE_BPS) / 10_000n + ((PRICE / 2n) * FEE_BPS) / 10_000n;
    assert.equal(await f.market.read.balanceOf([f.treasury.account.address, ETH]), fee);
    // Collateral released to every node.
    for (const n of f.nodes) assert.equal((await bondOf(f, n)).locked, 0n);
    // Withdraw moves the ETH.
    const m = await steps.asNode(f.node(0));
    await f.viem.assertions.balancesHaveChanged(m.write.withdraw([ETH]), [
      { address: f.node(0).owner.account.address, amount: net(PRICE) },
    ]);
  });

  it("strict 2-of-3 with a byzantine node: the liar is slashed, the honest two paid and share half of its collateral", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const rs = [f.revealOf("good"), f.revealOf("good"), f.revealOf("evil")];
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    for (let i = 0; i < 3; i++) await steps.reveal(f.node(i), jobId, i, at(rs, i));
    assert.equal((await f.market.read.job([jobId])).status, 2);
    const liar = await bondOf(f, f.node(2));
    assert.equal(liar.bond, BOND - COLLATERAL);
    const half = COLLATERAL / 2n / 2n;
    assert.equal(await f.market.read.balanceOf([f.node(0).owner.account.address, ETH]), half);
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, ETH]),
      COLLATERAL - 2n * half + PRICE,
    );
    const [, held] = await f.market.read.balanceDetails([f.node(1).owner.account.address, ETH]);
    assert.equal(held, net(PRICE));
    // The nodes' ledgers are in the market: their events come from its address, in its ABI.
    const ids = [0, 1, 2].map((i) => f.node(i).id);
    const locks = await f.market.getEvents.CollateralLocked({}, { fromBlock: 0n });
    assert.deepEqual(
      locks.map((e) => [e.args.nodeId, e.args.amount]),
      ids.map((id) => [id, COLLATERAL]),
    );
    // The outcomes are recorded silently: JobSettled names the nodes, each re-read from the ledger.
    assert.deepEqual(await f.market.getEvents.ReputationUpdated({}, { fromBlock: 0n }), []);
    const settled = at(await f.market.getEvents.JobSettled({ jobId }, { fromBlock: 0n }), 0);
    assert.deepEqual(settled.args.record?.nodes, ids);
    const counters = await Promise.all(
      ids.map(async (id) => (await f.registry.read.reputation([id!])).slice(1)),
    );
    assert.deepEqual(counters, [
      [1, 0, 0, 0], // completed
      [1, 0, 0, 0],
      [0, 0, 1, 0], // slashed
    ]);
    const slashed = await f.market.getEvents.CollateralSlashed({}, { fromBlock: 0n });
    assert.deepEqual(
      slashed.map((e) => [e.args.nodeId, e.args.amount, e.args.bond]),
      [[ids[2], COLLATERAL, BOND - COLLATERAL]],
    );
    assert.equal((await f.registry.read.reputation([ids[0]!]))[1], 1, "the registry reads the ledger back");
  });

  it("3-of-5 strict: two colluding nodes lose to three honest ones", async () => {
    const f = await fresh(5);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.ThreeOfFive, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 5n);
    const rs = ["good", "good", "good", "collude", "collude"].map((l) => f.revealOf(l));
    for (let i = 0; i < 5; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    for (let i = 4; i >= 0; i--) await steps.reveal(f.node(i), jobId, i, at(rs, i));
    for (const i of [3, 4]) assert.equal((await bondOf(f, f.node(i))).bond, BOND - COLLATERAL);
    for (const i of [0, 1, 2]) {
      const [, held] = await f.market.read.balanceDetails([f.node(i).owner.account.address, ETH]);
      assert.equal(held, net(PRICE));
      assert.equal((await bondOf(f, f.node(i))).bond, BOND);
    }
    // Each colluder's collateral: floor(half / 3) to each winner, the rest to the requester.
    const each = COLLATERAL / 2n / 3n;
    assert.equal(await f.market.read.balanceOf([f.node(0).owner.account.address, ETH]), 2n * each);
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, ETH]),
      2n * (COLLATERAL - 3n * each) + 2n * PRICE,
    );
  });

  it("a copycat cannot reveal a copied digest, and reveals wait for the commit phase", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const honest = f.revealOf("good");
    await steps.commit(f.node(0), jobId, honest);
    await steps.commit(f.node(1), jobId, f.revealOf("good"));
    // Revealing before every slot committed (and before the deadline) is refused.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.reveal(f.node(0), jobId, 0, honest),
      f.market,
      "JobMarketRevealNotOpen",
      [jobId, 2, (await f.market.read.job([jobId])).commitDeadline],
    );
    // The copycat commits a placeholder seal; after seeing the honest reveal it cannot change it.
    const placeholder = f.revealOf("nothing");
    await steps.commit(f.node(2), jobId, placeholder);
    await steps.reveal(f.node(0), jobId, 0, honest);
    const copied = { ...honest, salt: placeholder.salt };
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.reveal(f.node(2), jobId, 2, copied),
      f.market,
      "JobMarketSealMismatch",
      [jobId, 2],
    );
    // Nor can it reuse the honest node's whole preimage: the seal binds the node id.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.reveal(f.node(2), jobId, 2, honest),
      f.market,
      "JobMarketSealMismatch",
      [jobId, 2],
    );
  });

  it("non-revealers are slashed after the reveal deadline; anyone settles", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const rs = ["good", "good", "good"].map((l) => f.revealOf(l));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, at(rs, i));
    await steps.reveal(f.node(0), jobId, 0, at(rs, 0));
    await steps.reveal(f.node(1), jobId, 1, at(rs, 1));
    const other = await f.asWallet(f.other);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      other.write.settle([jobId]),
      f.market,
      "JobMarketNotSettleable",
      [jobId],
    );
    await f.networkHelpers.time.increase(7200 + 1);
    await f.viem.assertions.emitWithArgs(other.write.settle([jobId]), f.market, "Slashed", [
      jobId,
      f.node(2).id,
      ETH,
      COLLATERAL,
    ]);
    assert.equal((await bondOf(f, f.node(2))).bond, BOND - COLLATERAL);
  });
});
