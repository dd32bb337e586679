/**
 * Plugs the Node.js worker into the browser-safe client: a {@link NodeWorker} that gives every
 * `Node` its job-running methods (`claimJob`, `executeJob`, `generateProof`, `benchmark`,
 * `startListening`, `stopListening`, `shutdown`) and a machine probe for `getUtilization`.
 *
 * The import is explicit, so browser bundles never pull in sandboxes, `node:fs` or `node:os`:
 *
 * ```ts
 * import { createSandrun } from "sandrun/client/worker/attach.ts"; // Node.js root, worker attached
 * const sandrun = createSandrun({ publicClient, walletClient, deployment });
 * const myNode = await sandrun.node().alias("rig").capabilities(caps).pricing(prices).register();
 * await myNode.startListening();
 * ```
 *
 * or, keeping the core's root: `createSandrun(withWorker({ publicClient, walletClient, deployment }))`,
 * or for one node: `node.attachWorker(createWorker())`.
 *
 * The worker uses the Node's own viem clients: transactions go from the root's wallet when it is
 * the node's owner or signer (else from the `identity(privateKey)` signer key), and execution
 * receipts are signed by the node's signer key. Each node keeps its state (block cursor, one
 * record per job, commit salts) in its own directory, shared by the daemon and manual calls:
 * a strict job claimed by hand (`claimJob` runs it and commits) is revealed by the daemon.
 * @module
 */
import { join } from "node:path";
import type { Logger } from "pino";
import pino from "pino";
import { createWalletClient, custom, type Address, type Hex } from "viem";
import { nodeRegistryAbi } from "../abis/generated/NodeRegistry.ts";
import type { SandrunClient } from "../chain/clients.ts";
import { MissingConfigurationError, UnknownIdError, ValidationError } from "../errors/input.ts";
import type { Job } from "../job/JobBuilder.ts";
import { parseJobSpec, specHash as hashSpec, type JobSpec } from "../job/spec.ts";
import { SpecHashMismatchError } from "../job/spec-errors.ts";
import type { Node } from "../node/node.ts";
import type { NodeWorker } from "../node/worker-extension.ts";
import type { Proof } from "../pool/Pool.ts";
import type { TypedDataSigner } from "../proofs/sign.ts";
import { RUNTIME_CODES, type RuntimeName } from "../proofs/typed-data.ts";
import {
  createSandrun as createCoreSandrun,
  type CreateSandrunParameters,
  type Sandrun,
} from "../sandrun.ts";
import { publishBenchmark, runBenchmark, type BenchmarkOptions, type BenchmarkResults } from "./benchmark.ts";
import { invoiceAmount, type NodeProfile } from "./decide.ts";
import { parseDaemonConfig, type DaemonConfig, type DaemonConfigInput } from "./daemon/config.ts";
import type { NodeEventName } from "./daemon/loop.ts";
import { OutputServer } from "./daemon/output-server.ts";
import type { ExecutionResult, OfferDetails } from "./daemon/ports.ts";
import { SignerProver } from "./daemon/prover.ts";
import { SandboxRunner } from "./daemon/runner.ts";
import { readNodeProfile, startWorkerWithClients, type RunningWorker } from "./daemon/start.ts";
import { DaemonState } from "./daemon/state.ts";
import { ViemWorkerChain } from "./daemon/viem-chain.ts";
import { MetricsProbe, type MetricsOptions } from "./metrics.ts";

/** Options of {@link createWorker}. */
export type WorkerOptions = {
  /**
   * Daemon configuration (client/worker/daemon/config.ts). `stateDir` is a ROOT: each node
   * keeps its state in `<stateDir>/node-<chainId>-<nodeId>` (default root `./.sandrun`).
   * `fromBlock` defaults to the node's registration block (no persisted cursor).
   */
  readonly config?: Partial<DaemonConfigInput> | undefined;
  /** Structured logs (default: pino at level "info" to stdout). */
  readonly logger?: Logger | undefined;
  /** Parent directory of sandbox scratch dirs (default: the OS temp dir). */
  readonly scratchRoot?: string | undefined;
  /** Machine metrics (CPU, memory, disk of the scratch dir) and their `resource-low` threshold. */
  readonly metrics?: MetricsOptions | undefined;
  /** What `Node.benchmark()` measures. */
  readonly benchmark?: BenchmarkOptions | undefined;
};

