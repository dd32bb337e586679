/**
 * Posting, escrow and refunds: every posting revert with its custom error and arguments, ERC-20
 * escrow (and refusal of fee-on-transfer shortfalls), directed jobs, batch posting, cancel,
 * expiry, pause, pull payments against misbehaving receivers, and admin access control.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { encodeFunctionData, parseEther, zeroAddress } from "viem";
import { COLLATERAL, ETH, L, PRICE, S, deployMarket, nodeSteps, at } from "./fixture.ts";

async function fresh(nodeCount = 4) {
  return await deployMarket(await network.create(), nodeCount);
}

describe("JobMarket posting and payments", () => {
  it("refuses impossible jobs with the offending values", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    const expectErr = async (
      over: Parameters<typeof f.request>[1],
      name: string,
      args: readonly unknown[],
      value = 0n,
    ) =>
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        m.write.postJob([f.request(pool, over)], { value }),
        f.market,
        name as never,
        args as never,
      );
    await expectErr({ strategy: S.TwoOfThree, redundancy: 5 }, "JobMarketInconsistentRedundancy", [
      S.TwoOfThree,
      5n,
    ]);
    await expectErr({ strategy: S.ThreeOfFive, redundancy: 3 }, "JobMarketInconsistentRedundancy", [
      S.ThreeOfFive,
      3n,
    ]);
    await expectErr({ strategy: S.BFT, redundancy: 2 }, "JobMarketInconsistentRedundancy", [S.BFT, 2n]);
    await expectErr({ strategy: S.FastestWins, redundancy: 2 }, "JobMarketInconsistentRedundancy", [
      S.FastestWins,
      2n,
    ]);
    await expectErr({ strategy: S.MajorityRule, redundancy: 17 }, "JobMarketInconsistentRedundancy", [
      S.MajorityRule,
      17n,
    ]);
    await expectErr({ strategy: 6 }, "JobMarketUnknownStrategy", [6]);
    await expectErr({ strategy: S.PoS, redundancy: 3, collateralPerNode: 0n }, "JobMarketStakeRequired", [
      S.PoS,
    ]);
    await expectErr({ runtime: 3 }, "JobMarketBadRuntime", [3]);
    const maxU96 = 2n ** 96n - 1n;
    await expectErr({ pricePerNode: maxU96 }, "JobMarketEscrowTooLarge", [3n * maxU96]);
    await expectErr({ collateralPerNode: 2n ** 72n }, "JobMarketCollateralTooLarge", [
      2n ** 72n,
      2n ** 72n - 1n,
    ]);
    await expectErr({ commitWindow: 0 }, "JobMarketBadWindows", [0, 3600]);
    await expectErr({ revealWindow: 0 }, "JobMarketBadWindows", [3600, 0]);
    await expectErr({}, "JobMarketWrongValue", [3n * PRICE, 1n], 1n);
    await expectErr({ token: f.other.account.address }, "JobMarketTokenNotAllowed", [
      f.other.account.address,
    ]);
    // Directed: exactly n distinct members of the pool.
    const [id0, id1] = [f.node(0).id, f.node(1).id];
    await expectErr({ nodes: [id0, id1] }, "JobMarketDirectedNodeCount", [3n, 2n], 3n * PRICE);
    await expectErr({ nodes: [id0, id1, id1] }, "JobMarketDuplicateNode", [id1], 3n * PRICE);
    await expectErr({ nodes: [id0, id1, 99n] }, "JobMarketNotPoolMember", [pool, 99n], 3n * PRICE);
  });

  it("directed jobs: only the named nodes take slots; membership changes do not disturb them", async () => {
    const f = await fresh(4);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const named = [f.node(0), f.node(1), f.node(2)];
    const jobId = await f.post(f.request(pool, { nodes: named.map((n) => n.id) }), 3n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.report(f.node(3), jobId, "a"),
      f.market,
      "JobMarketNotAssigned",
      [jobId, f.node(3).id],
    );
    // Node 0 leaves the pool after posting: it still serves the job it was named for.
    const pr = await f.viem.getContractAt("PoolRegistry", f.pools.address, {
      client: { wallet: f.node(0).owner },
    });
    await pr.write.leavePool([pool, f.node(0).id]);
    for (const n of named) await steps.report(n, jobId, "a");
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });

  it("open jobs: members only, one slot per node, membership checked at take time", async () => {
    const f = await fresh(4);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes.slice(0, 3));
    const jobId = await f.post(f.request(pool), 3n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.report(f.node(3), jobId, "a"),
      f.market,
      "JobMarketNotPoolMember",
      [pool, f.node(3).id],
    );
    const n0 = await steps.asNode(f.node(0));
    await n0.write.takeSlot([jobId, f.node(0).id]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      n0.write.takeSlot([jobId, f.node(0).id]),
      f.market,
      "JobMarketAlreadyTaken",
      [jobId, f.node(0).id],
    );
    // Someone else's account cannot act for the node.
    const stranger = await f.asWallet(f.other);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      stranger.write.takeSlot([jobId, f.node(1).id]),
      f.market,
      "JobMarketNotNodeAccount",
      [f.node(1).id, f.other.account.address],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      stranger.write.commit([jobId, f.node(1).id, `0x${"11".repeat(32)}`]),
      f.market,
      "JobMarketWrongLevel",
      [jobId, L.Standard],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.report(f.node(1), jobId, "a", PRICE + 1n),
      f.market,
      "JobMarketInvoiceTooHigh",
      [PRICE + 1n, PRICE],
    );
  });

  it("ERC-20 escrow: exact pull, payouts and refunds in the token; fee-on-transfer refused", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const price = 1_000_000n;
    const { token, fot } = await f.requesterTokens(100n * price);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.postJob([f.request(pool, { token: fot.address, pricePerNode: price })]),
      f.market,
      "JobMarketTokenShortfall",
      [fot.address, 3n * price, 3n * price - (3n * price) / 100n],
    );
    await m.write.postJob([f.request(pool, { token: token.address, pricePerNode: price })]);
    const jobId = await f.market.read.lastJobId();
    assert.equal(await token.read.balanceOf([f.market.address]), 3n * price);
    await steps.report(f.node(0), jobId, "a");
    await steps.report(f.node(1), jobId, "a", price / 4n);
    await steps.report(f.node(2), jobId, "b");
    // Requester's refund is immediate and in the token.
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, token.address]),
      price + (3n * price) / 4n,
    );
    await f.networkHelpers.time.increase(24 * 3600 + 1);
    await (await steps.asNode(f.node(0))).write.withdraw([token.address]);
    assert.equal(await token.read.balanceOf([f.node(0).owner.account.address]), price - price / 100n);
  });

  it("the delegated modules refuse direct payable calls, so no ETH can be stranded in them", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const extension = await f.viem.getContractAt("JobMarketExtension", await f.market.read.extension());
    await f.viem.assertions.revertWithCustomError(
      extension.write.postJobs([[f.request(pool)]], { value: 3n * PRICE }),
      extension,
      "JobMarketDirectCall",
    );
  });

  it("postJobs posts many jobs in one transaction; msg.value must match the ETH escrows", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    const reqs = [f.request(pool), f.request(pool, { pricePerNode: 2n * PRICE })];
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.postJobs([reqs], { value: 9n * PRICE - 1n }),
      f.market,
      "JobMarketWrongValue",
      [9n * PRICE, 9n * PRICE - 1n],
    );
    await m.write.postJobs([reqs], { value: 9n * PRICE });
    assert.equal(await f.market.read.lastJobId(), 2n);
    assert.equal((await f.market.read.job([2n])).pricePerNode, 2n * PRICE);
  });

  it("cancel before any slot refunds in full; after a slot is taken it is refused; expiry refunds", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    const j1 = await f.post(f.request(pool), 3n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await f.asWallet(f.other)).write.cancel([j1]),
      f.market,
      "JobMarketNotRequester",
      [j1, f.other.account.address],
    );
    await f.viem.assertions.emitWithArgs(m.write.cancel([j1]), f.market, "JobCancelled", [j1]);
    assert.equal(await f.market.read.balanceOf([f.requester.account.address, ETH]), 3n * PRICE);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.cancel([j1]),
      f.market,
      "JobMarketJobNotOpen",
      [j1, 3],
    );
    const j2 = await f.post(f.request(pool), 3n);
    await (await steps.asNode(f.node(0))).write.takeSlot([j2, f.node(0).id]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.cancel([j2]),
      f.market,
      "JobMarketSlotAlreadyTaken",
      [j2, 1],
    );
    const j3 = await f.post(f.request(pool), 3n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.settle([j3]),
      f.market,
      "JobMarketNotSettleable",
      [j3],
    );
    await f.networkHelpers.time.increase(3601);
    await f.viem.assertions.emitWithArgs(
      (await f.asWallet(f.other)).write.settle([j3]),
      f.market,
      "JobExpired",
      [j3],
    );
    // j2: one node took a slot and never reported (standard: a no-show loses its collateral).
    await f.networkHelpers.time.increase(3601);
    await (await f.asWallet(f.other)).write.settle([j2]);
    assert.equal((await f.registry.read.bondInfo([f.node(0).id])).locked, 0n);
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, ETH]),
      3n * PRICE + 3n * PRICE + 3n * PRICE + COLLATERAL,
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await f.asWallet(f.other)).write.settle([99n]),
      f.market,
      "JobMarketUnknownJob",
      [99n],
    );
  });

  it("a job takes its pool's current policy; a pool id never created is refused", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const asOwner = await f.viem.getContractAt("PoolRegistry", f.pools.address, {
      client: { wallet: f.requester },
    });
    const [, policy, requirements] = await f.pools.read.getPool([pool]);
    // Posting reads one word for the policy and the pool's existence; rewriting the policy keeps both.
    await asOwner.write.setPolicy([
      pool,
      { ...policy, strategy: S.MajorityRule, redundancy: 3, verification: L.Standard },
      requirements,
    ]);
    const jobId = await f.post(f.request(pool), 3n);
    const job = await f.market.read.job([jobId]);
    assert.deepEqual([job.strategy, job.level, job.n], [S.MajorityRule, L.Standard, 3]);
    const m = await f.asWallet(f.requester);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.postJob([f.request(pool + 1n)], { value: 3n * PRICE }),
      f.pools,
      "PoolRegistryUnknownPool",
      [pool + 1n],
    );
  });

  it("pause stops new posts only; settlement, refunds and withdrawals go on", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    await f.market.write.pause();
    const m = await f.asWallet(f.requester);
    await f.viem.assertions.revertWithCustomError(
      m.write.postJob([f.request(pool)], { value: 3n * PRICE }),
      f.market,
      "EnforcedPause",
    );
    for (const n of f.nodes) await steps.report(n, jobId, "a");
    assert.equal((await f.market.read.job([jobId])).status, 2);
    await f.networkHelpers.time.increase(24 * 3600 + 1);
    await (await steps.asNode(f.node(0))).write.withdraw([ETH]);
    await f.market.write.unpause();
    await m.write.postJob([f.request(pool)], { value: 3n * PRICE });
  });

  it("a reverting receiver cannot block others' withdrawals; a re-entering one gets paid once", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const actors = [
      await f.viem.deployContract("MarketActor", []),
      await f.viem.deployContract("MarketActor", []),
    ];
    const postData = encodeFunctionData({
      abi: f.market.abi,
      functionName: "postJob",
      args: [f.request(pool)],
    });
    for (const a of actors) {
      await a.write.execute([f.market.address, 3n * PRICE, postData], { value: 3n * PRICE });
      const jobId = await f.market.read.lastJobId();
      await a.write.execute([
        f.market.address,
        0n,
        encodeFunctionData({ abi: f.market.abi, functionName: "cancel", args: [jobId] }),
      ]);
    }
    const withdrawData = encodeFunctionData({ abi: f.market.abi, functionName: "withdraw", args: [ETH] });
    await at(actors, 0).write.setMode([1, zeroAddress, "0x"]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      at(actors, 0).write.execute([f.market.address, 0n, withdrawData]),
      f.market,
      "JobMarketEthTransferFailed",
      [at(actors, 0).address, 3n * PRICE],
    );
    await at(actors, 1).write.setMode([2, f.market.address, withdrawData]);
    await at(actors, 1).write.execute([f.market.address, 0n, withdrawData]);
    assert.equal(await at(actors, 1).read.reentered(), true);
    assert.equal(await at(actors, 1).read.reentrySucceeded(), false);
    assert.equal(await f.publicClient.getBalance({ address: at(actors, 1).address }), 3n * PRICE);
    // The reverting receiver's balance is intact and the market still holds it.
    assert.equal(await f.market.read.balanceOf([at(actors, 0).address, ETH]), 3n * PRICE);
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), 3n * PRICE);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await f.asWallet(f.other)).write.withdraw([ETH]),
      f.market,
      "JobMarketNothingToWithdraw",
      [f.other.account.address, ETH],
    );
    // Stray ETH is refused: only the node registry may send ETH (slashed collateral).
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.other.sendTransaction({ to: f.market.address, value: 1n }),
      f.market,
      "JobMarketUnexpectedEth",
      [f.other.account.address],
    );
  });

  it("a malicious token re-entering withdraw cannot take more or block other tokens", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const bad = await f.viem.deployContract("ReentrantToken", []);
    await f.market.write.setTokenAllowed([bad.address, true]);
    await bad.write.mint([f.requester.account.address, 10n ** 18n]);
    const asReq = await f.viem.getContractAt("ReentrantToken", bad.address, {
      client: { wallet: f.requester },
    });
    await asReq.write.approve([f.market.address, 10n ** 18n]);
    const m = await f.asWallet(f.requester);
    await m.write.postJob([f.request(pool, { token: bad.address, pricePerNode: 1000n })]);
    await m.write.cancel([await f.market.read.lastJobId()]);
    await m.write.postJob([f.request(pool)], { value: 3n * PRICE });
    await m.write.cancel([await f.market.read.lastJobId()]);
    // The token calls withdraw(ETH) during its own transfer: the guard refuses it.
    await bad.write.arm([
      f.market.address,
      encodeFunctionData({ abi: f.market.abi, functionName: "withdraw", args: [ETH] }),
    ]);
    await m.write.withdraw([bad.address]);
    assert.equal(await bad.read.attackSucceeded(), false);
    assert.equal(await bad.read.balanceOf([f.requester.account.address]), 10n ** 18n);
    await f.viem.assertions.balancesHaveChanged(m.write.withdraw([ETH]), [
      { address: f.requester.account.address, amount: 3n * PRICE },
    ]);
  });

  it("admin functions are owner-only, the fee is capped, and ownership moves in two steps", async () => {
    const f = await fresh(1);
    const o = await f.asWallet(f.other);
    const calls = [
      o.write.setProtocolFee([10]),
      o.write.setTreasury([f.other.account.address]),
      o.write.setTokenAllowed([f.other.account.address, true]),
      o.write.setArbiter([f.other.account.address]),
      o.write.setDisputeParams([1, 1n, 1]),
      o.write.pause(),
      o.write.unpause(),
      o.write.transferOwnership([f.other.account.address]),
    ];
    for (const c of calls) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(c, f.market, "OwnableUnauthorizedAccount", [
        f.other.account.address,
      ]);
    }
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.setProtocolFee([1001]),
      f.market,
      "JobMarketFeeTooHigh",
      [1001, 1000],
    );
    await f.viem.assertions.revertWithCustomError(
      f.market.write.setTreasury([zeroAddress]),
      f.market,
      "JobMarketZeroAddress",
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.setDisputeParams([3600, parseEther("1"), 0]),
      f.market,
      "JobMarketDisputeParams",
      [3600, 0],
    );
    await f.market.write.transferOwnership([f.other.account.address]);
    assert.equal((await f.market.read.owner()).toLowerCase(), f.admin.account.address.toLowerCase());
    await o.write.acceptOwnership();
    assert.equal((await f.market.read.owner()).toLowerCase(), f.other.account.address.toLowerCase());
  });
});
