import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/**
 * The design's `ReputationScore`: the score in [0, 1] (from the registry's parts per million,
 * formatted by exact decimal division) and the outcome counters.
 */
export type ReputationScore = {
  /** The score in [0, 1]. */
  readonly score: number;
  /** The exact score as the registry stores it (parts per million). */
  readonly ppm: number;
  readonly completed: number;
  readonly failed: number;
  readonly slashed: number;
  readonly disputesLost: number;
};

/**
 * Parts per million to a score in [0, 1], through the exact decimal string (`950000` → `0.95`).
 *
 * @example
 * ```ts
 * ppmToScore(950_000); // 0.95
 * ```
 */
export function ppmToScore(ppm: number): number {
  const digits = String(ppm).padStart(7, "0");
  return Number(`${digits.slice(0, -6)}.${digits.slice(-6)}`);
}

/** Parameters of {@link getReputation}. */
export type GetReputationParameters = { registry: Address; nodeId: bigint };
/** What {@link getReputation} returns. */
export type GetReputationReturnType = ReputationScore;
/** What {@link getReputation} throws. */
export type GetReputationErrorType = SandrunError;

/**
 * Reads a node's reputation.
 *
 * @example
 * ```ts
 * import { getReputation } from "sandrun/client/actions/registry/getReputation.ts";
 * const { score, completed } = await getReputation({ publicClient }, { registry, nodeId: 1n });
 * ```
 */
export async function getReputation(
  client: SandrunClient,
  parameters: GetReputationParameters,
): Promise<GetReputationReturnType> {
  const [ppm, completed, failed, slashed, disputesLost] = await readDecoded(registryErrorAbis, () =>
    client.publicClient.readContract({
      address: parameters.registry,
      abi: nodeRegistryAbi,
      functionName: "reputation",
      args: [parameters.nodeId],
    }),
  );
  return Object.freeze({ score: ppmToScore(ppm), ppm, completed, failed, slashed, disputesLost });
}
