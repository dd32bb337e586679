/**
 * Boots a worker daemon from plain inputs (RPC URL, deployment addresses, a key, a state
 * dir): builds the viem clients, finds the node the key acts for, reads its capabilities and
 * prices from the registry, validates the configuration, and starts the loop. Used by
 * `scripts/worker.ts`, the CLI's `worker start` and `attachWorker` (Node.startListening).
 * @module
 */
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import pino, { type Logger } from "pino";
import { createPublicClient, createWalletClient, http, webSocket, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { UnknownIdError } from "../../errors/input.ts";
import type { NodeProfile } from "../decide.ts";
import { parseDaemonConfig, type DaemonConfigInput } from "./config.ts";
import { WorkerDaemon, type NodeEventName } from "./loop.ts";
import { OutputServer } from "./output-server.ts";
import { SignerProver } from "./prover.ts";
import { SandboxRunner } from "./runner.ts";
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
 * Starts a worker.
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
  const config = parseDaemonConfig(p.config);
  const logger = p.logger ?? pino({ name: "sandrun-worker" });
  const account = privateKeyToAccount(p.privateKey);
  // Retries are the daemon's (with backoff and logs), not the transport's.
  const transport = p.rpcUrl.startsWith("ws")
    ? webSocket(p.rpcUrl, { retryCount: 0 })
    : http(p.rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ transport, pollingInterval: 50 });
  const chainId = await publicClient.getChainId();
  const chain = {
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [p.rpcUrl] } },
  } as const;
  const walletClient = createWalletClient({ account, transport, chain });
  const registry = p.deployment.nodeRegistry;

  let nodeId = p.nodeId;
  if (nodeId === undefined) {
    const count = await publicClient.readContract({
      address: registry,
      abi: nodeRegistryAbi,
      functionName: "nodeCount",
    });
    const views = await publicClient.readContract({
      address: registry,
      abi: nodeRegistryAbi,
      functionName: "getNodes",
      args: [1n, count],
    });
    const me = account.address.toLowerCase();
    nodeId = views.find((v) => v.signer.toLowerCase() === me || v.owner.toLowerCase() === me)?.id;
    if (nodeId === undefined) throw new UnknownIdError("node for key", account.address);
  }
  const view = await publicClient.readContract({
    address: registry,
    abi: nodeRegistryAbi,
    functionName: "getNode",
    args: [nodeId],
  });
  const c = view.capabilities;
  const profile: NodeProfile = {
    runtimes: ["wasm", "js", ...(existsSync("/usr/bin/bwrap") ? ["process"] : [])],
    // What the node declared, bounded by this machine: never promise more than it has.
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
  const viemChain = new ViemWorkerChain({
    client: { publicClient, walletClient },
    chainId,
    jobMarket: p.deployment.jobMarket,
    nodeRegistry: registry,
    poolRegistry: p.deployment.poolRegistry,
    nodeId,
    owner: view.owner,
    sender: account.address,
    deployBlock: p.deployment.deployBlock ?? config.fromBlock,
  });
  const publisher = new OutputServer({
    stateDir: config.stateDir,
    inlineMaxBytes: config.inlineOutputMaxBytes,
    host: config.outputHost,
    port: config.outputPort,
  });
  const daemon = new WorkerDaemon({
    config,
    chain: viemChain,
    runner: new SandboxRunner(),
    prover: new SignerProver(account, { chainId, market: p.deployment.jobMarket }, nodeId),
    publisher,
    profile,
    freeBond: () => viemChain.freeBond(),
    logger: logger.child({ nodeId: nodeId.toString() }),
    emit: p.emit ?? ((event, data) => logger.info({ event, ...data }, event)),
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
  return {
    daemon,
    chain: viemChain,
    nodeId,
    async stop() {
      await daemon.stop();
      await publisher.stop();
    },
  };
}
