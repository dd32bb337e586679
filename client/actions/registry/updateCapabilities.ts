import type { CapabilitiesStruct } from "../../node/capabilities.ts";
import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link updateCapabilities}. */
export type UpdateCapabilitiesParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
  /** The new capabilities struct (`Capabilities.from(...).toStruct()`). */
  capabilities: CapabilitiesStruct;
};
/** What {@link updateCapabilities} returns: the mined transaction. */
export type UpdateCapabilitiesReturnType = TransactionResult;
/** What {@link updateCapabilities} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type UpdateCapabilitiesErrorType = SandrunError;

/**
 * Replaces a node's capabilities (owner only). Emits `CapabilitiesUpdated`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { updateCapabilities } from "sandrun/client/actions/registry/updateCapabilities.ts";
 * await updateCapabilities({ publicClient, walletClient }, { registry, nodeId: 1n, capabilities: caps.toStruct() });
 * ```
 */
export async function updateCapabilities(
  client: SandrunClient,
  parameters: UpdateCapabilitiesParameters,
): Promise<UpdateCapabilitiesReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "updateCapabilities", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "updateCapabilities",
      args: [p.nodeId, p.capabilities],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