/** What `Node.claimJob` returns (the design's `JobClaim`). */
export type JobClaim = {
  readonly jobId: string;
  readonly nodeId: string;
  /** The slot this node holds. */
  readonly slot: number;
  /** Verification level: 0 basic, 1 standard, 2 strict, 3 cryptographic. */
  readonly level: number;
  /**
   * `taken`: a basic/standard slot (collateral locked; the daemon runs and reports it).
   * `committed`: a strict+ job, run here and its sealed result committed (the daemon reveals it).
   */
  readonly step: "taken" | "committed";
  /** The committed output digest (strict+). */
  readonly digest?: Hex | undefined;
  readonly resultURI?: string | undefined;
};

/** What `Node.executeJob` returns: the run's output, its digest and its measured usage. */
export type WorkerExecution = {
  /** The on-chain job, when the run was for one. */
  readonly jobId: string | undefined;
  readonly specHash: Hex;
  readonly runtime: RuntimeName;
  /** keccak256 of the output: what consensus compares. */
  readonly digest: Hex;
  readonly output: Uint8Array;
  readonly exitCode: number;
  /** `completed`, or `limit-exceeded` (the digest is then the limit marker's, as every honest node's). */
  readonly status: "completed" | "limit-exceeded";
  readonly usage: { readonly wallMs: number; readonly cpuMs: number; readonly peakMemoryBytes: number };
};

/** What `Node.generateProof` returns: the EIP-712 execution receipt, in `Pool.verify`'s `Proof` shape. */
export type WorkerProof = Proof & {
  readonly kind: "receipt";
  readonly specHash: Hex;
  readonly runtime: number;
  readonly usage: { wallMs: bigint; cpuMs: bigint; peakMemory: bigint };
  /** The node signer that signed it. */
  readonly signer: Address;
  /** The domain it is valid in. */
  readonly chainId: number;
  readonly market: Address;
};

/** Everything one node's worker holds, created on first use. */
type Session = {
  readonly client: SandrunClient;
  readonly signer: TypedDataSigner;
  readonly chainId: number;
  readonly market: Address;
  readonly configInput: DaemonConfigInput;
  readonly config: DaemonConfig;
  readonly state: DaemonState;
  readonly chain: ViemWorkerChain;
  readonly prover: SignerProver;
  readonly publisher: OutputServer;
  readonly runner: SandboxRunner;
  readonly logger: Logger;
  profile: NodeProfile;
  running: RunningWorker | undefined;
};

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function accountAddressOf(client: SandrunClient): Address | undefined {
  const a = client.walletClient?.account;
  return a === undefined ? undefined : typeof a === "string" ? a : a.address;
}

/** The clients the worker sends with: the root's wallet when it is the node's owner or signer. */
function workerClient(node: Node): SandrunClient {
  const client = node.context.client;
  const me = accountAddressOf(client);
  if (me && (eq(me, node.owner) || eq(me, node.signer))) return client;
  if (node.signerAccount && eq(node.signerAccount.address, node.signer))
    return {
      publicClient: client.publicClient,
      walletClient: createWalletClient({
        account: node.signerAccount,
        chain: client.publicClient.chain,
        transport: custom(client.publicClient),
      }),
    };
  throw new MissingConfigurationError(
    "walletClient",
    `the worker of node ${node.id} sends as its owner ${node.owner} or signer ${node.signer}: use that wallet, or identity(privateKey)`,
  );
}

/** The key that signs receipts: the node's registered signer. */
function workerSigner(node: Node): TypedDataSigner {
  if (node.signerAccount && eq(node.signerAccount.address, node.signer)) return node.signerAccount;
  const client = node.context.client;
  const account = client.walletClient?.account;
  const me = accountAddressOf(client);
  if (client.walletClient && account && me && eq(me, node.signer)) {
    const wallet = client.walletClient;
    return {
      address: me,
      signTypedData: ((typed: Parameters<typeof wallet.signTypedData>[0]) =>
        wallet.signTypedData({ ...typed, account } as Parameters<
          typeof wallet.signTypedData
        >[0])) as TypedDataSigner["signTypedData"],
    };
  }
  throw new MissingConfigurationError(
    "identity(privateKey)",
    `receipts of node ${node.id} are signed by its signer ${node.signer}: give its key with identity(privateKey)`,
  );
}

function usageOf(r: ExecutionResult) {
  return {
    wallMs: BigInt(Math.ceil(r.usage.wallMs)),
    cpuMs: BigInt(Math.ceil(r.usage.cpuMs)),
    peakMemory: BigInt(Math.ceil(r.usage.peakMemoryBytes)),
  };
}

