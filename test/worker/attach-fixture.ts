/**
 * Shared set-up of the worker tests on Hardhat's in-process chain: the Sandrun deployment,
 * three operators registering nodes through the worker-enabled root (`createSandrun` of
 * client/worker/attach.ts), a 2-of-3 strict pool and real JS jobs posted with escrow.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import pino from "pino";
import { parseEther, zeroAddress, type Hex } from "viem";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { postJob } from "../../client/actions/market/postJob.ts";
import { createPool } from "../../client/actions/pools/createPool.ts";
import { JobBuilder, type Job } from "../../client/job/JobBuilder.ts";
import type { Node } from "../../client/node/node.ts";
import { createSandrun } from "../../client/worker/attach.ts";
import { RIG_CAPABILITIES } from "../job/workers.ts";

/** Price per node of every job the fixture posts. */
export const PRICE = parseEther("0.01");

/**
 * A fresh chain with Sandrun deployed (challenge window 0), and helpers to register nodes
 * (each with its own state dir under `stateRoot`), build JS jobs, post them and make pools.
 * Call `shutdownAll()` after each test: it stops whatever the test left listening.
 */
export async function attachFixture(stateRoot: string) {
  const connection = await network.create();
  const { viem, ignition } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const deployed = await ignition.deploy(SandrunModule, {
    parameters: { Sandrun: { minBond: parseEther("0.1"), challengeWindow: 0 } },
  });
  const requester = wallets[1]!;
  const operators = [wallets[2]!, wallets[3]!, wallets[4]!];
  const logger = pino(
    { level: process.env.WORKER_LOG ? "debug" : "silent" },
    process.env.WORKER_LOG ? pino.destination(process.env.WORKER_LOG) : undefined,
  );
  const nodes: Node[] = [];
  const register = async (i: number, identity?: Hex): Promise<Node> => {
    const sandrun = createSandrun({
      publicClient,
      walletClient: operators[i]!,
      deployment: deployed,
      worker: {
        logger,
        config: {
          stateDir: mkdtempSync(join(stateRoot, "run-")),
          pollIntervalMs: 100,
          heartbeatIntervalMs: 0,
        },
      },
    });
    let b = sandrun
      .node()
      .alias(`rig-${i}`)
      .capabilities(RIG_CAPABILITIES)
      .region("us-west-2")
      .pricing({ cpu: { perCoreHour: "0.02" }, currency: "ETH" })
      .bondAmount("1.0", "ETH");
    if (identity) b = b.identity(identity);
    const node = await b.register();
    nodes.push(node);
    return node;
  };
  const job = async (expr: string): Promise<Job> =>
    new JobBuilder()
      .code(`console.log(String(${expr}));`)
      .runtime("js")
      .timeout(5_000)
      .memory("128MB")
      .build();
  const post = async (poolId: bigint, j: Job) =>
    (
      await postJob(
        { publicClient, walletClient: requester },
        {
          jobMarket: deployed.jobMarket.address,
          request: {
            poolId,
            specHash: j.specHash,
            runtime: "js",
            redundancy: 3,
            resources: j.resources,
            token: zeroAddress,
            pricePerNode: PRICE,
            collateralPerNode: parseEther("0.05"),
            commitWindow: 600,
            revealWindow: 600,
            inlineSpec: `0x${Buffer.from(j.specBytes).toString("hex")}`,
          },
        },
      )
    ).jobId;
  const pool = async (nodes: Node[]) =>
    (
      await createPool(
        { publicClient, walletClient: requester },
        {
          poolRegistry: deployed.poolRegistry.address,
          policy: { consensus: "2-of-3", verification: "strict" },
          nodes: nodes.map((n) => n.nodeId),
        },
      )
    ).poolId;
  const market = await viem.getContractAt("JobMarket", deployed.jobMarket.address);
  // Stops every node's worker and watchers: a test that failed half-way must not leave them
  // polling (they would keep the test process alive after the last test).
  const shutdownAll = async () => {
    await Promise.allSettled(nodes.map((n) => n.shutdown()));
  };
  return { connection, publicClient, deployed, operators, register, job, post, pool, market, shutdownAll };
}
