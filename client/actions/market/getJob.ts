/**
 * Reads a job.
 * @module
 */
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { type SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import { decodeJobView, type JobInfo, type JobParameters } from "./jobTypes.ts";

/**
 * Reads a job.
 * @example
 * ```ts
 * import { getJob } from "sandrun/client/actions/market/getJob.ts";
 * const job = await getJob(client, { jobMarket, jobId: 1n }); // job.status === "open"
 * ```
 */
export async function getJob(
  client: SandrunClient,
  p: JobParameters & { blockNumber?: bigint },
): Promise<JobInfo> {
  const v = await readDecoded([jobMarketAbi], () =>
    client.publicClient.readContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "job",
      args: [p.jobId],
      ...(p.blockNumber === undefined ? {} : { blockNumber: p.blockNumber }),
    }),
  );
  return decodeJobView(p.jobId, v as Parameters<typeof decodeJobView>[1]);
}
