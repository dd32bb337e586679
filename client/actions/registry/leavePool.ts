import type { Abi, Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

const abis: readonly Abi[] = [poolRegistryAbi, nodeRegistryAbi];

/** Parameters of {@link leavePool}. */
export type LeavePoolParameters = {
  /** The PoolRegistry address. */
  poolRegistry: Address;
  poolId: bigint;
  nodeId: bigint;
};
/** What {@link leavePool} returns: the mined transaction. */
export type LeavePoolReturnType = TransactionResult;
/** What {@link leavePool} throws (decoded `PoolRegistry…` reverts). */
export type LeavePoolErrorType = SandrunError;

/**
 * Leaves a pool; affects only future jobs (node owner only). Emits `NodeLeftPool`.
 *
 * @example
 * ```ts
 * import { leavePool } from "sandrun/client/actions/registry/leavePool.ts";
 * await leavePool({ publicClient, walletClient }, { poolRegistry, poolId: 1n, nodeId: 7n });
 * ```
 */
export async function leavePool(
  client: SandrunClient,
  parameters: LeavePoolParameters,
): Promise<LeavePoolReturnType> {
  const { hash, receipt } = await sendSimulated(client, "leavePool", abis, (account) =>
    client.publicClient.simulateContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "leavePool",
      args: [parameters.poolId, parameters.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
