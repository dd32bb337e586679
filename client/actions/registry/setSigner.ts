import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link setSigner}. */
export type SetSignerParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
  /** The new worker hot key address. */
  signer: Address;
};
/** What {@link setSigner} returns: the mined transaction. */
export type SetSignerReturnType = TransactionResult;
/** What {@link setSigner} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type SetSignerErrorType = SandrunError;

/**
 * Replaces a node's signer, e.g. after a hot key leaked (owner only). Emits `SignerChanged`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { setSigner } from "sandrun/client/actions/registry/setSigner.ts";
 * await setSigner({ publicClient, walletClient }, { registry, nodeId: 1n, signer: newSigner });
 * ```
 */
export async function setSigner(
  client: SandrunClient,
  parameters: SetSignerParameters,
): Promise<SetSignerReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "setSigner", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "setSigner",
      args: [p.nodeId, p.signer],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
