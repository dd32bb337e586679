/**
 * Creates a pool on the PoolRegistry with its policy, requirements and first members.
 * @module
 */
import { parseEventLogs, type Address, type Hash } from "viem";

import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { TransactionFailedError } from "../../errors.ts";
import {
  encodePolicy,
  encodeRequirements,
  type PoolPolicyInput,
  type PoolRequirementsInput,
} from "./policy.ts";

/** Parameters of {@link createPool}. */
export type CreatePoolParameters = {
  readonly poolRegistry: Address;
  readonly policy: PoolPolicyInput;
  readonly requirements?: PoolRequirementsInput | undefined;
  /** Initial members (any registered, not deregistered nodes: the owner's choice). */
  readonly nodes: readonly bigint[];
};
/** What {@link createPool} returns. */
export type CreatePoolReturnType = {
  readonly poolId: bigint;
  readonly hash: Hash;
  readonly members: readonly bigint[];
};
/** Errors {@link createPool} throws: ValidationError, PoolRegistryError and subclasses, MissingConfigurationError. */
export type CreatePoolErrorType = Error;

/**
 * Creates a pool owned by the wallet's account.
 *
 * @example
 * ```ts
 * import { createPool } from "sandrun/client/actions/pools/createPool.ts";
 * const { poolId } = await createPool({ publicClient, walletClient }, {
 *   poolRegistry, policy: { consensus: "2-of-3", verification: "strict" }, nodes: [1n, 2n, 3n],
 * });
 * ```
 */
export async function createPool(
  client: SandrunClient,
  parameters: CreatePoolParameters,
): Promise<CreatePoolReturnType> {
  const policy = encodePolicy(parameters.policy);
  const requirements = encodeRequirements(parameters.requirements);
  const { hash, receipt } = await sendSimulated(client, "createPool", [poolRegistryAbi], (account) =>
    client.publicClient.simulateContract({
      address: parameters.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "createPool",
      args: [policy, requirements, [...parameters.nodes]],
      account,
    }),
  );
  const logs = parseEventLogs({ abi: poolRegistryAbi, logs: receipt.logs });
  const created = logs.find((l) => l.eventName === "PoolCreated");
  if (!created) throw new TransactionFailedError(hash, "PoolCreated event not found");
  const poolId = (created.args as { poolId: bigint }).poolId;
  const members = logs
    .filter((l) => l.eventName === "NodeJoinedPool")
    .map((l) => (l.args as { nodeId: bigint }).nodeId);
  return { poolId, hash, members };
}
