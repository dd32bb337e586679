/**
 * Shared set-up for the node examples: the in-process Hardhat chain, the whole protocol
 * deployed by the real Ignition module, and a Sandrun root for the operator's wallet.
 * A real deployment passes its own clients and the addresses Ignition wrote.
 */
import { network } from "hardhat";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { createSandrun } from "../../client/index.ts";

/** Deploys locally and returns the operator's `sandrun` root plus the chain helpers. */
export async function localSandrun() {
  const connection = await network.create();
  const { viem, ignition } = connection;
  const deployed = await ignition.deploy(SandrunModule);
  const publicClient = await viem.getPublicClient();
  const [, operator] = await viem.getWalletClients();
  const sandrun = createSandrun({ publicClient, walletClient: operator!, deployment: deployed });
  return { sandrun, connection, deployed, publicClient };
}
