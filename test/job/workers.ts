/**
 * Hardhat's in-process chain with the protocol deployed by the Ignition module, `count` nodes
 * registered with `sandrun.node()…register()` whose workers run in this process (real
 * sandboxes, real receipts), and the requester's pool context. Workers are started by the test
 * (`startAll`) and stopped by `close()`, so no daemon outlives its file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import pino from "pino";
import { parseEther } from "viem";
import { generatePrivateKey } from "viem/accounts";

import SandrunModule from "../../ignition/modules/Sandrun.ts";
import type { SandrunClient } from "../../client/chain/clients.ts";
import { TokenRegistry } from "../../client/money/index.ts";
import type { Node } from "../../client/node/node.ts";
import type { PoolBuilderContext } from "../../client/pool/PoolBuilder.ts";
import { createSandrun } from "../../client/worker/attach.ts";

export type WorkerFixtureOptions = {
  /** Nodes to register (default 3). */
  readonly count?: number;
  /** Seconds payouts are held after settlement (default 0: paid at once). */
  readonly challengeWindow?: number;
  /** Outputs larger than this are served over HTTP by the worker (default 4096). */
  readonly inlineOutputMaxBytes?: number;
};

/** The machine every worker test registers: a 16-core, 64 GB server (no GPU). */
export const RIG_CAPABILITIES = {
  cpu: { cores: 16, threads: 32, frequency: 3600 },
  memory: { total: 64, type: "ddr4", speed: 3200 },
  storage: { type: "nvme", capacity: 2000, iops: 100000 },
  network: { bandwidth: 1000, latency: 10 },
} as const;

/** Deploys, registers worker nodes (not yet listening) and returns the requester's context. */
export async function deployWithWorkers(options: WorkerFixtureOptions = {}) {
  const connection = await network.create();
  const { viem, ignition, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const deployed = await ignition.deploy(SandrunModule, {
    parameters: {
      Sandrun: { minBond: parseEther("0.1"), challengeWindow: options.challengeWindow ?? 0 },
    },
  });
  const [admin, requester, ...operators] = wallets as [
    (typeof wallets)[number],
    (typeof wallets)[number],
    ...(typeof wallets)[number][],
  ];
  const stateRoot = mkdtempSync(join(tmpdir(), "sandrun-jobtest-"));
  // WORKER_LOG=/path/file writes the workers' structured logs there (debugging a test).
  const logger = pino(
    { level: process.env.WORKER_LOG ? "debug" : "silent" },
    process.env.WORKER_LOG ? pino.destination(process.env.WORKER_LOG) : undefined,
  );
  const nodes: Node[] = [];
  for (let i = 0; i < (options.count ?? 3); i++) {
    const sandrun = createSandrun({
      publicClient,
      walletClient: operators[i]!,
      deployment: deployed,
      worker: {
        logger,
        config: {
          stateDir: join(stateRoot, "state"),
          pollIntervalMs: 100,
          heartbeatIntervalMs: 0,
          inlineOutputMaxBytes: options.inlineOutputMaxBytes ?? 4096,
        },
      },
    });
    nodes.push(
      await sandrun
        .node()
        .alias(`rig-${i}`)
        .capabilities(RIG_CAPABILITIES)
        .region("us-west-2")
        // Cheaper per hour from node 0 up, so "cheapest" has a defined order.
        .pricing({ cpu: { perCoreHour: `0.0${i + 1}` }, currency: "ETH" })
        .bondAmount("1.0", "ETH")
        .register(),
    );
  }
  const requesterClient: SandrunClient = {
    publicClient: publicClient as never,
    walletClient: requester as never,
  };
  const encryptionKey = generatePrivateKey();
  const context: PoolBuilderContext = {
    client: requesterClient,
    nodeRegistry: deployed.nodeRegistry.address,
    poolRegistry: deployed.poolRegistry.address,
    jobMarket: deployed.jobMarket.address,
    tokens: TokenRegistry.native(),
    pollingInterval: 100,
    encryptionKey,
  };
  const market = await viem.getContractAt("JobMarket", deployed.jobMarket.address);
  let listening = false;
  return {
    connection,
    viem,
    networkHelpers,
    publicClient,
    deployed,
    admin,
    requester,
    operators,
    nodes,
    context,
    encryptionKey,
    market,
    stateRoot,
    /** Starts every node's worker (once; later calls do nothing). */
    async startAll(): Promise<void> {
      if (listening) return;
      listening = true;
      for (const n of nodes) await n.startListening();
    },
    async close(): Promise<void> {
      if (listening) for (const n of nodes) await n.shutdown();
      rmSync(stateRoot, { recursive: true, force: true });
    },
  };
}

export type WorkerFixture = Awaited<ReturnType<typeof deployWithWorkers>>;
