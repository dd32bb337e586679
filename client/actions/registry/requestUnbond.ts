import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link requestUnbond}. */
export type RequestUnbondParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
  /** Base units of free bond to withdraw after the unbonding delay. */
  amount: bigint;
};
/** What {@link requestUnbond} returns: the mined transaction. */
export type RequestUnbondReturnType = TransactionResult;
/** What {@link requestUnbond} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type RequestUnbondErrorType = SandrunError;

/**
 * Asks to withdraw part of the bond after the unbonding delay (owner only). Emits `UnbondRequested`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { requestUnbond } from "sandrun/client/actions/registry/requestUnbond.ts";
 * await requestUnbond({ publicClient, walletClient }, { registry, nodeId: 1n, amount: parseEther("1") });
 * ```
 */
export async function requestUnbond(
  client: SandrunClient,
  parameters: RequestUnbondParameters,
): Promise<RequestUnbondReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "requestUnbond", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "requestUnbond",
      args: [p.nodeId, p.amount],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