function isJob(value: unknown): value is Job {
  return typeof value === "object" && value !== null && "spec" in value && "specHash" in value;
}

/**
 * The worker module as a {@link NodeWorker}. One worker serves any number of nodes (each keeps
 * its own session and state dir).
 *
 * @example
 * ```ts
 * import { createWorker } from "sandrun/client/worker/attach.ts";
 * node.attachWorker(createWorker({ config: { stateDir: "/var/lib/sandrun", pollIntervalMs: 250 } }));
 * await node.startListening();
 * ```
 */
export function createWorker(options: WorkerOptions = {}): NodeWorker & {
  claimJob(node: Node, jobId: string): Promise<JobClaim>;
  executeJob(node: Node, job: unknown): Promise<WorkerExecution>;
  generateProof(node: Node, execution: unknown): Promise<WorkerProof>;
  benchmark(node: Node): Promise<BenchmarkResults>;
  /** The running daemon of `node`, if it listens (status, tests). */
  daemonOf(node: Node): RunningWorker | undefined;
} {
  const sessions = new WeakMap<Node, Promise<Session>>();
  const runningOf = new WeakMap<Node, RunningWorker>();
  const logger = options.logger ?? pino({ name: "sandrun-worker" });
  const probe = new MetricsProbe({ scratchDir: options.scratchRoot, ...options.metrics });

  async function open(node: Node): Promise<Session> {
    const { jobMarket, poolRegistry, nodeRegistry } = node.context.deployment;
    if (!jobMarket)
      throw new MissingConfigurationError("deployment.jobMarket", "the worker serves the market");
    if (!poolRegistry)
      throw new MissingConfigurationError("deployment.poolRegistry", "the worker checks pool membership");
    const client = workerClient(node);
    const signer = workerSigner(node);
    const { publicClient } = client;
    const [chainId, registered] = await Promise.all([
      publicClient.getChainId(),
      publicClient.getContractEvents({
        address: nodeRegistry,
        abi: nodeRegistryAbi,
        eventName: "NodeRegistered",
        args: { nodeId: node.nodeId },
        fromBlock: "earliest",
      }),
    ]);
    // No job before the node's registration can concern it (it was in no pool yet).
    const head = registered[0]?.blockNumber ?? (await publicClient.getBlockNumber());
    const root = options.config?.stateDir ?? join(process.cwd(), ".sandrun");
    const configInput: DaemonConfigInput = {
      fromBlock: head,
      ...options.config,
      stateDir: join(root, `node-${chainId}-${node.id}`),
    };
    const config = parseDaemonConfig(configInput);
    const { profile, owner } = await readNodeProfile(publicClient, nodeRegistry, node.nodeId);
    const sender = accountAddressOf(client)!;
    const chain = new ViemWorkerChain({
      client,
      chainId,
      jobMarket,
      nodeRegistry,
      poolRegistry,
      nodeId: node.nodeId,
      owner,
      sender,
      deployBlock: config.fromBlock,
    });
    return {
      client,
      signer,
      chainId,
      market: jobMarket,
      configInput,
      config,
      state: new DaemonState(config.stateDir, chainId, jobMarket),
      chain,
      prover: new SignerProver(signer, { chainId, market: jobMarket }, node.nodeId),
      publisher: new OutputServer({
        stateDir: config.stateDir,
        inlineMaxBytes: config.inlineOutputMaxBytes,
        host: config.outputHost,
        port: config.outputPort,
      }),
      runner: new SandboxRunner({ scratchRoot: options.scratchRoot }),
      logger: logger.child({ nodeId: node.id }),
      profile,
      running: undefined,
    };
  }

  function session(node: Node): Promise<Session> {
    let s = sessions.get(node);
    if (!s) {
      s = open(node);
      sessions.set(node, s);
      s.catch(() => sessions.delete(node)); // a failed open (RPC down, no key) is retried next call
    }
    return s;
  }

  async function offerOf(s: Session, jobId: bigint): Promise<OfferDetails> {
    const offer = await s.chain.offer(jobId);
    if (!offer) throw new UnknownIdError("job", jobId.toString());
    return offer;
  }

  /**
   * Forwards the daemon's local events to the Node. Chain-sourced NodeEvents (job-claimed,
   * job-completed, payment-received, dispute-raised) come from the Node's own market watcher,
   * so they are logged here but not re-emitted (no handler sees one twice).
   */
  function forward(node: Node, s: Session) {
    return (event: NodeEventName, data: Record<string, unknown>): void => {
      s.logger.info({ event, ...data }, event);
      if (event === "job-started") node.emit("job-started", { jobId: String(data.jobId) });
      else if (event === "resource-low") node.emit("resource-low", String(data.resource));
    };
  }

  async function execute(s: Session, node: Node, job: unknown): Promise<WorkerExecution> {
    let spec: JobSpec;
    let jobId: bigint | undefined;
    let hash: Hex;
    let result: ExecutionResult;
    if (typeof job === "string" || typeof job === "bigint") {
      jobId = BigInt(job);
      const offer = await offerOf(s, jobId);
      node.emit("job-started", { jobId: jobId.toString() });
      result = await s.runner.run(
        offer,
        AbortSignal.timeout(offer.requirements.timeoutSeconds * 1000 + 60_000),
      );
      hash = offer.specHash;
      spec = { runtime: offer.requirements.runtime } as JobSpec;
    } else {
      const raw = isJob(job) ? job.spec : job;
      spec = parseJobSpec(raw);
      hash = hashSpec(spec);
      if (isJob(job) && !eq(hash, job.specHash)) throw new SpecHashMismatchError(job.specHash, hash, "job");
      const id = (job as { jobId?: unknown }).jobId;
      jobId = typeof id === "string" || typeof id === "bigint" ? BigInt(id) : undefined;
      node.emit("job-started", { jobId: jobId?.toString() ?? hash });
      result = await s.runner.runSpec(spec, jobId ?? 0n);
    }
    return Object.freeze({
      jobId: jobId?.toString(),
      specHash: hash,
      runtime: spec.runtime,
      digest: result.digest,
      output: result.output,
      exitCode: result.exitCode,
      status: result.exitCode === -1 ? "limit-exceeded" : "completed",
      usage: Object.freeze({ ...result.usage }),
    });
  }

  const worker = {
    utilizationProbe: () => probe.read(),

    daemonOf(node: Node): RunningWorker | undefined {
      return runningOf.get(node);
    },

    async claimJob(node: Node, jobIdInput: string): Promise<JobClaim> {
      const s = await session(node);
      const jobId = BigInt(jobIdInput);
      const offer = await offerOf(s, jobId);
      const base = { jobId: jobId.toString(), nodeId: node.id, level: offer.verification };
      const rec = s.state.job(jobId);
      if (rec?.slot !== undefined && (rec.steps.claimed || rec.steps.committed))
        return Object.freeze({
          ...base,
          slot: rec.slot,
          step: rec.steps.committed ? ("committed" as const) : ("taken" as const),
          digest: rec.digest as Hex | undefined,
          resultURI: rec.resultUri,
        });
      s.state.update(jobId, { step: "accepted", note: "claimed by hand" });
      if (offer.verification < 2) {
        const slot = await s.chain.take(jobId);
        s.state.update(jobId, { step: "claimed", slot });
        return Object.freeze({ ...base, slot, step: "taken" as const });
      }
      // Strict+: the slot is taken by committing the sealed result, so run the job first.
      const r = await s.runner.run(
        offer,
        AbortSignal.timeout(offer.requirements.timeoutSeconds * 1000 + 60_000),
      );
      const resultURI = await s.publisher.publish(jobId, r.output, offer);
      const invoice = invoiceAmount(
        s.profile.prices,
        offer.requirements,
        Math.ceil(r.usage.wallMs / 1000),
        s.profile.jobsCompleted,
        offer.pricePerNode,
      );
      const u = usageOf(r);
      const salt = s.prover.salt();
      // Persist everything the reveal needs BEFORE the commit is sent.
      s.state.update(jobId, {
        step: "executed",
        digest: r.digest,
        usage: {
          wallMs: u.wallMs.toString(),
          cpuMs: u.cpuMs.toString(),
          peakMemory: u.peakMemory.toString(),
        },
        resultUri: resultURI,
        invoice: invoice.toString(),
        salt,
      });
      const slot = await s.chain.commit(jobId, s.prover.seal(jobId, r.digest, resultURI, invoice, salt));
      s.state.update(jobId, { step: "committed", slot });
      return Object.freeze({ ...base, slot, step: "committed" as const, digest: r.digest, resultURI });
    },

    async executeJob(node: Node, job: unknown): Promise<WorkerExecution> {
      return execute(await session(node), node, job);
    },

    async generateProof(node: Node, execution: unknown): Promise<WorkerProof> {
      const s = await session(node);
      const e = execution as Partial<WorkerExecution> & { resultURI?: string };
      if (!e || typeof e !== "object" || e.jobId === undefined || !e.digest || !e.output || !e.usage)
        throw new ValidationError("execution", [
          {
            field: "jobId",
            message: "generateProof takes what executeJob(jobId) returned (a run of an on-chain job)",
          },
        ]);
      const jobId = BigInt(e.jobId);
      const offer = await offerOf(s, jobId);
      const recorded = s.state.job(jobId);
      const resultURI =
        e.resultURI ??
        (recorded?.digest && eq(recorded.digest, e.digest) ? recorded.resultUri : undefined) ??
        (await s.publisher.publish(jobId, e.output, offer));
      const usage = usageOf({ usage: e.usage } as ExecutionResult);
      const signature = await s.prover.receipt(offer, e.digest, resultURI, usage);
      return Object.freeze({
        kind: "receipt" as const,
        jobId: jobId.toString(),
        nodeId: node.id,
        digest: e.digest,
        resultURI,
        signature,
        specHash: offer.specHash,
        runtime: offer.runtimeCode,
        usage,
        signer: s.signer.address,
        chainId: s.chainId,
        market: s.market,
      });
    },

    async benchmark(node: Node): Promise<BenchmarkResults> {
      const results = await runBenchmark({ ...options.benchmark, scratchRoot: options.scratchRoot });
      if (options.benchmark?.publish) await publishBenchmark(node, results);
      return results;
    },

    async startListening(node: Node): Promise<void> {
      const s = await session(node);
      if (runningOf.get(node)) return;
      const probeEmit = forward(node, s);
      const running = await startWorkerWithClients({
        client: s.client,
        deployment: {
          jobMarket: s.market,
          nodeRegistry: node.context.deployment.nodeRegistry,
          poolRegistry: node.context.deployment.poolRegistry!,
          deployBlock: s.config.fromBlock,
        },
        signer: s.signer,
        nodeId: node.nodeId,
        config: s.configInput,
        logger: s.logger,
        emit: probeEmit,
        state: s.state,
        publisher: s.publisher,
        probe,
      });
      runningOf.set(node, running);
    },

    async stopListening(node: Node): Promise<void> {
      const running = runningOf.get(node);
      runningOf.delete(node);
      await running?.stop();
    },

    async shutdown(node: Node): Promise<void> {
      await worker.stopListening(node);
      const s = sessions.get(node);
      sessions.delete(node);
      if (s) await (await s.catch(() => undefined))?.publisher.stop();
    },
  };
  return worker;
}

