import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";
import { ppmToScore } from "./getReputation.ts";

/** Parameters of {@link getLiveness}. */
export type GetLivenessParameters = { registry: Address; nodeId: bigint };
/** What {@link getLiveness} returns: last heartbeat (unix seconds) and availability in [0, 1] and ppm. */
export type GetLivenessReturnType = { lastSeen: number; availability: number; availabilityPpm: number };
/** What {@link getLiveness} throws. */
export type GetLivenessErrorType = SandrunError;

/**
 * Reads a node's last heartbeat and availability (share of epochs with a heartbeat).
 *
 * @example
 * ```ts
 * import { getLiveness } from "sandrun/client/actions/registry/getLiveness.ts";
 * const { lastSeen, availability } = await getLiveness({ publicClient }, { registry, nodeId: 1n });
 * ```
 */
export async function getLiveness(
  client: SandrunClient,
  parameters: GetLivenessParameters,
): Promise<GetLivenessReturnType> {
  const [lastSeen, ppm] = await readDecoded(registryErrorAbis, () =>
    client.publicClient.readContract({
      address: parameters.registry,
      abi: nodeRegistryAbi,
      functionName: "liveness",
      args: [parameters.nodeId],
    }),
  );
  return { lastSeen, availability: ppmToScore(ppm), availabilityPpm: ppm };
}
