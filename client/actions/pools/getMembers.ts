/**
 * Reads a pool's member ids, in pages of up to 1,000 per call.
 * @module
 */
import type { Address } from "viem";

import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";

/** Member ids per `members` call. */
const PAGE = 1000n;

/** Parameters of {@link getMembers}. */
export type GetMembersParameters = {
  readonly poolRegistry: Address;
  readonly poolId: bigint;
  readonly blockNumber?: bigint;
};
/** What {@link getMembers} returns: member node ids, ascending. */
export type GetMembersReturnType = bigint[];
/** Errors {@link getMembers} throws: UnknownOnChainIdError (`PoolRegistryUnknownPool`). */
export type GetMembersErrorType = Error;

/**
 * Reads every member of a pool at one block (the registry's order changes on removal, so
 * pages are read at the same block and the result is sorted).
 *
 * @example
 * ```ts
 * import { getMembers } from "sandrun/client/actions/pools/getMembers.ts";
 * const ids = await getMembers({ publicClient }, { poolRegistry, poolId: 1n }); // [1n, 4n, 7n]
 * ```
 */
export async function getMembers(
  client: SandrunClient,
  parameters: GetMembersParameters,
): Promise<GetMembersReturnType> {
  const blockNumber = parameters.blockNumber ?? (await client.publicClient.getBlockNumber({ cacheTime: 0 }));
  const read = <T>(fn: () => Promise<T>) => readDecoded([poolRegistryAbi], fn);
  const count = await read(() =>
    client.publicClient.readContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "memberCount",
      args: [parameters.poolId],
      blockNumber,
    }),
  );
  const pages: Promise<readonly bigint[]>[] = [];
  for (let offset = 0n; offset < count; offset += PAGE) {
    pages.push(
      read(() =>
        client.publicClient.readContract({
          address: parameters.poolRegistry,
          abi: poolRegistryAbi,
          functionName: "members",
          args: [parameters.poolId, offset, PAGE],
          blockNumber,
        }),
      ),
    );
  }
  return (await Promise.all(pages)).flat().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
