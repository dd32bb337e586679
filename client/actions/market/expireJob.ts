/**
 * Expires a job nobody took after its commit deadline (the market's `settle` does it), refunding the escrow.
 * @module
 */
import { type Hash } from "viem";

import { type SandrunClient } from "../../chain/clients.ts";
import { type JobParameters } from "./jobTypes.ts";
import { settleJob } from "./settleJob.ts";

/**
 * Expires a job nobody took after its commit deadline (the market's `settle` does it), refunding the escrow.
 * @example
 * ```ts
 * import { expireJob } from "sandrun/client/actions/market/expireJob.ts";
 * await expireJob(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function expireJob(
  client: SandrunClient,
  p: JobParameters,
): Promise<{ hash: Hash; expired: boolean }> {
  const { hash, expired } = await settleJob(client, p);
  return { hash, expired };
}
