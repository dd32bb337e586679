/**
 * Worker fault scenarios with real worker processes against `hardhat node` (test/FAULTS.md):
 * a worker killed mid-job (gone for good, and restarted from its state dir), a worker that
 * never reveals, a byzantine worker in 2-of-3, and the RPC endpoint dropping for seconds.
 * After each: the job ends settled, balances and bonds are what the protocol says, and the
 * surviving workers keep serving. Deadlines are passed with evm_increaseTime, not sleeps.
 */
import { expect } from "chai";
import { createServer, connect, type Server, type Socket } from "node:net";
import { zeroAddress, type Hex } from "viem";
import { BOND, COLLATERAL, L, S, type TestNode } from "../market/fixture.ts";
import { freePort, inlineSpecFields, jsSpec, setupE2E, stopProcess, until, type E2E } from "./harness.ts";

const WINDOW = 600;

describe("e2e: worker faults", function () {
  this.timeout(180_000);
  let e: E2E;

  before(async () => {
    e = await setupE2E(6);
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

  it("a worker killed after committing loses its collateral, the job still settles and the others are paid", async () => {
    const m = e.market;
    const [a, b, c] = m.nodes.slice(0, 3) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, [a, b, c]);
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
    const slashed = await events("Slashed", jobId);
    expect(slashed.map((s) => s.args.nodeId)).to.deep.equal([c.id]);
    expect(slashed[0]!.args.amount).to.equal(COLLATERAL);
    expect((await bond(c)).bond).to.equal(BOND - COLLATERAL);
    for (const n of [a, b]) expect((await bond(n)).locked).to.equal(0n);
    // The survivors keep serving: a new job in the same pool is done by the two of them.
    const next = await post(poolId, "'after'");
    await committed(next, 2);
    // Only two of three slots will ever be taken: pass the commit deadline so reveals open;
    // the second reveal then settles the job.
    await passCommitDeadline(next);
    expect((await settledOf(next)).args.consensus).to.equal(true);
    await stopProcess(wa.child);
    await stopProcess(wb.child);
  });

  it("a worker killed mid-job and restarted from its state dir reveals and is paid", async () => {
    const m = e.market;
    const nodes = m.nodes.slice(3, 6) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, nodes);
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
    expect(await events("Slashed", jobId)).to.have.length(0);
    const credited = await events("PaymentCredited", jobId);
    const paid = credited.map((p) => p.args.account!.toLowerCase());
    for (const n of nodes) expect(paid).to.include(n.owner.account.address.toLowerCase());
    await again.waitFor(/"msg":"revealed"/);
    for (const w of [...others, again]) await stopProcess(w.child);
  });

  it("a worker that never reveals is slashed; the two honest reveals decide the job", async () => {
    const m = e.market;
    const [a, b, c] = m.nodes.slice(0, 3) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, [a, b, c]);
    const bondBefore = (await bond(c)).bond;
    const ws = [e.startWorker(0), e.startWorker(1), e.startWorker(2, ["--never-reveal"])];
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/)));
    const jobId = await post(poolId, "'silent'");
    await committed(jobId, 3);
    await until("two reveals", async () => (await m.market.read.job([jobId])).revealed >= 2);
    await passRevealDeadline(jobId);
    expect((await settledOf(jobId)).args.consensus).to.equal(true);
    const slashed = await events("Slashed", jobId);
    expect(slashed.map((s) => s.args.nodeId)).to.deep.equal([c.id]);
    expect((await bond(c)).bond).to.equal(bondBefore - COLLATERAL);
    for (const w of ws) await stopProcess(w.child);
  });

  it("a byzantine worker (corrupted digest) in 2-of-3 is outvoted and slashed at once", async () => {
    const m = e.market;
    const nodes = m.nodes.slice(3, 6) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, nodes);
    const liar = nodes[2];
    const bondBefore = (await bond(liar)).bond;
    const ws = [e.startWorker(3), e.startWorker(4), e.startWorker(5, ["--dishonest-digest"])];
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/)));
    const jobId = await post(poolId, "'byzantine'");
    const settled = await settledOf(jobId); // all three revealed: settles without waiting
    expect(settled.args.consensus).to.equal(true);
    const reached = await events("ConsensusReached", jobId);
    expect(reached[0]!.args.agreeing).to.equal(2);
    const slashed = await events("Slashed", jobId);
    expect(slashed.map((s) => s.args.nodeId)).to.deep.equal([liar.id]);
    expect((await bond(liar)).bond).to.equal(bondBefore - COLLATERAL);
    for (const w of ws) await stopProcess(w.child);
  });

  it("the RPC endpoint drops for a few seconds; workers back off, recover and finish the job", async () => {
    const m = e.market;
    const nodes = m.nodes.slice(0, 3) as [TestNode, TestNode, TestNode];
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, nodes);
    const target = Number(new URL(e.rpcUrl).port);
    const port = await freePort();
    const proxy = new Proxy(port, target);
    await proxy.start();
    const url = `http://127.0.0.1:${port}`;
    const ws = [0, 1, 2].map((i) => e.startWorker(i, [], url));
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/)));
    await proxy.stop();
    const jobId = await post(poolId, "'outage'"); // posted while the workers cannot see the chain
    await Promise.all(ws.map((w) => w.waitFor(/backing off|tick failed/, 20_000)));
    await new Promise((r) => setTimeout(r, 3_000)); // the outage itself: real seconds by design
    await proxy.start();
    const settled = await settledOf(jobId);
    expect(settled.args.consensus).to.equal(true);
    expect(await events("Slashed", jobId)).to.have.length(0);
    for (const n of nodes) {
      expect((await bond(n)).locked).to.equal(0n);
      // Withdrawn by each worker once it was credited.
      const owner = n.owner.account.address;
      await until(
        "withdrawn",
        async () => (await m.market.read.balanceOf([owner, zeroAddress])) === 0n,
        20_000,
      );
    }
    for (const w of ws) await stopProcess(w.child);
    await proxy.stop();
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
