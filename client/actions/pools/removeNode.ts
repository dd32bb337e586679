/**
 * Removes a member from a pool (pool owner only). Emits NodeLeftPool.
 * @module
 */
import type { Address, Hash } from "viem";

import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";

/** Parameters of {@link removeNode}. */
export type RemoveNodeParameters = {
  readonly poolRegistry: Address;
  readonly poolId: bigint;
  readonly nodeId: bigint;
};
/** What {@link removeNode} returns. */
export type RemoveNodeReturnType = { readonly hash: Hash };
/** Errors {@link removeNode} throws: PoolRegistryError subclasses (UnauthorizedError for a non-owner), MissingConfigurationError. */
export type RemoveNodeErrorType = Error;

/**
 * Removes a member from a pool (pool owner only). Emits NodeLeftPool.
 *
 * @example
 * ```ts
 * import { removeNode } from "sandrun/client/actions/pools/removeNode.ts";
 * await removeNode({ publicClient, walletClient }, { poolRegistry, poolId: 1n, nodeId: 7n });
 * ```
 */
export async function removeNode(
  client: SandrunClient,
  parameters: RemoveNodeParameters,
): Promise<RemoveNodeReturnType> {
  const { hash } = await sendSimulated(client, "removeNode", [poolRegistryAbi], (account) =>
    client.publicClient.simulateContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "removeNode",
      args: [parameters.poolId, parameters.nodeId],
      account,
    }),
  );
  return { hash };
}
