/**
 * Swaps one pool member for another in one transaction (pool owner only). Emits NodeLeftPool
 * then NodeJoinedPool.
 * @module
 */
import type { Address, Hash } from "viem";

import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";

/** Parameters of {@link replaceNode}. */
export type ReplaceNodeParameters = {
  readonly poolRegistry: Address;
  readonly poolId: bigint;
  readonly oldNodeId: bigint;
  readonly newNodeId: bigint;
};
/** What {@link replaceNode} returns. */
export type ReplaceNodeReturnType = { readonly hash: Hash };
/** Errors {@link replaceNode} throws: PoolRegistryError subclasses, MissingConfigurationError. */
export type ReplaceNodeErrorType = Error;

/**
 * Replaces `oldNodeId` with `newNodeId` in the pool.
 *
 * @example
 * ```ts
 * import { replaceNode } from "sandrun/client/actions/pools/replaceNode.ts";
 * await replaceNode({ publicClient, walletClient }, { poolRegistry, poolId: 1n, oldNodeId: 3n, newNodeId: 9n });
 * ```
 */
export async function replaceNode(
  client: SandrunClient,
  parameters: ReplaceNodeParameters,
): Promise<ReplaceNodeReturnType> {
  const { hash } = await sendSimulated(client, "replaceNode", [poolRegistryAbi], (account) =>
    client.publicClient.simulateContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "replaceNode",
      args: [parameters.poolId, parameters.oldNodeId, parameters.newNodeId],
      account,
    }),
  );
  return { hash };
}
