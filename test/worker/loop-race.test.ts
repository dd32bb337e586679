/**
 * The worker loop runs each job once, even when the execution finishes while the loop is
 * reading the job's state from the chain. The loop used to read its own record of the job
 * before that read and decide from it after: an execution that ended in between looked
 * unfinished and was started again (seen in CI as a fourth `job-started` for a three-node job,
 * and on a nondeterministic job it would change the digest after the commit sealed it).
 *
 * The race is made certain here, not left to timing: the chain port's `held` read waits, after
 * the real RPC call, for the sandbox run in flight to finish. Everything else is the real
 * daemon, chain, sandbox, prover and output server on Hardhat's in-process chain.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseDaemonConfig } from "../../client/worker/daemon/config.ts";
import { WorkerDaemon } from "../../client/worker/daemon/loop.ts";
import { OutputServer } from "../../client/worker/daemon/output-server.ts";
import type { ExecutionResult, JobRunner, WorkerChain } from "../../client/worker/daemon/ports.ts";
import { SignerProver } from "../../client/worker/daemon/prover.ts";
import { SandboxRunner } from "../../client/worker/daemon/runner.ts";
import { readNodeProfile } from "../../client/worker/daemon/start.ts";
import { ViemWorkerChain } from "../../client/worker/daemon/viem-chain.ts";
import { until } from "../e2e/harness.ts";
import { attachFixture } from "./attach-fixture.ts";

describe("worker loop: one execution per job", function () {
  this.timeout(120_000);
  let stateRoot: string;
  let current: Awaited<ReturnType<typeof attachFixture>> | undefined;

  before(() => {
    stateRoot = mkdtempSync(join(tmpdir(), "sandrun-loop-race-"));
  });
  afterEach(async () => {
    await current?.shutdownAll();
    current = undefined;
  });
  after(() => rmSync(stateRoot, { recursive: true, force: true }));

  it("strict: an execution that ends during the `held` read is not run again; the commit seals its one digest", async () => {
    const f = (current = await attachFixture(stateRoot));
    const key = generatePrivateKey();
    const nodes = [await f.register(0, key), await f.register(1), await f.register(2)];
    const poolId = await f.pool(nodes);
    const node = nodes[0]!;
    const registry = f.deployed.nodeRegistry.address;
    const { profile, owner } = await readNodeProfile(f.publicClient, registry, node.nodeId);
    const chainId = await f.publicClient.getChainId();
    const realChain = new ViemWorkerChain({
      client: { publicClient: f.publicClient, walletClient: f.operators[0]! },
      chainId,
      jobMarket: f.deployed.jobMarket.address,
      nodeRegistry: registry,
      poolRegistry: f.deployed.poolRegistry.address,
      nodeId: node.nodeId,
      owner,
      sender: f.operators[0]!.account.address,
      deployBlock: 0n,
    });

    // The real sandbox, counting runs and exposing the one in flight.
    const sandbox = new SandboxRunner();
    let runs = 0;
    let inFlight: Promise<ExecutionResult> | undefined;
    const runner: JobRunner = {
      run(offer, signal) {
        runs++;
        inFlight = sandbox.run(offer, signal);
        return inFlight;
      },
    };
    // The real chain, except that `held` returns only after the run in flight has ended and
    // the daemon has recorded it: the loop decides on chain state read before the run ended.
    let heldDuringRun = 0;
    const chain = new Proxy(realChain, {
      get(target, prop) {
        if (prop === "held")
          return async (...args: Parameters<WorkerChain["held"]>) => {
            const running = inFlight;
            const result = await target.held(...args);
            if (running) {
              heldDuringRun++;
              await running.catch(() => undefined);
              await new Promise((r) => setImmediate(r));
            }
            return result;
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as WorkerChain;

    const config = parseDaemonConfig({
      stateDir: mkdtempSync(join(stateRoot, "daemon-")),
      pollIntervalMs: 50,
      heartbeatIntervalMs: 0,
    });
    const publisher = new OutputServer({
      stateDir: config.stateDir,
      inlineMaxBytes: config.inlineOutputMaxBytes,
      host: config.outputHost,
      port: 0,
    });
    const started: string[] = [];
    const daemon = new WorkerDaemon({
      config,
      chain,
      runner,
      prover: new SignerProver(privateKeyToAccount(key), { chainId, market: realChain.market }, node.nodeId),
      publisher,
      profile,
      freeBond: () => realChain.freeBond(),
      logger: pino({ level: "silent" }),
      emit: (event, data) => {
        if (event === "job-started") started.push(String(data.jobId));
      },
    });
    try {
      await daemon.start();
      const jobId = await f.post(poolId, await f.job("6 * 7"));
      const committed = await until("the daemon's commit", async () => {
        const logs = await f.market.getEvents.ResultCommitted({ jobId }, { fromBlock: 0n });
        return logs.find((l) => l.args.nodeId === node.nodeId);
      });
      // Let the loop go round a few more times with the job executed and committed.
      const ticks = daemon.stats.ticks;
      await until("three more ticks", async () => daemon.stats.ticks >= ticks + 3);

      expect(heldDuringRun, "the race was staged").to.be.greaterThan(0);
      expect(runs, "sandbox runs").to.equal(1);
      expect(started).to.deep.equal([jobId.toString()]);
      const record = daemon.state.job(jobId)!;
      expect(record.steps.executed).to.not.equal(undefined);
      expect(record.steps.committed).to.not.equal(undefined);
      expect(record.slot).to.equal(committed.args.slot);
    } finally {
      await daemon.stop();
      await publisher.stop();
    }
  });
});
