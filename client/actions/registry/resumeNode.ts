import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link resumeNode}. */
export type ResumeNodeParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
};
/** What {@link resumeNode} returns: the mined transaction. */
export type ResumeNodeReturnType = TransactionResult;
/** What {@link resumeNode} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type ResumeNodeErrorType = SandrunError;

/**
 * Lets a paused node take work again (owner only). Emits `NodeResumed`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { resumeNode } from "sandrun/client/actions/registry/resumeNode.ts";
 * await resumeNode({ publicClient, walletClient }, { registry, nodeId: 1n });
 * ```
 */
export async function resumeNode(
  client: SandrunClient,
  parameters: ResumeNodeParameters,
): Promise<ResumeNodeReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "resumeNode", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "resumeNode",
      args: [p.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
