/**
 * `topUpJob`: the requester adds escrow to an open job by raising its price per node. Every
 * refusal with its custom error and arguments and nothing changed (job price, market balance,
 * requester balance); ETH and ERC-20 top-ups; a fee-on-transfer token refused; the raised price
 * paid by settlement (invoice 0 = the new full price, an explicit invoice only itself); refunds
 * on cancel, expiry and timeout that include the top-up; re-entry from the token refused; and
 * after each step the market holding exactly what it owes.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { encodeFunctionData, type Address, type Hex } from "viem";

import {
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
} from "./fixture.ts";

const MAX_U96 = 2n ** 96n - 1n;
const net = (gross: bigint) => gross - (gross * FEE_BPS) / 10_000n;

async function fresh(nodeCount = 3) {
  return await deployMarket(await network.create(), nodeCount);
}

/** Everyone the market can owe in these tests. */
function accounts(f: Market): Address[] {
  return [f.admin, f.requester, f.treasury, f.carrier, f.other, ...f.nodes.map((n) => n.owner)].map(
    (w) => w.account.address,
  );
}

/** Asserts the market holds exactly open escrow (n × price of every open job) + every balance, in `token`. */
async function assertConserved(f: Market, jobIds: readonly bigint[], token: Address = ETH) {
  let owed = 0n;
  for (const id of jobIds) {
    const j = await f.market.read.job([id]);
    if (j.status === 1 && j.token.toLowerCase() === token.toLowerCase()) owed += BigInt(j.n) * j.pricePerNode;
  }
  for (const a of accounts(f)) {
    const [available, held] = await f.market.read.balanceDetails([a, token]);
    owed += available + held;
  }
  const held =
    token === ETH
      ? await f.publicClient.getBalance({ address: f.market.address })
      : await (await f.viem.getContractAt("MockERC20", token)).read.balanceOf([f.market.address]);
  assert.equal(held, owed, `market ${token} holds ${held}, owes ${owed}`);
}

/** Runs a refused call (started only after the snapshot) and asserts it changed nothing: the job, the market's ETH, the requester's balance. */
async function refusedUnchanged(
  f: Market,
  jobId: bigint,
  call: () => Promise<unknown>,
  error: string,
  args: readonly unknown[],
) {
  const before = {
    job: await f.market.read.job([jobId]),
    eth: await f.publicClient.getBalance({ address: f.market.address }),
    credit: await f.market.read.balanceDetails([f.requester.account.address, ETH]),
  };
  await f.viem.assertions.revertWithCustomErrorWithArgs(call(), f.market, error as never, args as never);
  assert.deepEqual(await f.market.read.job([jobId]), before.job);
  assert.equal(await f.publicClient.getBalance({ address: f.market.address }), before.eth);
  assert.deepEqual(await f.market.read.balanceDetails([f.requester.account.address, ETH]), before.credit);
}

