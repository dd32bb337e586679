import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link heartbeatNode}. */
export type HeartbeatNodeParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
};
/** What {@link heartbeatNode} returns: the mined transaction. */
export type HeartbeatNodeReturnType = TransactionResult;
/** What {@link heartbeatNode} throws (a decoded `NodeRegistry…` revert, or a missing wallet). */
export type HeartbeatNodeErrorType = SandrunError;

/**
 * Records that the node is alive, one storage write (owner or signer). Emits `Heartbeat`.
 * Waits for the receipt; reverts are decoded into typed errors.
 *
 * @example
 * ```ts
 * import { heartbeatNode } from "sandrun/client/actions/registry/heartbeatNode.ts";
 * await heartbeatNode({ publicClient, walletClient }, { registry, nodeId: 1n });
 * ```
 */
export async function heartbeatNode(
  client: SandrunClient,
  parameters: HeartbeatNodeParameters,
): Promise<HeartbeatNodeReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "heartbeatNode", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "heartbeat",
      args: [p.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
