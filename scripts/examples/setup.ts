/**
 * Shared set-up of the pool examples: the protocol deployed with the Ignition module on
 * Hardhat's in-process chain, an operator's Sandrun root that seeds nodes with the client's
 * NodeBuilder, and the requester's root with the pool and job builders plugged in.
 */
import { network } from "hardhat";

import SandrunModule from "../../ignition/modules/Sandrun.ts";
import type { NodeCapabilities, PricingModel } from "../../client/node/types.ts";
import { createPoolBuilderFactory, jobBuilderFactory } from "../../client/pool/factory.ts";
import { createSandrun } from "../../client/sandrun.ts";

/** One node to seed: its capabilities, region and prices (the NodeBuilder's vocabulary). */
export type SeedSpec = {
  alias: string;
  capabilities: NodeCapabilities;
  region: string;
  pricing: PricingModel;
};

/** A typical GPU node, overridable. */
export function gpuNode(alias: string, over: Partial<SeedSpec> = {}): SeedSpec {
  return {
    alias,
    capabilities: {
      gpu: { type: "a100", memory: "80GB", count: 4, computeCapability: 8.0, interconnect: "nvlink" },
      cpu: { architecture: "x86_64", cores: 32, threads: 64, frequency: 3000, features: ["avx2"] },
      memory: { total: 256, type: "ddr5", speed: 4800 },
      storage: { type: "nvme", capacity: 4000, iops: 600_000 },
      network: { bandwidth: 25_000, latency: 5 },
    },
    region: "us-east-1",
    pricing: { gpu: { perHour: "0.05" }, cpu: { perCoreHour: "0.001" }, currency: "ETH" },
    ...over,
  };
}

/** Deploys the protocol and returns the operator's and requester's roots. */
export async function setup() {
  const connection = await network.create();
  const { viem, ignition, networkHelpers } = connection;
  const [, requester, operator] = await viem.getWalletClients();
  const { nodeRegistry, poolRegistry, jobMarket } = await ignition.deploy(SandrunModule);
  const publicClient = await viem.getPublicClient();
  const deployment = { nodeRegistry, poolRegistry, jobMarket };
  // A node's availability counts heartbeat epochs (an hour of chain time): the examples start at
  // the beginning of one, so their few seconds never straddle two (a node registered in one epoch
  // and discovered in the next, with no heartbeat there, would show availability 0.5).
  const epoch = BigInt(await nodeRegistry.read.epochLength());
  const now = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increaseTo(now - (now % epoch) + epoch);
  const operatorSandrun = createSandrun({ publicClient, walletClient: operator, deployment });
  // The design's `sandrun` is the requester's root. The pool and job builders are plugged in
  // through createSandrun's factories (the root's documented extension point).
  const sandrun = createSandrun({
    publicClient,
    walletClient: requester,
    deployment,
    pool: createPoolBuilderFactory({ pollingInterval: 0 }), // scripts drive event delivery
    job: jobBuilderFactory,
  });

  /** Registers every spec with the NodeBuilder (bond 1 ETH each); returns their ids. */
  async function seed(specs: readonly SeedSpec[]): Promise<string[]> {
    const ids: string[] = [];
    for (const s of specs) {
      const node = await operatorSandrun
        .node()
        .alias(s.alias)
        .capabilities(s.capabilities)
        .region(s.region)
        .pricing(s.pricing)
        .bondAmount("1.0", "ETH")
        .register();
      ids.push(node.id);
    }
    return ids;
  }
  return {
    connection,
    viem,
    networkHelpers,
    sandrun,
    operatorSandrun,
    seed,
    requester,
    operator,
    publicClient,
    deployment,
  };
}

/** True when the file is run directly (`node scripts/examples/x.ts`), not imported by a test. */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && new URL(url).pathname === process.argv[1];
}
