/**
 * The demo's chain: Hardhat's in-process chain (default) or an external JSON-RPC endpoint
 * (`--rpc <url>`, e.g. `npx hardhat node`), with the whole protocol deployed by the real
 * Ignition module (ignition/modules/Sandrun.ts).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import SandrunModule from "../../ignition/modules/Sandrun.ts";

/** Hardhat's well-known development mnemonic: the accounts of `hardhat node` and the in-process chain. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const ROOT = join(import.meta.dirname, "..", "..");

/** A wallet able to send transactions. */
export type Wallet = WalletClient<Transport, Chain | undefined, Account>;

/** What the rest of the demo needs from the chain. */
export type DemoChain = {
  readonly mode: "embedded" | "rpc";
  readonly rpcUrl: string | undefined;
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  /** Dev accounts: [0] deployer/treasury, [1] requester, [2..] node operators. */
  readonly wallets: readonly Wallet[];
  /** Contract addresses, as the client's `deployment` takes them. */
  readonly deployment: { nodeRegistry: Address; poolRegistry: Address; jobMarket: Address };
  /** The block the deployment finished in (workers scan from here). */
  readonly deployBlock: bigint;
  /** Ignition's deployment id (rpc mode: a fresh one per run). */
  readonly deploymentId: string | undefined;
  /** The private key of dev account `index` (worker processes in rpc mode). */
  keyOf(index: number): Hex;
  close(): Promise<void>;
};

/**
 * Connects and deploys. Payouts are not held (`challengeWindow` 0) so the demo can show
 * payments credited and withdrawn at once; a real deployment keeps the default day.
 */
export async function startChain(rpcUrl: string | undefined): Promise<DemoChain> {
  const connection = rpcUrl
    ? await network.create({ network: "localhost", override: { url: rpcUrl } })
    : await network.create();
  const { viem, ignition } = connection;
  // Ignition journals deployments to http networks under ignition/deployments/<id>: a fresh id
  // per run, so a restarted `hardhat node` (same chain id, empty state) never resumes a stale one.
  const deploymentId = rpcUrl ? `sandrun-demo-${Date.now()}` : undefined;
  const deployed = await ignition.deploy(SandrunModule, {
    parameters: { Sandrun: { challengeWindow: 0 } },
    ...(deploymentId ? { deploymentId } : {}),
    displayUi: false,
  });
  const publicClient = (await viem.getPublicClient()) as unknown as PublicClient<
    Transport,
    Chain | undefined
  >;
  const wallets = (await viem.getWalletClients()) as unknown as Wallet[];
  const deployBlock = await publicClient.getBlockNumber();
  return {
    mode: rpcUrl ? "rpc" : "embedded",
    rpcUrl,
    publicClient,
    wallets,
    deployment: {
      nodeRegistry: deployed.nodeRegistry.address,
      poolRegistry: deployed.poolRegistry.address,
      jobMarket: deployed.jobMarket.address,
    },
    deployBlock,
    deploymentId,
    keyOf(index: number): Hex {
      return toHex(mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).getHdKey().privateKey!);
    },
    async close() {
      await connection.close?.();
      // The journal describes a throwaway chain: nothing will ever resume it.
      if (deploymentId)
        rmSync(join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    },
  };
}
