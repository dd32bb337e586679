/**
 * Adds a registered, not deregistered node to a pool (pool owner only). Emits NodeJoinedPool.
 * @module
 */
import type { Address, Hash } from "viem";

import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";

/** Parameters of {@link addNode}. */
export type AddNodeParameters = {
  readonly poolRegistry: Address;
  readonly poolId: bigint;
  readonly nodeId: bigint;
};
/** What {@link addNode} returns. */
export type AddNodeReturnType = { readonly hash: Hash };
/** Errors {@link addNode} throws: PoolRegistryError subclasses (UnauthorizedError for a non-owner), MissingConfigurationError. */
export type AddNodeErrorType = Error;

/**
 * Adds a registered, not deregistered node to a pool (pool owner only). Emits NodeJoinedPool.
 *
 * @example
 * ```ts
 * import { addNode } from "sandrun/client/actions/pools/addNode.ts";
 * await addNode({ publicClient, walletClient }, { poolRegistry, poolId: 1n, nodeId: 7n });
 * ```
 */
export async function addNode(
  client: SandrunClient,
  parameters: AddNodeParameters,
): Promise<AddNodeReturnType> {
  const { hash } = await sendSimulated(client, "addNode", [poolRegistryAbi], (account) =>
    client.publicClient.simulateContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "addNode",
      args: [parameters.poolId, parameters.nodeId],
      account,
    }),
  );
  return { hash };
}
