import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link getBondInfo}. */
export type GetBondInfoParameters = { registry: Address; nodeId: bigint };
/** What {@link getBondInfo} returns: the registry's `BondInfo` (base units). */
export type GetBondInfoReturnType = {
  token: Address;
  bond: bigint;
  locked: bigint;
  unbonding: bigint;
  unbondReadyAt: number;
  withdrawable: bigint;
};
/** What {@link getBondInfo} throws. */
export type GetBondInfoErrorType = SandrunError;

/**
 * Reads a node's bond accounting, including what `withdrawBond` would pay now.
 *
 * @example
 * ```ts
 * import { getBondInfo } from "sandrun/client/actions/registry/getBondInfo.ts";
 * const { bond, locked } = await getBondInfo({ publicClient }, { registry, nodeId: 1n });
 * ```
 */
export async function getBondInfo(
  client: SandrunClient,
  parameters: GetBondInfoParameters,
): Promise<GetBondInfoReturnType> {
  return readDecoded(registryErrorAbis, () =>
    client.publicClient.readContract({
      address: parameters.registry,
      abi: nodeRegistryAbi,
      functionName: "bondInfo",
      args: [parameters.nodeId],
    }),
  );
}
