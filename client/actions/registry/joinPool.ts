import type { Abi, Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

const abis: readonly Abi[] = [poolRegistryAbi, nodeRegistryAbi];

/** Parameters of {@link joinPool}. */
export type JoinPoolParameters = {
  /** The PoolRegistry address. */
  poolRegistry: Address;
  poolId: bigint;
  nodeId: bigint;
};
/** What {@link joinPool} returns: the mined transaction. */
export type JoinPoolReturnType = TransactionResult;
/** What {@link joinPool} throws (decoded `PoolRegistry…` reverts). */
export type JoinPoolErrorType = SandrunError;

/**
 * Joins an open pool whose requirements the node meets (node owner only). Emits `NodeJoinedPool`; refusals decode to `PoolRegistryPoolClosed`, `PoolRegistryRequirementNotMet(poolId, nodeId, requirement)`, … as typed errors.
 *
 * @example
 * ```ts
 * import { joinPool } from "sandrun/client/actions/registry/joinPool.ts";
 * await joinPool({ publicClient, walletClient }, { poolRegistry, poolId: 1n, nodeId: 7n });
 * ```
 */
export async function joinPool(
  client: SandrunClient,
  parameters: JoinPoolParameters,
): Promise<JoinPoolReturnType> {
  const { hash, receipt } = await sendSimulated(client, "joinPool", abis, (account) =>
    client.publicClient.simulateContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "joinPool",
      args: [parameters.poolId, parameters.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
