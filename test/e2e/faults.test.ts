/**
 * Worker fault scenarios with real worker processes against `hardhat node` (test/FAULTS.md):
 * a worker killed mid-job (gone for good, and restarted from its state dir), a worker that
 * never reveals, a byzantine worker in 2-of-3, and the RPC endpoint dropping for seconds.
 * After each: the job ends settled; every credit is what the settlement rules give
 * (test/e2e/accounting.ts, recomputed from the reveals); the requester, the treasury and each
 * serving owner hold exactly that (the owners' workers withdraw it); the market's and the
 * registry's real ETH move by exactly the escrow and the slashed collateral; bonds lose exactly
 * what was slashed and nothing stays locked; and the surviving workers then complete another
 * job in the same pool, checked the same way. Deadlines are passed with evm_increaseTime, not
 * sleeps.
 */
import { expect } from "chai";
import { createServer, connect, type Server, type Socket } from "node:net";
import { type Hex } from "viem";
import { outputDigest } from "../../client/job/output.ts";
import { BOND, COLLATERAL, ETH, L, PRICE, S, type TestNode } from "../market/fixture.ts";
import {
  allWithdrawn,
  expectCredits,
  expectedCredits,
  owed,
  revealsOf,
  withdrawnSince,
} from "./accounting.ts";
import { freePort, inlineSpecFields, jsSpec, setupE2E, stopProcess, until, type E2E } from "./harness.ts";

const WINDOW = 600;
const N = 3n;

