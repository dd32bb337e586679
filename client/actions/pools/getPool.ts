/**
 * Reads a pool: owner, policy, requirements and member count.
 * @module
 */
import type { Address } from "viem";

import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import {
  decodePolicy,
  decodeRequirements,
  type PoolPolicyStruct,
  type PoolPolicyView,
  type PoolRequirementsInput,
  type PoolRequirementsStruct,
} from "./policy.ts";

/** Parameters of {@link getPool}. */
export type GetPoolParameters = {
  readonly poolRegistry: Address;
  readonly poolId: bigint;
  readonly blockNumber?: bigint;
};
/** What {@link getPool} returns. */
export type GetPoolReturnType = {
  readonly poolId: bigint;
  readonly owner: Address;
  readonly policy: PoolPolicyView;
  readonly requirements: Required<PoolRequirementsInput>;
  readonly memberCount: number;
};
/** Errors {@link getPool} throws: UnknownOnChainIdError (`PoolRegistryUnknownPool`). */
export type GetPoolErrorType = Error;

/**
 * Reads one pool.
 *
 * @example
 * ```ts
 * import { getPool } from "sandrun/client/actions/pools/getPool.ts";
 * const pool = await getPool({ publicClient }, { poolRegistry, poolId: 1n });
 * console.log(pool.policy.consensus, pool.memberCount);
 * ```
 */
export async function getPool(
  client: SandrunClient,
  parameters: GetPoolParameters,
): Promise<GetPoolReturnType> {
  const [owner, policy, requirements, memberCount] = await readDecoded([poolRegistryAbi], () =>
    client.publicClient.readContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "getPool",
      args: [parameters.poolId],
      ...(parameters.blockNumber === undefined ? {} : { blockNumber: parameters.blockNumber }),
    }),
  );
  return {
    poolId: parameters.poolId,
    owner,
    policy: decodePolicy(policy as PoolPolicyStruct),
    requirements: decodeRequirements(requirements as PoolRequirementsStruct),
    memberCount: Number(memberCount),
  };
}
