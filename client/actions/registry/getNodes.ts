import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";
import type { NodeView } from "./getNode.ts";

/** Parameters of {@link getNodes}. */
export type GetNodesParameters = {
  registry: Address;
  /** First id to read (ids start at 1). Default 1. */
  fromId?: bigint;
  /** Nodes per page. Default 500. */
  pageSize?: bigint;
  /** Stop after this many nodes. Default: all. */
  limit?: bigint;
};
/** What {@link getNodes} returns: the nodes in id order (deregistered ones included; see `status`). */
export type GetNodesReturnType = readonly NodeView[];
/** What {@link getNodes} throws. */
export type GetNodesErrorType = SandrunError;

/**
 * Reads nodes page by page with the registry's paged view (one RPC call per page).
 *
 * @example
 * ```ts
 * import { getNodes } from "sandrun/client/actions/registry/getNodes.ts";
 * const all = await getNodes({ publicClient }, { registry });
 * ```
 */
export async function getNodes(
  client: SandrunClient,
  parameters: GetNodesParameters,
): Promise<GetNodesReturnType> {
  const pageSize = parameters.pageSize ?? 500n;
  const limit = parameters.limit;
  const out: NodeView[] = [];
  let from = parameters.fromId ?? 1n;
  for (;;) {
    const want =
      limit === undefined
        ? pageSize
        : limit - BigInt(out.length) < pageSize
          ? limit - BigInt(out.length)
          : pageSize;
    if (want <= 0n) break;
    const page = await readDecoded(registryErrorAbis, () =>
      client.publicClient.readContract({
        address: parameters.registry,
        abi: nodeRegistryAbi,
        functionName: "getNodes",
        args: [from, want],
      }),
    );
    out.push(...page);
    if (BigInt(page.length) < want) break;
    from = page[page.length - 1]!.id + 1n;
  }
  return out;
}
