/**
 * The worker attached to Nodes made by `sandrun.node()…register()`, on Hardhat's in-process
 * chain: the design's `const myNode = await sandrun.node()…register(); await myNode.startListening()`
 * works as written. Three nodes listen in this process; a real JS job posted to their 2-of-3
 * strict pool is claimed (committed), run in the sandbox, revealed, settled with consensus, and
 * each node is paid and withdraws. Also: manual claimJob / executeJob / generateProof, the
 * receipt recovering to the node's signer, and stopListening draining.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { zeroAddress } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { outputDigest } from "../../client/job/output.ts";
import type { Node } from "../../client/node/node.ts";
import { recoverReceiptSigner } from "../../client/proofs/recover.ts";
import { createWorker, type WorkerExecution, type WorkerProof } from "../../client/worker/attach.ts";
import { NotSupportedError } from "../../client/errors.ts";
import { createSandrun as createCoreSandrun } from "../../client/sandrun.ts";
import { until } from "../e2e/harness.ts";
import { attachFixture, PRICE } from "./attach-fixture.ts";

describe("worker attached to Node (in-process chain)", function () {
  this.timeout(120_000);
  let stateRoot: string;

  before(() => {
    stateRoot = mkdtempSync(join(tmpdir(), "sandrun-attach-"));
  });
  after(() => rmSync(stateRoot, { recursive: true, force: true }));

  let current: Awaited<ReturnType<typeof attachFixture>> | undefined;
  const fixture = async () => (current = await attachFixture(stateRoot));
  afterEach(async () => {
    await current?.shutdownAll();
    current = undefined;
  });

  it("the core root without the worker refuses startListening with a typed error", async () => {
    const { publicClient, deployed, operators } = await fixture();
    const core = createCoreSandrun({ publicClient, walletClient: operators[0], deployment: deployed });
    const node = await core
      .node()
      .attach("1")
      .catch(() => undefined);
    // No node registered yet: attach fails; a Node made by register() has no worker either.
    expect(node).to.equal(undefined);
    const registered = await core
      .node()
      .capabilities({ cpu: { cores: 2, threads: 2, frequency: 1000 }, memory: { total: 1 } })
      .region("eu")
      .pricing({ cpu: { perCoreHour: "0.01" }, currency: "ETH" })
      .bondAmount("0.5", "ETH")
      .register();
    expect(() => registered.startListening()).to.throw(NotSupportedError);
  });

  it("register() then startListening(): three nodes commit, reveal, settle with consensus and withdraw; stopListening drains", async () => {
    const f = await fixture();
    const nodes = [await f.register(0), await f.register(1), await f.register(2)];
    const claimed: string[] = [];
    const completed: { jobId: string; consensus: boolean }[] = [];
    const started: string[] = [];
    for (const n of nodes) {
      n.on("job-claimed", (d) => void claimed.push(d.jobId));
      n.on("job-completed", (d) => void completed.push(d));
      n.on("job-started", (d) => void started.push(d.jobId));
    }
    const poolId = await f.pool(nodes);
    for (const n of nodes) await n.startListening();
    const balancesBefore = await Promise.all(
      f.operators.map((o) => f.publicClient.getBalance({ address: o.account.address })),
    );

    const jobId = await f.post(poolId, await f.job("6 * 7"));
    const settled = await until("JobSettled", async () => {
      const logs = await f.market.getEvents.JobSettled({ jobId }, { fromBlock: 0n });
      return logs[0];
    });
    expect(settled.args.consensus).to.equal(true);
    const reached = await f.market.getEvents.ConsensusReached({ jobId }, { fromBlock: 0n });
    expect(reached[0]!.args.agreeing).to.equal(3);
    expect(reached[0]!.args.digest!.toLowerCase()).to.equal(
      outputDigest(new TextEncoder().encode("42\n")).slice(0, 42),
    );
    // Each owner withdraws its pay (challenge window 0): the market owes them nothing after.
    await until("withdrawals", async () => {
      const bals = await Promise.all(
        f.operators.map((o) => f.market.read.balanceOf([o.account.address, zeroAddress])),
      );
      const logs = await f.market.getEvents.Withdrawn({}, { fromBlock: 0n });
      return logs.length >= 3 && bals.every((b) => b === 0n);
    });
    const withdrawn = await f.market.getEvents.Withdrawn({}, { fromBlock: 0n });
    for (const w of withdrawn) expect(w.args.amount! > 0n && w.args.amount! <= PRICE).to.equal(true);
    expect(withdrawn.map((w) => w.args.account!.toLowerCase()).sort()).to.deep.equal(
      f.operators.map((o) => o.account.address.toLowerCase()).sort(),
    );
    // Events surfaced on the Nodes (strict commits are reported by the worker).
    await until("job-completed on every node", async () => completed.length >= 3);
    expect(completed.every((c) => c.jobId === jobId.toString() && c.consensus)).to.equal(true);
    expect(claimed.filter((j) => j === jobId.toString())).to.have.length(3);
    expect(started.filter((j) => j === jobId.toString())).to.have.length(3);
    for (const n of nodes) await n.stopListening();
    // Stopped: a new job is left alone.
    const idle = await f.post(poolId, await f.job("1 + 1"));
    await new Promise((r) => setTimeout(r, 500));
    expect((await f.market.read.job([idle])).taken).to.equal(0);
    for (const n of nodes) await n.shutdown();
    void balancesBefore;
  });

  it("manual claimJob (strict: runs and commits), executeJob and generateProof; the daemon reveals what was claimed by hand", async () => {
    const f = await fixture();
    const key = generatePrivateKey();
    const nodes = [await f.register(0, key), await f.register(1), await f.register(2)];
    const [a] = nodes as [Node, Node, Node];
    const poolId = await f.pool(nodes);
    const spec = await f.job("'hand' + 'made'");
    const jobId = await f.post(poolId, spec);

    const execution = (await a.executeJob(jobId.toString())) as WorkerExecution;
    expect(execution.status).to.equal("completed");
    expect(execution.digest).to.equal(outputDigest(new TextEncoder().encode("handmade\n")));
    expect(execution.usage.wallMs).to.be.greaterThan(0);
    const proof = (await a.generateProof(execution)) as WorkerProof;
    expect(proof.kind).to.equal("receipt");
    // The receipt is signed by the node's signer key (identity(key)), not the owner wallet.
    expect(proof.signer.toLowerCase()).to.equal(a.signer.toLowerCase());
    expect(a.signer.toLowerCase()).to.not.equal(a.owner.toLowerCase());
    const recovered = await recoverReceiptSigner(
      { chainId: proof.chainId, market: proof.market },
      {
        jobId,
        specHash: proof.specHash,
        runtime: proof.runtime,
        digest: proof.digest,
        resultURI: proof.resultURI,
        usage: proof.usage,
      },
      proof.signature,
    );
    expect(recovered.toLowerCase()).to.equal(a.signer.toLowerCase());
    // A Job from JobBuilder runs locally too (no chain): same program, same digest.
    const local = (await a.executeJob(spec)) as WorkerExecution;
    expect(local.digest).to.equal(execution.digest);
    expect(local.jobId).to.equal(undefined);

    const claim = (await a.claimJob(jobId.toString())) as { step: string; slot: number };
    expect(claim.step).to.equal("committed");
    expect((await f.market.read.job([jobId])).taken).to.equal(1);
    // Idempotent: a second claim returns the same slot and sends nothing.
    expect(((await a.claimJob(jobId.toString())) as { slot: number }).slot).to.equal(claim.slot);
    expect((await f.market.read.job([jobId])).taken).to.equal(1);

    for (const n of nodes) await n.startListening();
    const settled = await until(
      "JobSettled",
      async () => (await f.market.getEvents.JobSettled({ jobId }, { fromBlock: 0n }))[0],
    );
    expect(settled.args.consensus).to.equal(true);
    const reached = await f.market.getEvents.ConsensusReached({ jobId }, { fromBlock: 0n });
    expect(reached[0]!.args.agreeing).to.equal(3);
    for (const n of nodes) await n.shutdown();
  });

  it("createWorker() attaches to a node the core root made (node.attachWorker); machine metrics feed getUtilization and resource-low", async () => {
    const f = await fixture();
    const core = createCoreSandrun({
      publicClient: f.publicClient,
      walletClient: f.operators[0],
      deployment: f.deployed,
    });
    const node = await core
      .node()
      .capabilities({ cpu: { cores: 2, threads: 2, frequency: 1000 }, memory: { total: 1 } })
      .region("eu")
      .pricing({ cpu: { perCoreHour: "0.01" }, currency: "ETH" })
      .bondAmount("0.5", "ETH")
      .register();
    const worker = createWorker({
      logger: pino({ level: "silent" }),
      // Threshold 0: every measured resource counts as low, so the first probe must report them.
      metrics: { lowThreshold: 0 },
      config: { stateDir: join(stateRoot, "attached"), pollIntervalMs: 100, heartbeatIntervalMs: 0 },
    });
    node.attachWorker(worker);
    const low: string[] = [];
    node.on("resource-low", (r) => void low.push(r));
    await node.startListening();
    expect(low).to.include.members(["cpu", "memory"]);
    const u = await node.getUtilization();
    expect(u.machine?.memory).to.be.within(0, 1);
    expect(worker.daemonOf(node)?.nodeId).to.equal(node.nodeId);
    await node.stopListening();
    expect(worker.daemonOf(node)).to.equal(undefined);
  });
});
