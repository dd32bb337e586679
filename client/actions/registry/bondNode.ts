import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link bondNode}. */
export type BondNodeParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
  /** Base units to add, in the node's bond token. */
  amount: bigint;
  /** The node's bond token: `0x0…0` (ETH) sends `amount` as value; an ERC-20 must be approved first. */
  bondToken: Address;
};
/** What {@link bondNode} returns: the mined transaction. */
export type BondNodeReturnType = TransactionResult;
/** What {@link bondNode} throws. */
export type BondNodeErrorType = SandrunError;

/**
 * Adds to a node's bond (owner only). Emits `Bonded`.
 *
 * @example
 * ```ts
 * import { bondNode } from "sandrun/client/actions/registry/bondNode.ts";
 * await bondNode({ publicClient, walletClient }, { registry, nodeId: 1n, amount: parseEther("1"), bondToken: zeroAddress });
 * ```
 */
export async function bondNode(
  client: SandrunClient,
  parameters: BondNodeParameters,
): Promise<BondNodeReturnType> {
  const p = parameters;
  const isEth = BigInt(p.bondToken) === 0n;
  const { hash, receipt } = await sendSimulated(client, "bondNode", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "bond",
      args: [p.nodeId, p.amount],
      value: isEth ? p.amount : 0n,
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
