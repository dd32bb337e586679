import type { PricesStruct } from "../../node/prices.ts";
import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link updatePrices}. */
export type UpdatePricesParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
  /** The new prices struct (`Prices.from(...).toStruct()`). */
  prices: PricesStruct;
};
/** What {@link updatePrices} returns: the mined transaction. */
export type UpdatePricesReturnType = TransactionResult;
/** What {@link updatePrices} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type UpdatePricesErrorType = SandrunError;

/**
 * Replaces a node's prices (owner only). Emits `PricesUpdated`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { updatePrices } from "sandrun/client/actions/registry/updatePrices.ts";
 * await updatePrices({ publicClient, walletClient }, { registry, nodeId: 1n, prices: prices.toStruct() });
 * ```
 */
export async function updatePrices(
  client: SandrunClient,
  parameters: UpdatePricesParameters,
): Promise<UpdatePricesReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "updatePrices", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "updatePrices",
      args: [p.nodeId, p.prices],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
