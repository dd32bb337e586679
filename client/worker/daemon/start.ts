/**
 * Boots a worker daemon: from plain inputs (RPC URL, deployment addresses, a key, a state
 * dir: {@link startWorker}, used by `scripts/worker.ts` and the CLI's `worker start`) or from
 * viem clients that already exist ({@link startWorkerWithClients}, used by
 * `Node.startListening()` through client/worker/attach.ts). Either way it reads the node's
 * capabilities and prices from the registry, validates the configuration, and starts the loop.
 * @module
 */
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import pino, { type Logger } from "pino";
import {
  createPublicClient,
  createWalletClient,
  http,
  webSocket,
  type Address,
  type Hex,
  type LocalAccount,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { MissingConfigurationError, UnknownIdError } from "../../errors/input.ts";
import type { TypedDataSigner } from "../../proofs/sign.ts";
import type { NodeProfile } from "../decide.ts";
import { parseDaemonConfig, type DaemonConfigInput } from "./config.ts";
import { WorkerDaemon, type MachineProbe, type NodeEventName } from "./loop.ts";
import { OutputServer } from "./output-server.ts";
import { holdWasmWarmSpare, releaseWasmWarmSpare } from "../sandbox/wasm.ts";
import { SignerProver } from "./prover.ts";
import { MetricsProbe } from "../metrics.ts";
import { SandboxRunner } from "./runner.ts";
import type { DaemonState } from "./state.ts";
import { ViemWorkerChain } from "./viem-chain.ts";

/** The contract addresses a worker needs. */
export type WorkerDeployment = {
  jobMarket: Address;
  nodeRegistry: Address;
  poolRegistry: Address;
  deployBlock?: bigint | undefined;
};

/** Inputs of {@link startWorker}. */
export type StartWorkerParameters = {
  rpcUrl: string;
  deployment: WorkerDeployment;
  /** The worker's key: the node's signer (or owner). Never logged. */
  privateKey: Hex;
  /** The node to work for; found by owner/signer when omitted. */
  nodeId?: bigint | undefined;
  config: DaemonConfigInput;
  logger?: Logger | undefined;
  emit?: ((event: NodeEventName, data: Record<string, unknown>) => void) | undefined;
};

/** A running worker. */
export type RunningWorker = {
  daemon: WorkerDaemon;
  chain: ViemWorkerChain;
  nodeId: bigint;
  /** Drains and stops the daemon and the output server. */
  stop(): Promise<void>;
};

function decode16(hex: Hex): string {
  const bytes = Buffer.from(hex.slice(2), "hex");
  return bytes.toString("utf8").replace(/\0+$/, "").toLowerCase();
}

/**
 * Finds the node `address` acts for (as its signer or its owner; the lowest id wins).
 *
 * @throws {UnknownIdError} when it acts for none.
 * @example
 * ```ts
 * import { findNodeFor } from "sandrun/client/worker/daemon/start.ts";
 * const nodeId = await findNodeFor(publicClient, registry, account.address);
 * ```
 */
export async function findNodeFor(
  publicClient: SandrunClient["publicClient"],
  registry: Address,
  address: Address,
): Promise<bigint> {
  // Candidates from the indexed topics (a few log queries whatever the registry's size), then
  // each candidate's current owner and signer from the registry: a key may have been replaced.
  const at = { address: registry, abi: nodeRegistryAbi, fromBlock: "earliest" } as const;
  const [asSigner, asOwner, signerChanges] = await Promise.all([
    publicClient.getContractEvents({ ...at, eventName: "NodeRegistered", args: { signer: address } }),
    publicClient.getContractEvents({ ...at, eventName: "NodeRegistered", args: { owner: address } }),
    publicClient.getContractEvents({ ...at, eventName: "SignerChanged", args: { newSigner: address } }),
  ]);
  const candidates = [
    ...new Set([...asSigner, ...asOwner, ...signerChanges].map((log) => log.args.nodeId as bigint)),
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const me = address.toLowerCase();
  for (const nodeId of candidates) {
    const view = await publicClient.readContract({
      address: registry,
      abi: nodeRegistryAbi,
      functionName: "getNode",
      args: [nodeId],
    });
    if (view.signer.toLowerCase() === me || view.owner.toLowerCase() === me) return nodeId;
  }
  throw new UnknownIdError("node for key", address);
}

/**
 * The runtimes this machine can run (`process` needs bubblewrap at /usr/bin/bwrap).
 *
 * @example
 * ```ts
 * import { localRuntimes } from "sandrun/client/worker/daemon/start.ts";
 * localRuntimes(); // ["wasm", "js", "process"] where bwrap is installed
 * ```
 */
export function localRuntimes(): string[] {
  return ["wasm", "js", ...(existsSync("/usr/bin/bwrap") ? ["process"] : [])];
}

/**
 * The node's profile as the daemon decides with it: what it declared on-chain, bounded by this
 * machine (never promise more cores or memory than it has), and its on-chain prices.
 *
 * @example
 * ```ts
 * import { readNodeProfile } from "sandrun/client/worker/daemon/start.ts";
 * const { profile, owner } = await readNodeProfile(publicClient, registry, 3n);
 * ```
 */
export async function readNodeProfile(
  publicClient: SandrunClient["publicClient"],
  registry: Address,
  nodeId: bigint,
): Promise<{ profile: NodeProfile; owner: Address; signer: Address }> {
  const view = await publicClient.readContract({
    address: registry,
    abi: nodeRegistryAbi,
    functionName: "getNode",
    args: [nodeId],
  });
  const c = view.capabilities;
  const profile: NodeProfile = {
    runtimes: localRuntimes(),
    cpuCores: Math.min(c.cpuCores, cpus().length),
    memoryGB: Math.min(c.memoryGB, Math.floor(totalmem() / 2 ** 30)),
    gpuCount: 0,
    gpuModel: decode16(c.gpuModel),
    gpuMemoryGB: c.gpuMemoryGB,
    jobsCompleted: view.completed,
    prices: {
      token: view.prices.token.toLowerCase(),
      gpuHour: view.prices.gpuHour,
      cpuCoreHour: view.prices.cpuCoreHour,
      memoryGBHour: view.prices.memoryGBHour,
      perJob: view.prices.perJob,
      minimumJob: view.prices.minimumJob,
    },
  };
  return { profile, owner: view.owner, signer: view.signer };
}

/** Inputs of {@link startWorkerWithClients}: viem clients that already exist (a Node's). */
export type StartWorkerWithClientsParameters = {
  /** Reads and sends; the wallet's account is the node's owner or signer. */
  client: SandrunClient;
  deployment: WorkerDeployment;
  /** Signs execution receipts: the node's registered signer. */
  signer: TypedDataSigner;
  nodeId: bigint;
  config: DaemonConfigInput;
  logger?: Logger | undefined;
  emit?: ((event: NodeEventName, data: Record<string, unknown>) => void) | undefined;
  /** Persistent state to share (e.g. with `Node.claimJob`); opened from `config.stateDir` when omitted. */
  state?: DaemonState | undefined;
  /** Output publisher to share; a new {@link OutputServer} when omitted. */
  publisher?: OutputServer | undefined;
  /** Machine metrics for `resource-low` events (client/worker/metrics.ts). */
  probe?: MachineProbe | undefined;
};

/**
 * Starts a worker on existing viem clients: reads the node's profile, validates the
 * configuration, and starts the loop. `Node.startListening()` (client/worker/attach.ts) and
 * {@link startWorker} both end here.
 *
 * @throws {ValidationError} on a bad configuration.
 * @example
 * ```ts
 * import { startWorkerWithClients } from "sandrun/client/worker/daemon/start.ts";
 * const w = await startWorkerWithClients({ client: { publicClient, walletClient }, deployment, signer: account, nodeId: 3n, config: { stateDir: ".sandrun/n3" } });
 * ```
 */
export async function startWorkerWithClients(p: StartWorkerWithClientsParameters): Promise<RunningWorker> {
  const config = parseDaemonConfig(p.config);
  const logger = p.logger ?? pino({ name: "sandrun-worker" });
  const { publicClient, walletClient } = p.client;
  const sender = walletClient?.account;
  if (!sender) throw new MissingConfigurationError("walletClient.account", "the worker sends transactions");
  const chainId = await publicClient.getChainId();
  const registry = p.deployment.nodeRegistry;
  const nodeId = p.nodeId;
  const { profile, owner } = await readNodeProfile(publicClient, registry, nodeId);
  const viemChain = new ViemWorkerChain({
    client: p.client,
    chainId,
    jobMarket: p.deployment.jobMarket,
    nodeRegistry: registry,
    poolRegistry: p.deployment.poolRegistry,
    nodeId,
    owner,
    sender: typeof sender === "string" ? sender : sender.address,
    deployBlock: p.deployment.deployBlock ?? config.fromBlock,
  });
  const publisher =
    p.publisher ??
    new OutputServer({
      stateDir: config.stateDir,
      inlineMaxBytes: config.inlineOutputMaxBytes,
      host: config.outputHost,
      port: config.outputPort,
    });
  const daemon = new WorkerDaemon({
    config,
    chain: viemChain,
    runner: new SandboxRunner(),
    prover: new SignerProver(p.signer, { chainId, market: p.deployment.jobMarket }, nodeId),
    publisher,
    profile,
    freeBond: () => viemChain.freeBond(),
    logger: logger.child({ nodeId: nodeId.toString() }),
    emit: p.emit ?? ((event, data) => logger.info({ event, ...data }, event)),
    state: p.state,
    probe: p.probe,
  });
  if (config.dishonestCorruptDigest || config.dishonestNeverReveal)
    logger.warn(
      {
        dishonestCorruptDigest: config.dishonestCorruptDigest,
        dishonestNeverReveal: config.dishonestNeverReveal,
      },
      "DISHONEST TEST MODE: this node will be slashed",
    );
  await daemon.start();
  // A long-lived worker keeps a wasm thread booted ahead of the next job (start-up off the job's path).
  await holdWasmWarmSpare();
  return {
    daemon,
    chain: viemChain,
    nodeId,
    async stop() {
      await daemon.stop();
      await releaseWasmWarmSpare();
      if (!p.publisher) await publisher.stop();
    },
  };
}

/**
 * Starts a worker from an RPC URL and a key: builds the viem clients, finds the node the key
 * acts for, and calls {@link startWorkerWithClients}.
 *
 * @throws {ValidationError} on a bad configuration; {@link UnknownIdError} when the key acts for no node.
 * @example
 * ```ts
 * import { startWorker } from "sandrun/client/worker/daemon/start.ts";
 * const w = await startWorker({ rpcUrl, deployment, privateKey, config: { stateDir: ".sandrun/w1" } });
 * process.once("SIGTERM", () => void w.stop());
 * ```
 */
export async function startWorker(p: StartWorkerParameters): Promise<RunningWorker> {
  parseDaemonConfig(p.config); // fail on a bad configuration before touching the network
  const account = privateKeyToAccount(p.privateKey);
  const { publicClient, walletClient } = await createWorkerClients(p.rpcUrl, account);
  const nodeId = p.nodeId ?? (await findNodeFor(publicClient, p.deployment.nodeRegistry, account.address));
  return startWorkerWithClients({
    client: { publicClient, walletClient },
    deployment: p.deployment,
    signer: account,
    nodeId,
    config: p.config,
    logger: p.logger,
    emit: p.emit,
    probe: new MetricsProbe(),
  });
}

/**
 * viem clients for a worker process: HTTP or WebSocket by the URL's scheme, no transport-level
 * retries (the daemon retries with backoff and logs), fast receipt polling.
 *
 * @example
 * ```ts
 * import { createWorkerClients } from "sandrun/client/worker/daemon/start.ts";
 * const { publicClient, walletClient } = await createWorkerClients("http://127.0.0.1:8545", account);
 * ```
 */
export async function createWorkerClients(
  rpcUrl: string,
  account: LocalAccount,
  options: { pollingInterval?: number; onRequest?: () => void } = {},
) {
  const transport = rpcUrl.startsWith("ws")
    ? webSocket(rpcUrl, { retryCount: 0 })
    : http(rpcUrl, {
        retryCount: 0,
        ...(options.onRequest ? { onFetchRequest: () => options.onRequest!() } : {}),
      });
  const pollingInterval = options.pollingInterval ?? 50;
  const probe = createPublicClient({ transport, pollingInterval });
  const chainId = await probe.getChainId();
  const chain = {
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const;
  const publicClient = createPublicClient({ transport, chain, pollingInterval });
  const walletClient = createWalletClient({ account, transport, chain, pollingInterval });
  return { publicClient, walletClient, chainId };
}
