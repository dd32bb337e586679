/**
 * Posts many jobs in one transaction (`Pool.schedule(..., { post: true })`).
 * @module
 */
import { parseEventLogs, zeroAddress, type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { TransactionFailedError } from "../../errors.ts";
import { encodeJobRequest, escrowOf, type JobRequestInput } from "./jobTypes.ts";
import { ensureAllowance, resolvedN } from "./postJob.ts";

/** Parameters of {@link postJobs}. */
export type PostJobsParameters = {
  readonly jobMarket: Address;
  readonly requests: readonly JobRequestInput[];
};
/** What {@link postJobs} returns: the job ids in request order. */
export type PostJobsReturnType = { readonly jobIds: readonly bigint[]; readonly hash: Hash };
/** Errors {@link postJobs} throws: as postJob. */
export type PostJobsErrorType = Error;

/**
 * Posts `requests` in one transaction; the value is the sum of the ETH jobs' escrows and each
 * ERC-20's total is approved once.
 *
 * @example
 * ```ts
 * import { postJobs } from "sandrun/client/actions/market/postJobs.ts";
 * const { jobIds } = await postJobs(client, { jobMarket, requests });
 * ```
 */
export async function postJobs(
  client: SandrunClient,
  parameters: PostJobsParameters,
): Promise<PostJobsReturnType> {
  const { requests, jobMarket } = parameters;
  let value = 0n;
  const perToken = new Map<Address, bigint>();
  requests.forEach((r, i) => {
    const escrow = escrowOf(r.pricePerNode, resolvedN(r, `requests[${i}].redundancy`));
    if (r.token === zeroAddress) value += escrow;
    else perToken.set(r.token, (perToken.get(r.token) ?? 0n) + escrow);
  });
  for (const [token, amount] of perToken) await ensureAllowance(client, jobMarket, token, amount);
  const { hash, receipt } = await sendSimulated(client, "postJobs", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: jobMarket,
      abi: jobMarketAbi,
      functionName: "postJobs",
      args: [requests.map(encodeJobRequest)],
      value,
      account,
    }),
  );
  const ids = parseEventLogs({ abi: jobMarketAbi, logs: receipt.logs, eventName: "JobPosted" }).map(
    (l) => l.args.jobId,
  );
  if (ids.length !== requests.length)
    throw new TransactionFailedError(hash, `expected ${requests.length} JobPosted events, got ${ids.length}`);
  return { jobIds: ids, hash };
}
