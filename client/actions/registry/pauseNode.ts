import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link pauseNode}. */
export type PauseNodeParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
};
/** What {@link pauseNode} returns: the mined transaction. */
export type PauseNodeReturnType = TransactionResult;
/** What {@link pauseNode} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type PauseNodeErrorType = SandrunError;

/**
 * Stops a node taking new work; running jobs continue (owner only). Emits `NodePaused`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { pauseNode } from "sandrun/client/actions/registry/pauseNode.ts";
 * await pauseNode({ publicClient, walletClient }, { registry, nodeId: 1n });
 * ```
 */
export async function pauseNode(
  client: SandrunClient,
  parameters: PauseNodeParameters,
): Promise<PauseNodeReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "pauseNode", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "pauseNode",
      args: [p.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
