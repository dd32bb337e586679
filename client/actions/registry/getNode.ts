import type { AbiParameterToPrimitiveType, Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

type GetNodeOutput = Extract<
  (typeof nodeRegistryAbi)[number],
  { type: "function"; name: "getNode" }
>["outputs"][0];

/** The registry's `NodeView` struct, typed from the generated ABI. */
export type NodeView = AbiParameterToPrimitiveType<GetNodeOutput>;

/**
 * The registry's `NodeStatus` enumeration, by ABI value, so a {@link NodeView}'s numeric
 * `status` reads as a name.
 *
 * @example
 * ```ts
 * import { getNode, NODE_STATUSES } from "sandrun/client/actions/registry/getNode.ts";
 * const view = await getNode({ publicClient }, { registry, nodeId: 1n });
 * NODE_STATUSES[view.status]; // "active"
 * ```
 */
export const NODE_STATUSES = ["none", "active", "paused", "deregistered"] as const;

/** Parameters of {@link getNode}. */
export type GetNodeParameters = { registry: Address; nodeId: bigint; blockNumber?: bigint };
/** What {@link getNode} returns. */
export type GetNodeReturnType = NodeView;
/** What {@link getNode} throws (`NodeRegistryUnknownNode` decoded as `UnknownOnChainIdError`). */
export type GetNodeErrorType = SandrunError;

/**
 * Reads everything about one node.
 *
 * @example
 * ```ts
 * import { getNode } from "sandrun/client/actions/registry/getNode.ts";
 * const view = await getNode({ publicClient }, { registry, nodeId: 1n });
 * view.capabilities.gpuCount;
 * ```
 */
export async function getNode(
  client: SandrunClient,
  parameters: GetNodeParameters,
): Promise<GetNodeReturnType> {
  return readDecoded(registryErrorAbis, () =>
    client.publicClient.readContract({
      address: parameters.registry,
      abi: nodeRegistryAbi,
      functionName: "getNode",
      args: [parameters.nodeId],
      ...(parameters.blockNumber !== undefined ? { blockNumber: parameters.blockNumber } : {}),
    }),
  );
}
