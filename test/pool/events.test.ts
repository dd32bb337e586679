/**
 * Pool.on/off for the seven PoolEvents, healthCheck, getMetrics and distributePayments, from a
 * real job history: three in-process workers run a job of the pool (2-of-3, payouts held for
 * the challenge window), the requester disputes it, a member joins and leaves, a second job is
 * cancelled. Events must arrive once each, in chain order, and match the
 * contract's logs; metrics and payments must match what the chain recorded.
 */
import { expect } from "chai";
import { zeroAddress, type Address } from "viem";

import { raiseDispute } from "../../client/actions/market/raiseDispute.ts";
import { ValidationError } from "../../client/errors.ts";
import { JobBuilder } from "../../client/job/JobBuilder.ts";
import type { Pool } from "../../client/pool/Pool.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import { POOL_EVENTS, type EventOrigin, type PoolEvent } from "../../client/pool/events.ts";
import { deployWithWorkers, type WorkerFixture } from "../job/workers.ts";

type Seen = { event: PoolEvent; data: EventOrigin & Record<string, unknown> };

describe("Pool events, health, metrics and payments from a real job history", function () {
  this.timeout(60_000);
  let f: WorkerFixture;
  let pool: Pool;

  before(async () => {
    f = await deployWithWorkers({ count: 4, challengeWindow: 3600 });
  });
  after(async () => {
    pool?.close();
    await f?.close();
  });

  async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("delivers all seven events once each, in chain order; off() stops a handler; health, metrics and payments match the chain", async () => {
    const [n1, n2, n3, n4] = f.nodes.map((n) => n.nodeId) as [bigint, bigint, bigint, bigint];
    pool = await new PoolBuilder(f.context)
      .nodes([n1, n2, n3])
      .discover({ minNodes: 3, maxNodes: 3 })
      .consensus("2-of-3")
      .join();
    const seen: Seen[] = [];
    for (const event of POOL_EVENTS)
      pool.on(event, (data) => void seen.push({ event, data: data as Seen["data"] }));
    // A handler removed with off() hears nothing; one on another event only its own.
    const removed: unknown[] = [];
    const dropped = (e: unknown) => void removed.push(e);
    pool.on("job-completed", dropped);
    pool.off("job-completed", dropped);
    const onlyJoins: string[] = [];
    pool.on("node-joined", (e) => void onlyJoins.push(e.nodeId));
    expect(() => pool.on("node-exploded" as never, () => {})).to.throw(ValidationError);

    // Market balances before, to check distributePayments against.
    const accounts: Address[] = [
      f.requester.account.address,
      ...f.operators.slice(0, 4).map((o) => o.account.address),
      f.admin.account.address, // the treasury
    ];
    const balances = () =>
      Promise.all(
        accounts.map(async (a) => {
          const [available, held] = await f.market.read.balanceDetails([a, zeroAddress]);
          return available + held;
        }),
      );
    const before = await balances();

    await pool.addNode(n4);
    await f.startAll();
    const execution = await new JobBuilder()
      .code("console.log('ok')")
      .timeout("5s")
      .payment("0.01")
      .with(pool)
      .submit();
    const result = await execution.wait({ timeoutMs: 30_000 });
    expect(result.consensus).to.equal(true);

    // distributePayments: every credit of the settlement, equal to the balance changes.
    const payments = await pool.distributePayments(result);
    expect(payments.consensus).to.equal(true);
    expect(payments.refunded).to.equal(result.refunded);
    const after = await balances();
    const credited = new Map<string, bigint>();
    for (const p of payments.payments)
      credited.set(p.account.toLowerCase(), (credited.get(p.account.toLowerCase()) ?? 0n) + p.amount);
    accounts.forEach((a, i) =>
      expect(after[i]! - before[i]!, a).to.equal(credited.get(a.toLowerCase()) ?? 0n),
    );
    const escrow = 10n ** 16n * 3n;
    expect([...credited.values()].reduce((x, y) => x + y, 0n)).to.equal(escrow);
    expect(payments.payments.filter((p) => p.heldUntil > 0).length).to.be.greaterThan(0);
    // Settled already: asking again sends nothing and returns the same credits.
    const block = await f.publicClient.getBlockNumber();
    expect((await pool.distributePayments(execution.id)).payments).to.deep.equal(payments.payments);
    expect(await f.publicClient.getBlockNumber()).to.equal(block);

    await raiseDispute(f.context.client, {
      jobMarket: f.context.jobMarket,
      jobId: BigInt(execution.id),
      evidenceURI: "ipfs://why",
    });
    await pool.removeNode(n4);
    // A job cancelled before anyone took it.
    const cancelled = await new JobBuilder().code("1").payment("0.01").with(pool).submit();
    await cancelled.cancel();

    const chainLogs = async () => {
      const registry = await f.viem.getContractAt("PoolRegistry", f.context.poolRegistry);
      const joins = await registry.getEvents.NodeJoinedPool({ poolId: BigInt(pool.id) }, { fromBlock: 0n });
      const lefts = await registry.getEvents.NodeLeftPool({ poolId: BigInt(pool.id) }, { fromBlock: 0n });
      const events = await execution.events();
      return { joins, lefts, events };
    };
    const { joins, lefts, events } = await chainLogs();
    const credits = events.filter((e) => e.eventName === "PaymentCredited").length;
    const settledLog = events.find((e) => e.eventName === "JobSettled")!;
    const record = settledLog.args.record as { amounts: bigint[]; fee: bigint };
    const held = record.amounts.filter((a) => a > 0n).length + (record.fee > 0n ? 1 : 0);
    // Joins after the pool was loaded: only node 4 (the three founders joined before it existed).
    const expected = {
      "node-joined": joins.filter((l) => l.blockNumber > 0n && l.args.nodeId === n4).length,
      "node-left": lefts.length,
      "job-started": 1,
      "job-completed": 1,
      "consensus-achieved": 1,
      "dispute-raised": 1,
      "payment-distributed": credits + held,
    };
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    await until(`${total} events`, () => seen.length >= total);
    await pool.pollEvents();
    expect(await pool.pollEvents()).to.equal(0);

    const counts = Object.fromEntries(POOL_EVENTS.map((e) => [e, seen.filter((s) => s.event === e).length]));
    expect(counts).to.deep.equal(expected);
    expect(onlyJoins).to.deep.equal([n4.toString()]);
    expect(removed).to.deep.equal([]);
    // Once: no (transaction, log, event, payee) twice. In order: (block, log index) never decreases.
    const keys = seen.map(
      (s) => `${s.data.transactionHash}:${s.data.logIndex}:${s.event}:${String(s.data.account)}`,
    );
    expect(new Set(keys).size).to.equal(keys.length);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!.data, seen[i]!.data];
      expect(
        a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex <= b.logIndex),
      ).to.equal(true);
    }
    const order = seen.map((s) => s.event).filter((e) => e !== "payment-distributed");
    expect(order).to.deep.equal([
      "node-joined",
      "job-started",
      "consensus-achieved",
      "job-completed",
      "dispute-raised",
      "node-left",
    ]);
    // Payloads carry what the chain logged.
    const completed = seen.find((s) => s.event === "job-completed")!.data;
    expect([completed.jobId, completed.consensus, completed.refunded]).to.deep.equal([
      execution.id,
      true,
      settledLog.args.refunded,
    ]);
    const reached = seen.find((s) => s.event === "consensus-achieved")!.data;
    expect(reached.digest).to.equal(
      (events.find((e) => e.eventName === "ConsensusReached")!.args.digest as string).toLowerCase(),
    );
    const paidTotal = seen
      .filter((s) => s.event === "payment-distributed")
      .reduce((sum, s) => sum + (s.data.amount as bigint), 0n);
    // payment-distributed announces payouts and the fee; the requester's refund is JobRefunded.
    expect(paidTotal).to.equal(escrow - result.refunded);
    expect(String(seen.find((s) => s.event === "node-left")!.data)).to.equal(n4.toString());

    // Metrics from the pool's history: one job settled with consensus, one cancelled, one dispute.
    const metrics = await pool.getMetrics();
    expect(metrics.members).to.equal(3);
    expect(metrics.jobs).to.deep.equal({
      posted: 2,
      started: 1,
      settled: 1,
      consensusReached: 1,
      noConsensus: 0,
      cancelled: 1,
      expired: 0,
      open: 0,
      disputes: 1,
    });
    expect(metrics.consensusRate).to.equal(1);
    const postedBlock = await f.publicClient.getBlock({
      blockNumber: events.find((e) => e.eventName === "JobPosted")!.blockNumber,
    });
    const settledBlock = await f.publicClient.getBlock({ blockNumber: settledLog.blockNumber });
    expect(metrics.avgSettlementSeconds).to.equal(Number(settledBlock.timestamp - postedBlock.timestamp));
    expect(metrics.escrowed[zeroAddress]).to.equal(escrow * 2n);
    // Every wei escrowed was credited back out: payouts, fee and refunds of job 1, job 2's refund.
    expect(metrics.credited[zeroAddress]).to.equal(escrow * 2n);
    expect(metrics.slashed).to.deep.equal({});
    expect(metrics.resultsByNode).to.deep.equal(Object.fromEntries(result.results.map((r) => [r.nodeId, 1])));

    // Health: all three members active and recently seen, reliability from the settled job.
    const health = await pool.healthCheck();
    expect(health).to.deep.include({ status: "healthy", activeNodes: 3, consensusReliability: 1 });
    expect(health.failedNodes).to.deep.equal([]);
    expect(health.avgLatency).to.equal(10); // the declared latency: no status endpoints published
    // Three hours without heartbeats (epoch 1 h, limit 2 epochs): every member fails, with why.
    await f.networkHelpers.time.increase(3 * 3600);
    const stale = await pool.healthCheck();
    expect(stale.status).to.equal("critical");
    expect(stale.failedNodes.sort()).to.deep.equal([n1, n2, n3].map(String).sort());
    for (const id of stale.failedNodes) expect(stale.reasons[id]).to.match(/last heartbeat \d+s ago/);
  });
});