/**
 * The runtime code of a runtime name, as execution receipts sign it (0 wasm, 1 js, 2 process).
 *
 * @example
 * ```ts
 * import { runtimeCode } from "sandrun/client/worker/attach.ts";
 * runtimeCode("js"); // 1
 * ```
 */
export function runtimeCode(name: RuntimeName): number {
  return RUNTIME_CODES[name];
}

/**
 * `createSandrun` parameters with the worker (and its machine probe) plugged in, so every Node
 * the root makes can `startListening()`.
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/index.ts";
 * import { withWorker } from "sandrun/client/worker/attach.ts";
 * const sandrun = createSandrun(withWorker({ publicClient, walletClient, deployment }, { config: { pollIntervalMs: 250 } }));
 * ```
 */
export function withWorker<P, J>(
  parameters: CreateSandrunParameters<P, J>,
  options: WorkerOptions = {},
): CreateSandrunParameters<P, J> {
  const worker = createWorker(options);
  return {
    ...parameters,
    extensions: { ...parameters.extensions, worker, utilizationProbe: worker.utilizationProbe },
  };
}

/**
 * The Node.js root: `createSandrun` of client/sandrun.ts with the worker attached (options under
 * `worker`).
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/worker/attach.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment });
 * const myNode = await sandrun.node().alias("rig").capabilities(caps).pricing(prices).register();
 * await myNode.startListening();
 * ```
 */
export function createSandrun<P = never, J = never>(
  parameters: CreateSandrunParameters<P, J> & { worker?: WorkerOptions | undefined },
): Sandrun<P, J> {
  const { worker, ...rest } = parameters;
  return createCoreSandrun(withWorker(rest, worker));
}
