/**
 * Cancels a job in which no slot was taken; the escrow is credited back (withdraw it).
 * @module
 */
import { type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { type SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { type JobParameters } from "./jobTypes.ts";

/**
 * Cancels a job in which no slot was taken; the escrow is credited back (withdraw it).
 * @example
 * ```ts
 * import { cancelJob } from "sandrun/client/actions/market/cancelJob.ts";
 * await cancelJob(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function cancelJob(client: SandrunClient, p: JobParameters): Promise<{ hash: Hash }> {
  const { hash } = await sendSimulated(client, "cancelJob", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "cancel",
      args: [p.jobId],
      account,
    }),
  );
  return { hash };
}
