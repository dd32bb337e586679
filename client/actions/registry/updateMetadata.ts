import type { Hex } from "viem";
import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link updateMetadata}. */
export type UpdateMetadataParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
  /** keccak256 of the canonical metadata document. */
  metadataHash: Hex;
  /** Where the document lives (a data: URI by default). */
  metadataURI: string;
};
/** What {@link updateMetadata} returns: the mined transaction. */
export type UpdateMetadataReturnType = TransactionResult;
/** What {@link updateMetadata} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type UpdateMetadataErrorType = SandrunError;

/**
 * Replaces a node's metadata hash and announces its URI (owner only). Emits `MetadataUpdated`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { updateMetadata } from "sandrun/client/actions/registry/updateMetadata.ts";
 * await updateMetadata({ publicClient, walletClient }, { registry, nodeId: 1n, metadataHash: doc.hash, metadataURI: doc.uri });
 * ```
 */
export async function updateMetadata(
  client: SandrunClient,
  parameters: UpdateMetadataParameters,
): Promise<UpdateMetadataReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "updateMetadata", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "updateMetadata",
      args: [p.nodeId, p.metadataHash, p.metadataURI],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
