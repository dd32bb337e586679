import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link cancelUnbond}. */
export type CancelUnbondParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
};
/** What {@link cancelUnbond} returns: the mined transaction. */
export type CancelUnbondReturnType = TransactionResult;
/** What {@link cancelUnbond} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type CancelUnbondErrorType = SandrunError;

/**
 * Cancels a pending unbonding request (owner only). Emits `UnbondCancelled`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { cancelUnbond } from "sandrun/client/actions/registry/cancelUnbond.ts";
 * await cancelUnbond({ publicClient, walletClient }, { registry, nodeId: 1n });
 * ```
 */
export async function cancelUnbond(
  client: SandrunClient,
  parameters: CancelUnbondParameters,
): Promise<CancelUnbondReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "cancelUnbond", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "cancelUnbond",
      args: [p.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
