/**
 * Settles a decided job (or any open job after its reveal deadline; or expires one nobody took).
 * @module
 */
import { parseEventLogs, type Hash, type TransactionReceipt } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { type SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { type JobParameters } from "./jobTypes.ts";

/**
 * Settles a decided job (or any open job after its reveal deadline; or expires one nobody took).
 * Anyone may call it.
 * @example
 * ```ts
 * import { settleJob } from "sandrun/client/actions/market/settleJob.ts";
 * const { receipt } = await settleJob(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function settleJob(
  client: SandrunClient,
  p: JobParameters,
): Promise<{ hash: Hash; receipt: TransactionReceipt; expired: boolean }> {
  const { hash, receipt } = await sendSimulated(client, "settleJob", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "settle",
      args: [p.jobId],
      account,
    }),
  );
  const expired =
    parseEventLogs({ abi: jobMarketAbi, logs: receipt.logs, eventName: "JobExpired" }).length > 0;
  return { hash, receipt, expired };
}
