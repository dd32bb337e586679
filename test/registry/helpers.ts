/**
 * Shared fixtures for the registry and pool tests and the registry gas benchmark: sample
 * capabilities and prices, and a deployment of NodeRegistry with its test tokens and a
 * job-market harness (a real contract keeping the nodes' ledgers with the market's own code,
 * NodeAccounts, and exposing the job steps' ledger operations).
 */
import { parseEther, stringToHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";
import type { HardhatViemHelpers } from "@nomicfoundation/hardhat-viem/types";

/** Minimum ETH bond the fixture's registry requires for a node to be active. */
export const MIN_BOND = parseEther("0.1");
/** Unbonding delay of the fixture's registry (seconds). */
export const UNBONDING_DELAY = 7 * 24 * 3600;
/** Heartbeat epoch length of the fixture's registry (seconds). */
export const EPOCH = 3600;

/** A left-aligned, zero-padded bytes16 code such as a GPU model or region. */
export function code16(text: string): Hex {
  return stringToHex(text, { size: 16 });
}

/** The capabilities struct of a typical GPU node (overridable per field). */
export function sampleCapabilities(over: Partial<Capabilities> = {}): Capabilities {
  return {
    gpuModel: code16("a100"),
    gpuCount: 8,
    gpuMemoryGB: 80,
    gpuComputeCapability: 80,
    gpuInterconnect: 1,
    cpuArch: 0,
    cpuCores: 64,
    cpuThreads: 128,
    cpuMHz: 3500,
    memoryGB: 1024,
    memoryType: 1,
    memoryMHz: 4800,
    storageType: 1,
    storageGB: 8000,
    storageIOPS: 1_000_000,
    bandwidthMbps: 10_000,
    latencyMs: 12,
    region: code16("us-east-1"),
    ...over,
  };
}

/** The prices struct of a typical node, in ETH base units (overridable per field). */
export function samplePrices(over: Partial<Prices> = {}): Prices {
  return {
    gpuHour: parseEther("0.001"),
    cpuCoreHour: parseEther("0.00001"),
    memoryGBHour: parseEther("0.000001"),
    storageGBHour: 1_000_000n,
    networkGB: parseEther("0.00002"),
    perJob: parseEther("0.0001"),
    minimumJob: parseEther("0.0002"),
    token: zeroAddress,
    ...over,
  };
}

/** Mirrors the Solidity `Capabilities` struct. */
export interface Capabilities {
  gpuModel: Hex;
  gpuCount: number;
  gpuMemoryGB: number;
  gpuComputeCapability: number;
  gpuInterconnect: number;
  cpuArch: number;
  cpuCores: number;
  cpuThreads: number;
  cpuMHz: number;
  memoryGB: number;
  memoryType: number;
  memoryMHz: number;
  storageType: number;
  storageGB: number;
  storageIOPS: number;
  bandwidthMbps: number;
  latencyMs: number;
  region: Hex;
}

/** Mirrors the Solidity `Prices` struct. */
export interface Prices {
  gpuHour: bigint;
  cpuCoreHour: bigint;
  memoryGBHour: bigint;
  storageGBHour: bigint;
  networkGB: bigint;
  perJob: bigint;
  minimumJob: bigint;
  token: Address;
}

export const SAMPLE_METADATA_HASH: Hex = `0x${"ab".repeat(32)}`;
export const SAMPLE_METADATA_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
export { zeroHash };

/**
 * Deploys NodeRegistry (admin = first wallet) with a MockERC20 allow-listed as a bond token,
 * plus a JobMarketHarness, set as the registry's job market unless `harnessAsMarket` is false
 * (then `deployPools` makes a real market the job market).
 */
export async function deployRegistry(viem: HardhatViemHelpers, options: { harnessAsMarket?: boolean } = {}) {
  const wallets = await viem.getWalletClients();
  const wallet = (i: number) => {
    const w = wallets[i];
    if (!w) throw new Error(`Hardhat network needs at least 5 accounts, has ${wallets.length}`);
    return w;
  };
  const [admin, alice, bob, carol, mallory] = [wallet(0), wallet(1), wallet(2), wallet(3), wallet(4)];
  const registry = await viem.deployContract("NodeRegistry", [
    admin.account.address,
    MIN_BOND,
    UNBONDING_DELAY,
    EPOCH,
  ]);
  const token = await viem.deployContract("MockERC20", ["Mock USD", "mUSD", 6]);
  await registry.write.setBondToken([token.address, true, 100_000_000n]);
  const harness = await viem.deployContract("JobMarketHarness", [registry.address]);
  // The market keeps the nodes' bond ledgers: no bond before one is set. `deployPools` sets a real one.
  if (options.harnessAsMarket ?? true) await registry.write.setJobMarket([harness.address]);
  const publicClient = await viem.getPublicClient();
  return { registry, token, harness, publicClient, admin, alice, bob, carol, mallory };
}

/**
 * Pools over `registry`, where they live in production: at a JobMarket's address (the market
 * delegatecalls PoolRegistry's code for the pool functions). The market becomes the registry's
 * job market (the registry's admin is the first wallet): pools read the nodes' ledgers there.
 * @returns the market's address typed with PoolRegistry's ABI
 */
export async function deployPools(viem: HardhatViemHelpers, registry: Address) {
  const [admin] = await viem.getWalletClients();
  const owner = admin!.account.address;
  const module = await viem.deployContract("PoolRegistry", [registry]);
  const settlement = await viem.deployContract("JobMarketSettlement", [registry]);
  const extension = await viem.deployContract("JobMarketExtension", [registry, settlement.address]);
  const market = await viem.deployContract("JobMarket", [
    registry,
    module.address,
    settlement.address,
    extension.address,
    owner,
    owner,
    0,
    zeroAddress,
    0,
    0n,
    0,
  ]);
  const nodeRegistry = await viem.getContractAt("NodeRegistry", registry);
  await nodeRegistry.write.setJobMarket([market.address]);
  return viem.getContractAt("PoolRegistry", market.address);
}
