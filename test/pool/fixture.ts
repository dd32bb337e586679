/**
 * The protocol deployed through the Ignition module on Hardhat's in-process chain, nodes
 * seeded with the client's registry action, and the pool context a requester uses.
 */
import { network } from "hardhat";
import { parseEther, zeroAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { registerNode } from "../../client/actions/registry/registerNode.ts";
import type { SandrunClient } from "../../client/chain/clients.ts";
import { TokenRegistry } from "../../client/money/index.ts";
import type { PoolBuilderContext } from "../../client/pool/PoolBuilder.ts";
import {
  code16,
  sampleCapabilities,
  samplePrices,
  type Capabilities,
  type Prices,
} from "../registry/helpers.ts";

export const BOND = parseEther("1");
export const DISPUTE_PERIOD = 3 * 24 * 3600;

type Wallet = Awaited<
  ReturnType<Awaited<ReturnType<typeof network.create>>["viem"]["getWalletClients"]>
>[number];

/** One seeded node: its id, owner wallet and signer key. */
export type SeededNode = { id: bigint; owner: Wallet; signer: PrivateKeyAccount; signerKey: Hex };

/** A node's variant: capability and price overrides (region and model as plain strings). */
export type NodeSpec = {
  caps?: Partial<Omit<Capabilities, "gpuModel" | "region">> & { gpuModel?: string; region?: string };
  prices?: Partial<Prices>;
  pause?: boolean;
};

export async function deploySandrun(challengeWindow = 24 * 3600) {
  const connection = await network.create();
  const { viem, ignition, networkHelpers } = connection;
  const wallets = await viem.getWalletClients();
  const [admin, requester, ...operators] = wallets;
  const deployed = await ignition.deploy(SandrunModule, {
    parameters: { Sandrun: { challengeWindow, disputePeriod: DISPUTE_PERIOD } },
  });
  const publicClient = await viem.getPublicClient();
  const addresses = {
    nodeRegistry: deployed.nodeRegistry.address,
    poolRegistry: deployed.poolRegistry.address,
    jobMarket: deployed.jobMarket.address,
  };
  const requesterClient: SandrunClient = {
    publicClient: publicClient as never,
    walletClient: requester as never,
  };
  const encryptionKey = generatePrivateKey();
  const context: PoolBuilderContext = {
    client: requesterClient,
    ...addresses,
    tokens: TokenRegistry.native(),
    pollingInterval: 0, // tests drive event delivery with pollEvents()
    encryptionKey,
  };
  const market = await viem.getContractAt("JobMarket", addresses.jobMarket);
  const registry = await viem.getContractAt("NodeRegistry", addresses.nodeRegistry);
  const nodes: SeededNode[] = [];

  /** Registers nodes (operator i % operators), bonded with 1 ETH, one per spec. */
  async function seed(specs: NodeSpec[]): Promise<SeededNode[]> {
    const out: SeededNode[] = [];
    for (const spec of specs) {
      const owner = operators[nodes.length % operators.length]!;
      const signerKey = generatePrivateKey();
      const signer = privateKeyToAccount(signerKey);
      const { gpuModel, region, ...caps } = spec.caps ?? {};
      const { nodeId } = await registerNode(
        { publicClient: publicClient as never, walletClient: owner as never },
        {
          registry: addresses.nodeRegistry,
          signer: signer.address,
          bondToken: zeroAddress,
          bondAmount: BOND,
          capabilities: sampleCapabilities({
            ...caps,
            ...(gpuModel !== undefined ? { gpuModel: code16(gpuModel) } : {}),
            ...(region !== undefined ? { region: code16(region) } : {}),
          }) as never,
          prices: samplePrices(spec.prices) as never,
          metadataHash: `0x${"00".repeat(32)}`,
          metadataURI: "",
        },
      );
      if (spec.pause) await registry.write.pauseNode([nodeId], { account: owner.account });
      const node = { id: nodeId, owner, signer, signerKey };
      nodes.push(node);
      out.push(node);
    }
    return out;
  }

  /** A node reports a result (basic/standard levels) from its owner account. */
  async function report(
    node: SeededNode,
    jobId: bigint | string,
    digest: Hex,
    resultURI: string,
  ): Promise<void> {
    await market.write.report([BigInt(jobId), node.id, digest, 0n, resultURI], {
      account: node.owner.account,
    });
  }

  return {
    connection,
    viem,
    networkHelpers,
    admin: admin!,
    requester: requester!,
    operators,
    addresses,
    context,
    market,
    registry,
    nodes,
    seed,
    report,
    publicClient,
    encryptionKey,
  };
}
