/**
 * Posts a job with its payment in escrow (`n × pricePerNode`, ETH as value or an ERC-20
 * approved first).
 * @module
 */
import { erc20Abi, parseEventLogs, zeroAddress, type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { accountAddress, type SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { TransactionFailedError, ValidationError } from "../../errors.ts";
import { encodeJobRequest, escrowOf, type JobRequestInput } from "./jobTypes.ts";

/** Parameters of {@link postJob}. */
export type PostJobParameters = { readonly jobMarket: Address; readonly request: JobRequestInput };
/** What {@link postJob} returns. */
export type PostJobReturnType = { readonly jobId: bigint; readonly hash: Hash; readonly escrow: bigint };
/** Errors {@link postJob} throws: ValidationError, JobMarketError subclasses, InsufficientFundsError, MissingConfigurationError. */
export type PostJobErrorType = Error;

/**
 * Approves `amount` of an ERC-20 for the market when the allowance is short (no-op for ETH),
 * so posting never sends an approval it does not need.
 * @internal
 *
 * @example
 * ```ts
 * import { ensureAllowance } from "sandrun/client/actions/market/postJob.ts";
 * await ensureAllowance({ publicClient, walletClient }, jobMarket, usdc, 30_000_000n);
 * ```
 */
export async function ensureAllowance(
  client: SandrunClient,
  jobMarket: Address,
  token: Address,
  amount: bigint,
): Promise<void> {
  if (token === zeroAddress || amount === 0n) return;
  const owner = accountAddress(client, "approve");
  const allowance = await client.publicClient.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [owner, jobMarket],
  });
  if (allowance >= amount) return;
  await sendSimulated(client, "approve", [erc20Abi], (account) =>
    client.publicClient.simulateContract({
      address: token,
      abi: erc20Abi,
      functionName: "approve",
      args: [jobMarket, amount],
      account,
    }),
  );
}

/**
 * The n whose escrow the caller pays: the explicit redundancy (the client always resolves
 * it before posting), or a ValidationError naming `field` when it is missing.
 *
 * @example
 * ```ts
 * import { resolvedN } from "sandrun/client/actions/market/postJob.ts";
 * const escrow = escrowOf(request.pricePerNode, resolvedN(request)); // throws if request.redundancy is undefined
 * ```
 */
export function resolvedN(request: JobRequestInput, field = "request.redundancy"): number {
  if (request.redundancy === undefined) {
    throw new ValidationError("Job request", [
      { field, message: "resolve the pool's redundancy before posting (the escrow is n × pricePerNode)" },
    ]);
  }
  return request.redundancy;
}

/**
 * Posts one job.
 *
 * @example
 * ```ts
 * import { postJob } from "sandrun/client/actions/market/postJob.ts";
 * const { jobId } = await postJob({ publicClient, walletClient }, { jobMarket, request: {
 *   poolId: 1n, specHash, runtime: "js", consensus: "2-of-3", redundancy: 3, resources: 0n,
 *   token: zeroAddress, pricePerNode: parseEther("0.01"), collateralPerNode: 0n,
 *   commitWindow: 600, revealWindow: 300, inlineSpec: toHex(specBytes),
 * } });
 * ```
 */
export async function postJob(
  client: SandrunClient,
  parameters: PostJobParameters,
): Promise<PostJobReturnType> {
  const { request, jobMarket } = parameters;
  const escrow = escrowOf(request.pricePerNode, resolvedN(request));
  await ensureAllowance(client, jobMarket, request.token, escrow);
  const { hash, receipt } = await sendSimulated(client, "postJob", [jobMarketAbi, erc20Abi], (account) =>
    client.publicClient.simulateContract({
      address: jobMarket,
      abi: jobMarketAbi,
      functionName: "postJob",
      args: [encodeJobRequest(request)],
      value: request.token === zeroAddress ? escrow : 0n,
      account,
    }),
  );
  const posted = parseEventLogs({ abi: jobMarketAbi, logs: receipt.logs, eventName: "JobPosted" })[0];
  if (!posted) throw new TransactionFailedError(hash, "JobPosted event not found");
  return { jobId: posted.args.jobId, hash, escrow };
}