describe("e2e: worker faults", function () {
  this.timeout(300_000);
  let e: E2E;

  /** The RPC-outage scenario's proxy, stopped after the test whatever happened. */
  let proxy: Proxy | undefined;

  before(async () => {
    e = await setupE2E(6);
  });
  // A failed scenario leaves its workers running: stop them, or they would serve the next
  // scenario's jobs under the same node ids (and a listening proxy would keep mocha alive).
  afterEach(async () => {
    await Promise.all(e.workers.map((w) => stopProcess(w.child, "SIGKILL")));
    await proxy?.stop();
    proxy = undefined;
  });
  after(async () => {
    await e?.close();
  });

  type Ev = {
    args: { consensus?: boolean; nodeId?: bigint; amount?: bigint; account?: Hex; agreeing?: number };
  };
  async function events(
    name: "JobSettled" | "Slashed" | "ConsensusReached" | "PaymentCredited",
    jobId: bigint,
  ): Promise<Ev[]> {
    const m = e.market;
    return (await m.publicClient.getContractEvents({
      address: m.market.address,
      abi: m.market.abi,
      eventName: name,
      args: { jobId },
      fromBlock: 0n,
    })) as Ev[];
  }

  async function settledOf(jobId: bigint) {
    return await until(`job ${jobId} settled`, async () => (await events("JobSettled", jobId))[0], 60_000);
  }

  async function post(poolId: bigint, expr: string): Promise<bigint> {
    const m = e.market;
    return await m.post(
      m.request(poolId, { ...inlineSpecFields(jsSpec(expr)), commitWindow: WINDOW, revealWindow: WINDOW }),
      3n,
    );
  }

  async function passRevealDeadline(jobId: bigint): Promise<void> {
    const j = await e.market.market.read.job([jobId]);
    const now = await e.market.networkHelpers.time.latest();
    await e.market.networkHelpers.time.increase(Number(j.revealDeadline) - now + 1);
  }

  async function passCommitDeadline(jobId: bigint): Promise<void> {
    const j = await e.market.market.read.job([jobId]);
    const now = await e.market.networkHelpers.time.latest();
    await e.market.networkHelpers.time.increase(Number(j.commitDeadline) - now + 1);
  }

  async function bond(n: TestNode) {
    return await e.market.registry.read.bondInfo([n.id]);
  }

  async function committed(jobId: bigint, count: number) {
    await until(`${count} commits on job ${jobId}`, async () => {
      const j = await e.market.market.read.job([jobId]);
      return j.taken >= count;
    });
  }

  const digestOf = (text: string) => outputDigest(new TextEncoder().encode(text));

  /** What the accounts hold before a job: taken once every market balance of `pool`'s owners is 0. */
  type Before = {
    block: bigint;
    requester: bigint;
    treasury: bigint;
    marketEth: bigint;
    registryEth: bigint;
    bonds: Map<bigint, bigint>;
  };
  async function accountsBefore(pool: TestNode[]): Promise<Before> {
    const m = e.market;
    // The owners' workers have withdrawn everything earlier jobs credited, so every Withdrawn
    // event from here on pays for the jobs that follow.
    await allWithdrawn(
      m,
      pool.map((n) => n.owner.account.address),
    );
    const bonds = new Map<bigint, bigint>();
    for (const n of pool) bonds.set(n.id, (await bond(n)).bond);
    return {
      // The next block: the last withdrawal may be in the current one (getLogs' fromBlock is inclusive).
      block: (await m.publicClient.getBlockNumber()) + 1n,
      requester: await m.market.read.balanceOf([m.requester.account.address, ETH]),
      treasury: await m.market.read.balanceOf([m.treasury.account.address, ETH]),
      marketEth: await m.publicClient.getBalance({ address: m.market.address }),
      registryEth: await m.publicClient.getBalance({ address: m.registry.address }),
      bonds,
    };
  }

  /**
   * Checks a settled job's money against the protocol: the credits the settlement rules give for
   * its reveals (`silent`: nodes that took a slot and never revealed), the requester's and the
   * treasury's market balances (they never withdraw here), each `serving` owner's withdrawals
   * (its worker pulls every credit), the real ETH of the market and the registry, and every
   * pool node's bond (less exactly the collateral of each slashed node, nothing locked).
   */
  async function expectAccounts(
    jobId: bigint,
    text: string,
    b: Before,
    pool: TestNode[],
    serving: TestNode[],
    silent: bigint[] = [],
  ) {
    const m = e.market;
    const reveals = await revealsOf(m, jobId);
    const expected = expectedCredits(m, { n: N, winner: digestOf(text), reveals, silent });
    await expectCredits(m, jobId, expected, N);
    const requester = m.requester.account.address;
    const treasury = m.treasury.account.address;
    expect(await m.market.read.balanceOf([requester, ETH])).to.equal(
      b.requester + owed(expected.ledger, requester),
    );
    expect(await m.market.read.balanceOf([treasury, ETH])).to.equal(
      b.treasury + owed(expected.ledger, treasury),
    );
    const owners = serving.map((n) => n.owner.account.address);
    await allWithdrawn(m, owners);
    for (const o of owners) expect(await withdrawnSince(m, [o], b.block)).to.equal(owed(expected.ledger, o));
    const everyone = [...m.nodes.map((n) => n.owner.account.address), requester, treasury];
    const withdrawn = await withdrawnSince(m, everyone, b.block);
    const slashed = BigInt(expected.slashed.length) * COLLATERAL;
    expect(await m.publicClient.getBalance({ address: m.market.address })).to.equal(
      b.marketEth + N * PRICE + slashed - withdrawn,
    );
    expect(await m.publicClient.getBalance({ address: m.registry.address })).to.equal(
      b.registryEth - slashed,
    );
    for (const n of pool) {
      const bi = await bond(n);
      expect(bi.bond).to.equal(b.bonds.get(n.id)! - (expected.slashed.includes(n.id) ? COLLATERAL : 0n));
      expect(bi.locked).to.equal(0n);
    }
    return expected;
  }

  /** The survivors keep serving: a new job in `poolId` that `serving` alone complete, checked as above. */
  async function followUp(poolId: bigint, pool: TestNode[], serving: TestNode[], expr: string, text: string) {
    const b = await accountsBefore(pool);
    const next = await post(poolId, expr);
    if (serving.length < pool.length) {
      // Only the survivors' slots will ever be taken: pass the commit deadline so reveals open;
      // the last reveal then settles the job.
      await committed(next, serving.length);
      await passCommitDeadline(next);
    }
    expect((await settledOf(next)).args.consensus).to.equal(true);
    const reveals = await revealsOf(e.market, next);
    expect(reveals.map((r) => r.nodeId).sort()).to.deep.equal(serving.map((n) => n.id).sort());
    const expected = await expectAccounts(next, text, b, pool, serving);
    expect(expected.slashed).to.deep.equal([]);
  }

  it("a worker killed after committing loses its collateral, the job still settles and the others are paid", async () => {
    const m = e.market;
    const pool = m.nodes.slice(0, 3) as [TestNode, TestNode, TestNode];
    const [a, b, c] = pool;
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, pool);
    const b0 = await accountsBefore(pool);
    // c alone first: it commits, and reveals cannot open (job not full, deadline far).
    const wc = e.startWorker(2);
    await wc.waitFor(/worker ready/);
    const jobId = await post(poolId, "'killed'");
    await wc.waitFor(/"msg":"committed"/);
    await stopProcess(wc.child, "SIGKILL");
    const wa = e.startWorker(0);
    const wb = e.startWorker(1);
    await committed(jobId, 3);
    await until("two reveals", async () => (await m.market.read.job([jobId])).revealed >= 2);
    // Not settleable until the reveal deadline (c's slot is still out): pass it, the workers settle.
    await passRevealDeadline(jobId);
    const settled = await settledOf(jobId);
    expect(settled.args.consensus).to.equal(true);
    const expected = await expectAccounts(jobId, "killed\n", b0, pool, [a, b], [c.id]);
    expect(expected.slashed).to.deep.equal([c.id]);
    expect((await bond(c)).bond).to.equal(BOND - COLLATERAL);
    // The survivors keep serving: a new job in the same pool is done by the two of them.
    await followUp(poolId, pool, [a, b], "'after'", "after\n");
    await stopProcess(wa.child);
    await stopProcess(wb.child);
  });

  it("a worker killed mid-job and restarted from its state dir reveals and is paid", async () => {
    const m = e.market;
    const pool = m.nodes.slice(3, 6) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, pool);
    const b0 = await accountsBefore(pool);
    const first = e.startWorker(5);
    await first.waitFor(/worker ready/);
    const jobId = await post(poolId, "'restart'");
    await first.waitFor(/"msg":"committed"/);
    await stopProcess(first.child, "SIGKILL");
    const others = [e.startWorker(3), e.startWorker(4)];
    await committed(jobId, 3);
    // The same state dir: the salt was persisted before the commit, so it can still reveal.
    const again = e.startWorker(5);
    const settled = await settledOf(jobId);
    expect(settled.args.consensus).to.equal(true);
    await again.waitFor(/"msg":"revealed"/);
    const reveals = await revealsOf(m, jobId);
    expect(reveals.map((r) => r.nodeId).sort()).to.deep.equal(pool.map((n) => n.id).sort());
    // Nobody slashed; all three owners (the restarted node's too) credited and withdrawn.
    const expected = await expectAccounts(jobId, "restart\n", b0, pool, pool);
    expect(expected.slashed).to.deep.equal([]);
    for (const n of pool) expect(owed(expected.ledger, n.owner.account.address) > 0n).to.equal(true);
    // All three keep serving, the restarted worker included: the next job fills and settles at once.
    await followUp(poolId, pool, pool, "'after restart'", "after restart\n");
    for (const w of [...others, again]) await stopProcess(w.child);
  });

  it("a worker that never reveals is slashed; the two honest reveals decide the job", async () => {
    const m = e.market;
    const pool = m.nodes.slice(0, 3) as [TestNode, TestNode, TestNode];
    const [a, b, c] = pool;
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, pool);
    const b0 = await accountsBefore(pool);
    const ws = [e.startWorker(0), e.startWorker(1), e.startWorker(2, ["--never-reveal"])];
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/)));
    const jobId = await post(poolId, "'silent'");
    await committed(jobId, 3);
    await until("two reveals", async () => (await m.market.read.job([jobId])).revealed >= 2);
    await passRevealDeadline(jobId);
    expect((await settledOf(jobId)).args.consensus).to.equal(true);
    const expected = await expectAccounts(jobId, "silent\n", b0, pool, [a, b], [c.id]);
    expect(expected.slashed).to.deep.equal([c.id]);
    // The silent worker is stopped; the honest two keep serving.
    await stopProcess(ws[2]!.child);
    await followUp(poolId, pool, [a, b], "'after silence'", "after silence\n");
    for (const w of ws.slice(0, 2)) await stopProcess(w.child);
  });

  it("a byzantine worker (corrupted digest) in 2-of-3 is outvoted and slashed at once", async () => {
    const m = e.market;
    const pool = m.nodes.slice(3, 6) as [TestNode, TestNode, TestNode];
    const [honest1, honest2, liar] = pool;
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, pool);
    const b0 = await accountsBefore(pool);
    const ws = [e.startWorker(3), e.startWorker(4), e.startWorker(5, ["--dishonest-digest"])];
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/)));
    const jobId = await post(poolId, "'byzantine'");
    const settled = await settledOf(jobId); // all three revealed: settles without waiting
    expect(settled.args.consensus).to.equal(true);
    const reached = await events("ConsensusReached", jobId);
    expect(reached[0]!.args.agreeing).to.equal(2);
    const expected = await expectAccounts(jobId, "byzantine\n", b0, pool, [honest1, honest2]);
    expect(expected.slashed).to.deep.equal([liar.id]);
    // The liar's worker is stopped; the honest two keep serving.
    await stopProcess(ws[2]!.child);
    await followUp(poolId, pool, [honest1, honest2], "'after byzantine'", "after byzantine\n");
    for (const w of ws.slice(0, 2)) await stopProcess(w.child);
  });

  it("the RPC endpoint drops for a few seconds; workers back off, recover and finish the job", async () => {
    const m = e.market;
    const pool = m.nodes.slice(0, 3) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, pool);
    const target = Number(new URL(e.rpcUrl).port);
    const port = await freePort();
    const px = new Proxy(port, target);
    proxy = px;
    await px.start();
    const url = `http://127.0.0.1:${port}`;
    const ws = [0, 1, 2].map((i) => e.startWorker(i, [], url));
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/)));
    const b0 = await accountsBefore(pool);
    await px.stop();
    const jobId = await post(poolId, "'outage'"); // posted while the workers cannot see the chain
    await Promise.all(ws.map((w) => w.waitFor(/backing off|tick failed/, 20_000)));
    await new Promise((r) => setTimeout(r, 3_000)); // the outage itself: real seconds by design
    await px.start();
    const settled = await settledOf(jobId);
    expect(settled.args.consensus).to.equal(true);
    // No slash; every owner credited by the rules and its worker withdrew it after the outage.
    const expected = await expectAccounts(jobId, "outage\n", b0, pool, pool);
    expect(expected.slashed).to.deep.equal([]);
    // All three keep serving through the proxy once it is back.
    await followUp(poolId, pool, pool, "'after outage'", "after outage\n");
    for (const w of ws) await stopProcess(w.child);
    await px.stop();
  });
});

/** A TCP proxy that can be stopped (refusing and cutting connections) and started again. */
class Proxy {
  readonly #port: number;
  readonly #target: number;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  constructor(port: number, target: number) {
    this.#port = port;
    this.#target = target;
  }
  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.#target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.#port, "127.0.0.1", () => r()));
    this.#server = server;
  }
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    for (const sock of this.#sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
