import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link deregisterNode}. */
export type DeregisterNodeParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
};
/** What {@link deregisterNode} returns: the mined transaction. */
export type DeregisterNodeReturnType = TransactionResult;
/** What {@link deregisterNode} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type DeregisterNodeErrorType = SandrunError;

/**
 * Retires a node for good; its whole bond starts unbonding (owner only, nothing locked). Emits `NodeDeregistered`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { deregisterNode } from "sandrun/client/actions/registry/deregisterNode.ts";
 * await deregisterNode({ publicClient, walletClient }, { registry, nodeId: 1n });
 * ```
 */
export async function deregisterNode(
  client: SandrunClient,
  parameters: DeregisterNodeParameters,
): Promise<DeregisterNodeReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "deregisterNode", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "deregister",
      args: [p.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