describe("JobMarket topUpJob", () => {
  it("ETH: raises the price, collects exactly n × add, and settlement pays the raised price", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const m = await f.asWallet(f.requester);
    const add = PRICE / 2n;
    // A node reports before the top-up: with invoice 0 it is paid the price in force at settlement.
    await steps.report(f.node(0), jobId, "good");
    await f.viem.assertions.balancesHaveChanged(m.write.topUpJob([jobId, add], { value: 3n * add }), [
      { address: f.market.address, amount: 3n * add },
    ]);
    assert.equal((await f.market.read.job([jobId])).pricePerNode, PRICE + add);
    await assertConserved(f, [jobId]);
    await f.viem.assertions.emitWithArgs(
      m.write.topUpJob([jobId, 1n], { value: 3n }),
      f.market,
      "JobToppedUp",
      [jobId, 1n, PRICE + add + 1n, 3n],
    );
    const price = PRICE + add + 1n;
    // The invoice cap rose with the price: the old price + 1 is accepted now, the new price + 1 is not.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      steps.report(f.node(1), jobId, "good", price + 1n),
      f.market,
      "JobMarketInvoiceTooHigh",
      [price + 1n, price],
    );
    await steps.report(f.node(1), jobId, "good", PRICE + 1n);
    await steps.report(f.node(2), jobId, "good");
    assert.equal((await f.market.read.job([jobId])).status, 2);
    for (const [i, gross] of [
      [0, price],
      [1, PRICE + 1n],
      [2, price],
    ] as const) {
      const [, held] = await f.market.read.balanceDetails([f.node(i).owner.account.address, ETH]);
      assert.equal(held, net(gross), `node ${i}`);
    }
    // Only node 1's invoice left escrow unpaid: refunded to the requester at once.
    assert.equal(await f.market.read.balanceOf([f.requester.account.address, ETH]), price - (PRICE + 1n));
    await assertConserved(f, [jobId]);
    await f.networkHelpers.time.increase(CHALLENGE + 1);
    const fee = (2n * price * FEE_BPS) / 10_000n + ((PRICE + 1n) * FEE_BPS) / 10_000n;
    assert.equal(await f.market.read.balanceOf([f.treasury.account.address, ETH]), fee);
  });

  it("refuses a stranger, zero, a wrong value, an escrow past uint96, unknown and settled jobs — changing nothing", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const m = await f.asWallet(f.requester);
    const stranger = await f.asWallet(f.other);
    await refusedUnchanged(
      f,
      jobId,
      () => stranger.write.topUpJob([jobId, 1n], { value: 3n }),
      "JobMarketNotRequester",
      [jobId, f.other.account.address],
    );
    await refusedUnchanged(f, jobId, () => m.write.topUpJob([jobId, 0n]), "JobMarketZeroTopUp", [jobId]);
    await refusedUnchanged(
      f,
      jobId,
      () => m.write.topUpJob([jobId, 5n], { value: 14n }),
      "JobMarketWrongValue",
      [15n, 14n],
    );
    await refusedUnchanged(
      f,
      jobId,
      () => m.write.topUpJob([jobId, 5n], { value: 16n }),
      "JobMarketWrongValue",
      [15n, 16n],
    );
    // n × (price + add) must fit uint96, as at posting.
    const add = MAX_U96 / 3n - PRICE + 1n;
    await refusedUnchanged(
      f,
      jobId,
      () => m.write.topUpJob([jobId, add], { value: 0n }),
      "JobMarketEscrowTooLarge",
      [3n * (PRICE + add)],
    );
    // The largest top-up that fits is accepted (the bound is exact).
    const fits = MAX_U96 / 3n - PRICE;
    await f.networkHelpers.setBalance(f.requester.account.address, 4n * fits);
    await m.write.topUpJob([jobId, fits], { value: 3n * fits });
    assert.equal((await f.market.read.job([jobId])).pricePerNode, MAX_U96 / 3n);
    await assertConserved(f, [jobId]);
    await refusedUnchanged(
      f,
      jobId,
      () => m.write.topUpJob([999n, 1n], { value: 3n }),
      "JobMarketUnknownJob",
      [999n],
    );
    for (const n of f.nodes) await steps.report(n, jobId, "good");
    await refusedUnchanged(
      f,
      jobId,
      () => m.write.topUpJob([jobId, 1n], { value: 3n }),
      "JobMarketJobNotOpen",
      [jobId, 2],
    );
    const cancelled = await f.post(f.request(pool), 3n);
    await m.write.cancel([cancelled]);
    await refusedUnchanged(
      f,
      cancelled,
      () => m.write.topUpJob([cancelled, 1n], { value: 3n }),
      "JobMarketJobNotOpen",
      [cancelled, 3],
    );
    await assertConserved(f, [jobId, cancelled]);
  });

  it("refuses after the reveal deadline and once the outcome is decided; paused refuses, unpaused accepts", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    // Decided but not settled: past the commit deadline, every taken slot reported.
    const decided = await f.post(f.request(pool), 3n);
    await steps.report(f.node(0), decided, "good");
    const d = await f.market.read.job([decided]);
    await f.networkHelpers.time.increaseTo(d.commitDeadline + 1);
    await refusedUnchanged(
      f,
      decided,
      () => m.write.topUpJob([decided, 1n], { value: 3n }),
      "JobMarketAlreadyDecided",
      [decided],
    );
    // Nobody came before the commit deadline: expiry is decided too.
    const empty = await f.post(f.request(pool), 3n);
    await f.networkHelpers.time.increaseTo((await f.market.read.job([empty])).commitDeadline + 1);
    await refusedUnchanged(
      f,
      empty,
      () => m.write.topUpJob([empty, 1n], { value: 3n }),
      "JobMarketAlreadyDecided",
      [empty],
    );
    // A slot taken but unanswered: open for top-ups until the reveal deadline, not after.
    const late = await f.post(f.request(pool), 3n);
    await (await steps.asNode(f.node(1))).write.takeSlot([late, f.node(1).id]);
    const l = await f.market.read.job([late]);
    await f.networkHelpers.time.increaseTo(l.commitDeadline + 1);
    await m.write.topUpJob([late, 1n], { value: 3n }); // after the commit deadline, a reveal is still awaited
    await f.networkHelpers.time.increaseTo(l.revealDeadline + 1);
    await refusedUnchanged(
      f,
      late,
      () => m.write.topUpJob([late, 1n], { value: 3n }),
      "JobMarketRevealClosed",
      [late, l.revealDeadline],
    );
    // Paused: no new escrow comes in (posts or top-ups).
    const open = await f.post(f.request(pool), 3n);
    await f.market.write.pause();
    await refusedUnchanged(f, open, () => m.write.topUpJob([open, 1n], { value: 3n }), "EnforcedPause", []);
    await f.market.write.unpause();
    await m.write.topUpJob([open, 1n], { value: 3n });
    assert.equal((await f.market.read.job([open])).pricePerNode, PRICE + 1n);
    await assertConserved(f, [decided, empty, late, open]);
  });

  it("refunds include the top-up: cancel, expiry, and a timeout with a slashed no-show", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    const add = PRICE / 4n;
    const refunded = async (call: Promise<Hex>, jobId: bigint, amount: bigint) =>
      await f.viem.assertions.emitWithArgs(call, f.market, "JobRefunded", [
        jobId,
        f.requester.account.address,
        ETH,
        amount,
      ]);

    const cancelled = await f.post(f.request(pool), 3n);
    await m.write.topUpJob([cancelled, add], { value: 3n * add });
    await refunded(m.write.cancel([cancelled]), cancelled, 3n * (PRICE + add));

    const expired = await f.post(f.request(pool), 3n);
    await m.write.topUpJob([expired, add], { value: 3n * add });
    await f.networkHelpers.time.increaseTo((await f.market.read.job([expired])).commitDeadline + 1);
    await refunded((await f.asWallet(f.other)).write.settle([expired]), expired, 3n * (PRICE + add));

    // One node takes a slot and never reports: after the reveal deadline the whole raised escrow
    // goes back, and the no-show's collateral (standard level) to the requester too.
    const timedOut = await f.post(f.request(pool), 3n);
    const steps = nodeSteps(f);
    await (await steps.asNode(f.node(0))).write.takeSlot([timedOut, f.node(0).id]);
    await m.write.topUpJob([timedOut, add], { value: 3n * add });
    await f.networkHelpers.time.increaseTo((await f.market.read.job([timedOut])).revealDeadline + 1);
    const before = await f.market.read.balanceOf([f.requester.account.address, ETH]);
    await refunded((await f.asWallet(f.other)).write.settle([timedOut]), timedOut, 3n * (PRICE + add));
    assert.equal(
      await f.market.read.balanceOf([f.requester.account.address, ETH]),
      before + 3n * (PRICE + add) + COLLATERAL,
    );
    await assertConserved(f, [cancelled, expired, timedOut]);
  });

  it("strict level: a top-up between commit and reveal pays every revealed invoice-0 winner the new price", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const rs = f.nodes.map(() => f.revealOf("good"));
    for (let i = 0; i < 3; i++) await steps.commit(f.node(i), jobId, rs[i]!);
    await steps.reveal(f.node(0), jobId, 0, rs[0]!);
    const m = await f.asWallet(f.requester);
    await m.write.topUpJob([jobId, PRICE], { value: 3n * PRICE });
    await steps.reveal(f.node(1), jobId, 1, rs[1]!);
    await steps.reveal(f.node(2), jobId, 2, rs[2]!); // the last reveal settles (settleDecided path)
    assert.equal((await f.market.read.job([jobId])).status, 2);
    for (const n of f.nodes) {
      const [, held] = await f.market.read.balanceDetails([n.owner.account.address, ETH]);
      assert.equal(held, net(2n * PRICE));
    }
    await assertConserved(f, [jobId]);
  });

  it("ERC-20: pulls exactly n × add in the job's token, refuses ETH with it, and a fee-on-transfer shortfall", async () => {
    const f = await fresh(3);
    const steps = nodeSteps(f);
    const price = 1_000_000n;
    const { token, fot } = await f.requesterTokens(100n * price);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const m = await f.asWallet(f.requester);
    await m.write.postJob([f.request(pool, { token: token.address, pricePerNode: price })]);
    const jobId = await f.market.read.lastJobId();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.topUpJob([jobId, 10n], { value: 1n }),
      f.market,
      "JobMarketWrongValue",
      [0n, 1n],
    );
    const add = price / 2n;
    await m.write.topUpJob([jobId, add]);
    assert.equal(await token.read.balanceOf([f.market.address]), 3n * (price + add));
    assert.equal(
      await token.read.balanceOf([f.requester.account.address]),
      100n * price - 3n * (price + add),
    );
    await assertConserved(f, [jobId], token.address);
    for (const n of f.nodes) await steps.report(n, jobId, "good");
    const [, held] = await f.market.read.balanceDetails([f.node(0).owner.account.address, token.address]);
    assert.equal(held, net(price + add));
    await assertConserved(f, [jobId], token.address);

    // A token that starts charging a transfer fee after the post: its top-up is refused whole.
    await fot.write.setFeeOn([false]);
    await m.write.postJob([f.request(pool, { token: fot.address, pricePerNode: price })]);
    const fotJob = await f.market.read.lastJobId();
    await fot.write.setFeeOn([true]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.topUpJob([fotJob, add]),
      f.market,
      "JobMarketTokenShortfall",
      [fot.address, 3n * add, 3n * add - (3n * add) / 100n],
    );
    assert.equal((await f.market.read.job([fotJob])).pricePerNode, price);
    assert.equal(await fot.read.balanceOf([f.market.address]), 3n * price);
    // A delisted token takes no new escrow; its open job keeps what it has.
    await f.market.write.setTokenAllowed([fot.address, false]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.write.topUpJob([fotJob, add]),
      f.market,
      "JobMarketTokenNotAllowed",
      [fot.address],
    );
    await m.write.cancel([fotJob]);
    assert.equal(await f.market.read.balanceOf([f.requester.account.address, fot.address]), 3n * price);
  });

  it("a token re-entering topUpJob during its own pull is stopped by the guard", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const bad = await f.viem.deployContract("ReentrantToken", []);
    await f.market.write.setTokenAllowed([bad.address, true]);
    // The token is its own requester, so only the reentrancy guard can stop its nested call.
    await bad.write.mint([bad.address, 10n ** 18n]);
    await bad.write.execute([
      bad.address,
      encodeFunctionData({ abi: bad.abi, functionName: "approve", args: [f.market.address, 10n ** 18n] }),
    ]);
    await bad.write.execute([
      f.market.address,
      encodeFunctionData({
        abi: f.market.abi,
        functionName: "postJob",
        args: [f.request(pool, { token: bad.address, pricePerNode: 1000n })],
      }),
    ]);
    const jobId = await f.market.read.lastJobId();
    const topUp = (add: bigint) =>
      encodeFunctionData({ abi: f.market.abi, functionName: "topUpJob", args: [jobId, add] });
    await bad.write.arm([f.market.address, topUp(7n)]);
    await bad.write.execute([f.market.address, topUp(100n)]);
    assert.equal(await bad.read.attacked(), true);
    assert.equal(await bad.read.attackSucceeded(), false);
    assert.equal((await bad.read.attackReturn()).slice(0, 10), "0x3ee5aeb5"); // ReentrancyGuardReentrantCall()
    assert.equal((await f.market.read.job([jobId])).pricePerNode, 1100n);
    assert.equal(await bad.read.balanceOf([f.market.address]), 3n * 1100n);
  });

  it("the extension refuses a direct payable topUpJob, so no ETH can be stranded in it", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const extension = await f.viem.getContractAt("JobMarketExtension", await f.market.read.extension());
    await f.viem.assertions.revertWithCustomError(
      extension.write.topUpJob([jobId, 1n], { value: 3n, account: f.requester.account }),
      extension,
      "JobMarketDirectCall",
    );
  });
});
