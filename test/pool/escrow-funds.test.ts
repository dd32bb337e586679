/**
 * Pool.escrowFunds on Hardhat's chain: a top-up of an ETH job spreads the amount over its n
 * nodes (floor per node, never more than asked, the remainder reported), the settlement pays the
 * raised price; an ERC-20 job is approved and pulled in the token's own decimals; bad amounts,
 * bad ids, other pools' jobs, finished jobs and another wallet's job are refused with typed
 * errors and nothing sent.
 */
import { expect } from "chai";
import { getAddress, parseEther, zeroAddress } from "viem";

import {
  InvalidAmountError,
  JobMarketError,
  ValidationError,
  type SandrunError,
} from "../../client/errors.ts";
import { JobBuilder, type Job } from "../../client/job/JobBuilder.ts";
import { Pool } from "../../client/pool/Pool.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import { deploySandrun, type SeededNode } from "./fixture.ts";

const DIGEST = `0x${"ab".repeat(32)}` as const;

describe("Pool.escrowFunds on Hardhat's chain", function () {
  this.timeout(120_000);
  let f: Awaited<ReturnType<typeof deploySandrun>>;
  let seeded: SeededNode[];
  let pool: Pool;
  let job: Job;

  before(async () => {
    f = await deploySandrun();
    seeded = await f.seed([{}, {}, {}]);
    pool = await new PoolBuilder(f.context).discover({ minNodes: 3, maxNodes: 3 }).consensus("2-of-3").join();
    job = await new JobBuilder().code("console.log(1)").timeout("10s").payment("0.01").build();
  });
  after(() => pool?.close());

  const marketEth = () => f.publicClient.getBalance({ address: f.addresses.jobMarket });
  const requesterNonce = () => f.publicClient.getTransactionCount({ address: f.requester.account.address });

  /** Expects `run` to throw an instance of `type` (a SandrunError) and to send no transaction. */
  async function refused(
    run: () => Promise<unknown>,
    type: new (...a: never[]) => SandrunError,
    match?: RegExp,
  ) {
    const nonce = await requesterNonce();
    const eth = await marketEth();
    const error = await run().then(
      () => expect.fail("expected a refusal"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(type);
    if (match)
      expect((error as Error).message + JSON.stringify((error as ValidationError).issues ?? [])).to.match(
        match,
      );
    expect(await requesterNonce()).to.equal(nonce);
    expect(await marketEth()).to.equal(eth);
    return error;
  }

  it("adds floor(amount / n) per node, never sends more than asked, and settlement pays the raised price", async () => {
    const [execution] = await pool.distribute(job);
    const jobId = execution!.id;
    const before = await marketEth();
    const tx = await pool.escrowFunds("0.03", jobId);
    expect(tx).to.deep.include({
      jobId,
      amount: "0.03",
      requested: "0.03",
      remainder: "0",
      addedPerNode: "0.01",
      pricePerNode: "0.02",
      token: "ETH",
    });
    expect(Object.isFrozen(tx)).to.equal(true);
    expect(await marketEth()).to.equal(before + parseEther("0.03"));
    const receipt = await f.publicClient.getTransactionReceipt({ hash: tx.txHash });
    expect(receipt.status).to.equal("success");

    // 10 wei over 3 nodes: 3 wei each, 9 sent, 1 kept back and reported.
    const odd = await pool.escrowFunds("0.00000000000000001", jobId);
    expect(odd).to.deep.include({
      amount: "0.000000000000000009",
      requested: "0.00000000000000001",
      remainder: "0.000000000000000001",
      addedPerNode: "0.000000000000000003",
      pricePerNode: "0.020000000000000003",
    });
    expect(await marketEth()).to.equal(before + parseEther("0.03") + 9n);
    // The pool's metrics count the top-ups as escrow (the pool's only job so far: 3 × 0.01 posted).
    const metrics = await pool.getMetrics();
    expect(metrics.escrowed[zeroAddress]).to.equal(parseEther("0.03") + parseEther("0.03") + 9n);
    const price = parseEther("0.02") + 3n;
    expect((await f.market.read.job([BigInt(jobId)])).pricePerNode).to.equal(price);

    for (const node of seeded) await f.report(node, jobId, DIGEST, "ipfs://out");
    const paid = await pool.distributePayments(jobId);
    expect(paid.consensus).to.equal(true);
    expect(paid.refunded).to.equal(0n);
    const [feeBps] = await f.market.read.params();
    const fee = (price * BigInt(feeBps)) / 10_000n;
    const payouts = paid.payments.filter((p) =>
      seeded.some((s) => s.owner.account.address.toLowerCase() === p.account.toLowerCase()),
    );
    expect(payouts.map((p) => p.amount)).to.deep.equal([price - fee, price - fee, price - fee]);
    expect(paid.fee).to.equal(3n * fee);

    // A settled job takes nothing more.
    await refused(() => pool.escrowFunds("0.03", jobId), ValidationError, /settled/);
  });

  it("refuses bad amounts, bad ids, other pools' jobs and another wallet's job, sending nothing", async () => {
    const [execution] = await pool.distribute(job);
    const jobId = execution!.id;
    const price = (await f.market.read.job([BigInt(jobId)])).pricePerNode;
    await refused(
      () => pool.escrowFunds("0.000000000000000002", jobId),
      InvalidAmountError,
      /adds nothing per node/,
    );
    await refused(() => pool.escrowFunds("0", jobId), InvalidAmountError);
    for (const bad of ["-1", "1e18", "abc", "", "0.0000000000000000001"]) {
      await refused(() => pool.escrowFunds(bad, jobId), InvalidAmountError);
    }
    await refused(() => pool.escrowFunds(0.1 as never, jobId), InvalidAmountError);
    await refused(
      () => pool.escrowFunds("79228162514.264337593543950335", jobId),
      InvalidAmountError,
      /2\^96/,
    );
    await refused(() => pool.escrowFunds("0.03", "x"), ValidationError, /not a job id/);
    await refused(() => pool.escrowFunds("0.03", "0"), ValidationError, /not a job id/);
    await refused(() => pool.escrowFunds("0.03", "999"), ValidationError, /does not exist/);
    const other = await new PoolBuilder(f.context)
      .discover({ minNodes: 3, maxNodes: 3 })
      .consensus("2-of-3")
      .join();
    try {
      await refused(
        () => other.escrowFunds("0.03", jobId),
        ValidationError,
        new RegExp(`belongs to pool ${pool.id}`),
      );
    } finally {
      other.close();
    }
    // Someone else's wallet: the market refuses it (simulated: nothing sent from that wallet either).
    const stranger = f.operators[0]!;
    const asStranger = await Pool.load(
      { ...f.context, client: { ...f.context.client, walletClient: stranger as never } },
      pool.id,
    );
    try {
      const nonce = await f.publicClient.getTransactionCount({ address: stranger.account.address });
      const e = await refused(() => asStranger.escrowFunds("0.03", jobId), JobMarketError);
      expect((e as JobMarketError).errorName).to.equal("JobMarketNotRequester");
      expect((e as JobMarketError).args).to.deep.equal([BigInt(jobId), getAddress(stranger.account.address)]);
      expect(await f.publicClient.getTransactionCount({ address: stranger.account.address })).to.equal(nonce);
    } finally {
      asStranger.close();
    }
    expect((await f.market.read.job([BigInt(jobId)])).pricePerNode).to.equal(price);
  });

  it("ERC-20 job: approves and pulls exactly n × floor(amount / n) in the token's own decimals", async () => {
    const token = await f.viem.deployContract("MockERC20", ["Mock USD", "mUSD", 6]);
    await f.market.write.setTokenAllowed([token.address, true]);
    const requester = { account: f.requester.account };
    await token.write.mint([f.requester.account.address, 10_000_000n]);
    const price = 1_000_000n;
    await token.write.approve([f.addresses.jobMarket, 3n * price], requester);
    await f.market.write.postJob(
      [
        {
          poolId: BigInt(pool.id),
          specHash: job.specHash,
          runtime: 1,
          strategy: 255,
          redundancy: 0,
          resources: 0n,
          token: token.address,
          pricePerNode: price,
          collateralPerNode: 0n,
          commitWindow: 3600,
          revealWindow: 3600,
          nodes: [],
          specURI: "ipfs://spec",
          inlineSpec: "0x",
          encryptionKey: "0x",
        },
      ],
      requester,
    );
    const jobId = (await f.market.read.lastJobId()).toString();
    // 1.000001 mUSD over 3 nodes: 333,333 base units each; 2 base units kept back.
    const tx = await pool.escrowFunds("1.000001", jobId);
    expect(tx).to.deep.include({
      amount: "0.999999",
      requested: "1.000001",
      remainder: "0.000002",
      addedPerNode: "0.333333",
      pricePerNode: "1.333333",
      token: "mUSD",
      tokenAddress: getAddress(token.address),
    });
    expect(await token.read.balanceOf([f.addresses.jobMarket])).to.equal(3n * price + 999_999n);
    expect(await token.read.balanceOf([f.requester.account.address])).to.equal(
      10_000_000n - 3n * price - 999_999n,
    );
    // More decimals than the token has cannot be represented: refused before anything is sent.
    await refused(() => pool.escrowFunds("0.0000001", jobId), InvalidAmountError, /6 decimal places/);
  });
});
