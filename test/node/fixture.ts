/**
 * Fixture for the node API integration tests: the whole protocol deployed by the real Ignition
 * module, a MockERC20 "USDC" (6 decimals) allow-listed for bonds, and a Sandrun root per wallet.
 */
import { network } from "hardhat";
import { parseEther, zeroAddress } from "viem";
import type { Address } from "viem";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { createSandrun } from "../../client/index.ts";

export const MIN_BOND = parseEther("0.1");

export async function deployNodeFixture() {
  const connection = await network.create();
  const { viem, ignition, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [admin, operator, other, requester] = [wallets[0]!, wallets[1]!, wallets[2]!, wallets[3]!];
  const deployed = await ignition.deploy(SandrunModule, {
    parameters: { Sandrun: { minBond: MIN_BOND, challengeWindow: 3600 } },
  });
  const usdc = await viem.deployContract("MockERC20", ["USD Coin", "USDC", 6]);
  const registry = await viem.getContractAt("NodeRegistry", deployed.nodeRegistry.address);
  await registry.write.setBondToken([usdc.address, true, 1_000_000n]);
  await usdc.write.mint([operator.account.address, 1_000_000_000n]);
  const deployment = { ...deployed, tokens: { USDC: usdc.address as Address } };
  const sandrunFor = (
    wallet: (typeof wallets)[number],
    extra: Partial<Parameters<typeof createSandrun>[0]> = {},
  ) => createSandrun({ publicClient, walletClient: wallet, deployment, ...extra });
  return {
    connection,
    viem,
    networkHelpers,
    publicClient,
    admin,
    operator,
    other,
    requester,
    deployed,
    registry,
    usdc,
    deployment,
    sandrun: sandrunFor(operator),
    sandrunFor,
    ETH: zeroAddress,
  };
}

export const basicCapabilities = {
  gpu: { type: "rtx4090", memory: "24GB", count: 2 },
  cpu: { cores: 16, threads: 32, frequency: 3600 },
  memory: { total: 64, type: "ddr4" as const, speed: 3200 },
  storage: { type: "nvme" as const, capacity: 2000, iops: 100000 },
  network: { bandwidth: 1000, latency: 10 },
};
