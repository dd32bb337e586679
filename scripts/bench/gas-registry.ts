/**
 * Measures the gas of every NodeRegistry and PoolRegistry operation on Hardhat's chain, with
 * 10 and then 1,000 nodes registered, to show that no operation's gas grows with the number of
 * nodes. Writes `<out>/gas-registry.json` (default `bench/`), which `scripts/bench/all.ts`
 * merges into bench/results.json; bench/GAS-registry.md explains the figures.
 *
 *   node scripts/bench/gas-registry.ts            # 10 and 1,000 nodes
 *   node scripts/bench/gas-registry.ts --tiny     # 10 and 40 nodes (smoke run)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { encodeFunctionData, type Hash } from "viem";

import {
  EPOCH,
  MIN_BOND,
  SAMPLE_METADATA_HASH,
  SAMPLE_METADATA_URI,
  UNBONDING_DELAY,
  deployPools,
  deployRegistry,
  sampleCapabilities,
  samplePrices,
} from "../../test/registry/helpers.ts";

const { values } = parseArgs({
  options: { out: { type: "string" }, tiny: { type: "boolean", default: false } },
});
const outDir = values.out ?? join(import.meta.dirname, "..", "..", "bench");
const sizes = values.tiny ? [10, 40] : [10, 1000];

const { viem, networkHelpers } = await network.create();
const { registry, token, publicClient, admin, alice, bob } = await deployRegistry(viem, {
  harnessAsMarket: false,
});
// Pools run at a job market's address, as deployed (the market delegatecalls their code); the
// market is the registry's job market and keeps the nodes' ledgers.
const pools = await deployPools(viem, registry.address);

async function gasOf(hash: Promise<Hash>): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error("transaction reverted");
  return Number(receipt.gasUsed);
}

const caps = sampleCapabilities();
const prices = samplePrices();
const asAlice = { account: alice.account };
let registered = 0n;

async function registerMany(target: number): Promise<void> {
  while (Number(registered) < target) {
    await registry.write.register(
      [
        alice.account.address,
        "0x0000000000000000000000000000000000000000",
        0n,
        caps,
        prices,
        SAMPLE_METADATA_HASH,
        SAMPLE_METADATA_URI,
      ],
      asAlice,
    );
    registered++;
  }
}

await token.write.mint([alice.account.address, 10n ** 15n]);
await token.write.approve([registry.address, 2n ** 255n], asAlice);

async function measure(): Promise<Record<string, number>> {
  const g: Record<string, number> = {};
  const zero = "0x0000000000000000000000000000000000000000" as const;
  const args = (bondToken: `0x${string}`, amount: bigint) =>
    [
      bob.account.address,
      bondToken,
      amount,
      caps,
      prices,
      SAMPLE_METADATA_HASH,
      SAMPLE_METADATA_URI,
    ] as const;

  g.register = await gasOf(registry.write.register(args(zero, 0n), asAlice));
  const plain = ++registered;
  g.registerWithEthBond = await gasOf(
    registry.write.register(args(zero, MIN_BOND), { ...asAlice, value: MIN_BOND }),
  );
  const ethNode = ++registered;
  g.registerWithErc20Bond = await gasOf(registry.write.register(args(token.address, 100_000_000n), asAlice));
  const tokenNode = ++registered;

  g.bondEth = await gasOf(registry.write.bond([plain, MIN_BOND], { ...asAlice, value: MIN_BOND }));
  g.bondEthTopUp = await gasOf(registry.write.bond([plain, MIN_BOND], { ...asAlice, value: MIN_BOND }));
  g.bondErc20TopUp = await gasOf(registry.write.bond([tokenNode, 1_000_000n], asAlice));

  // Heartbeats: the signer (bob) in the registration epoch, then in a new epoch; then the owner.
  g.heartbeatSameEpoch = await gasOf(registry.write.heartbeat([ethNode], { account: bob.account }));
  await networkHelpers.time.increase(EPOCH);
  g.heartbeat = await gasOf(registry.write.heartbeat([ethNode], { account: bob.account }));
  await networkHelpers.time.increase(EPOCH);
  g.heartbeatByOwner = await gasOf(registry.write.heartbeat([ethNode], asAlice));

  g.updateCapabilities = await gasOf(
    registry.write.updateCapabilities([plain, { ...caps, gpuCount: 4, latencyMs: 20 }], asAlice),
  );
  g.updatePrices = await gasOf(
    registry.write.updatePrices([plain, { ...prices, gpuHour: prices.gpuHour * 2n }], asAlice),
  );
  g.updateMetadata = await gasOf(
    registry.write.updateMetadata([plain, `0x${"cd".repeat(32)}`, SAMPLE_METADATA_URI], asAlice),
  );
  g.setSigner = await gasOf(registry.write.setSigner([plain, admin.account.address], asAlice));
  g.pauseNode = await gasOf(registry.write.pauseNode([plain], asAlice));
  g.resumeNode = await gasOf(registry.write.resumeNode([plain], asAlice));

  // Locks, releases, slashes and outcomes happen in the job market's own storage, inside job
  // steps: gas-market.ts measures them there.

  g.requestUnbond = await gasOf(registry.write.requestUnbond([plain, MIN_BOND], asAlice));
  g.cancelUnbond = await gasOf(registry.write.cancelUnbond([plain], asAlice));
  await registry.write.requestUnbond([plain, MIN_BOND], asAlice);
  await networkHelpers.time.increase(UNBONDING_DELAY);
  g.withdrawBondEth = await gasOf(registry.write.withdrawBond([plain], asAlice));
  await registry.write.requestUnbond([tokenNode, 1_000_000n], asAlice);
  await networkHelpers.time.increase(UNBONDING_DELAY);
  g.withdrawBondErc20 = await gasOf(registry.write.withdrawBond([tokenNode], asAlice));
  g.deregister = await gasOf(registry.write.deregister([tokenNode], asAlice));

  // Pools: create with 3 members, add, replace, remove, join (open pool), leave.
  await registry.write.bond([plain, MIN_BOND], { ...asAlice, value: MIN_BOND });
  const policy = { strategy: 2, redundancy: 3, verification: 2, open: true, minReputation: 0, minBond: 0n };
  const req = {
    minGpuCount: 1,
    gpuModel: caps.gpuModel,
    minMemoryGB: 16,
    minBandwidthMbps: 100,
    region: caps.region,
  };
  g.createPool3Members = await gasOf(pools.write.createPool([policy, req, [1n, 2n, 3n]], asAlice));
  const poolId = await pools.read.poolCount();
  g.addNode = await gasOf(pools.write.addNode([poolId, 4n], asAlice));
  g.replaceNode = await gasOf(pools.write.replaceNode([poolId, 4n, 5n], asAlice));
  g.removeNode = await gasOf(pools.write.removeNode([poolId, 5n], asAlice));
  g.joinPool = await gasOf(pools.write.joinPool([poolId, plain], asAlice));
  g.leavePool = await gasOf(pools.write.leavePool([poolId, plain], asAlice));
  return g;
}

const bySize: Record<string, Record<string, number>> = {};
for (const size of sizes) {
  await registerMany(size);
  bySize[String(size)] = await measure();
  console.log(`gas with ${size} nodes registered:`, bySize[String(size)]);
}

// Discovery: gas of one page of nodes as an eth_call (Hardhat caps eth_call gas at the block gas
// limit, and since Osaka (EIP-7825) at 2^24 = 16,777,216 gas per transaction; geth serves eth_call up to 50M).
async function viewGas(functionName: "getNodes" | "getNodeStates", count: number) {
  const n = Math.min(count, Number(registered));
  const data = encodeFunctionData({ abi: registry.abi, functionName, args: [1n, BigInt(n)] });
  const gas = Number(await publicClient.estimateGas({ to: registry.address, data }));
  return { nodes: n, gas, gasPerNode: Math.round(gas / n) };
}
const getNodesPage = await viewGas("getNodes", 100);
const getNodeStatesPage = await viewGas("getNodeStates", 1_000);

const small = bySize[String(sizes[0])]!;
const large = bySize[String(sizes[1])]!;
const growth: Record<string, number> = {};
for (const key of Object.keys(small)) growth[key] = large[key]! - small[key]!;

const result = {
  gas: {
    register: large.register,
    registerWithEthBond: large.registerWithEthBond,
    heartbeat: large.heartbeat,
  },
  gasRegistry: { sizes, bySize, growth, getNodesPage, getNodeStatesPage },
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "gas-registry.json"), JSON.stringify(result, null, 2) + "\n");
console.log("growth between sizes:", growth);
console.log("getNodes page:", getNodesPage, "getNodeStates page:", getNodeStatesPage);
