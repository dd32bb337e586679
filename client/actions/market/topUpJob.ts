/**
 * Adds escrow to an open job: its price per node rises by `addPerNode` and the requester pays
 * `n × addPerNode` more (ETH as value, or an ERC-20 approved first).
 * @module
 */
import { erc20Abi, parseEventLogs, zeroAddress, type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { type SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { TransactionFailedError } from "../../errors.ts";
import { getJob } from "./getJob.ts";
import { ensureAllowance } from "./postJob.ts";

/**
 * Parameters of {@link topUpJob}.
 *
 * @example
 * ```ts
 * import type { TopUpJobParameters } from "sandrun/client/actions/market/topUpJob.ts";
 * const p: TopUpJobParameters = { jobMarket, jobId: 7n, addPerNode: parseEther("0.001") };
 * ```
 */
export type TopUpJobParameters = {
  readonly jobMarket: Address;
  readonly jobId: bigint;
  /** Base units added to the job's price per node; the requester pays `n ×` this. */
  readonly addPerNode: bigint;
  /** The job's n and token when the caller already read them (skips a `getJob`). */
  readonly job?: { readonly n: number; readonly token: Address } | undefined;
};

/**
 * What {@link topUpJob} returns, from the `JobToppedUp` event.
 *
 * @example
 * ```ts
 * const { newPricePerNode, totalAdded }: TopUpJobReturnType = await topUpJob(client, p);
 * ```
 */
export type TopUpJobReturnType = {
  readonly hash: Hash;
  readonly blockNumber: bigint;
  readonly addPerNode: bigint;
  /** The job's price per node after the top-up (each node's invoice cap), base units. */
  readonly newPricePerNode: bigint;
  /** What the requester paid: `n × addPerNode`, base units. */
  readonly totalAdded: bigint;
};

/**
 * Errors {@link topUpJob} throws: JobMarketError subclasses decoded from the revert
 * (`JobMarketNotRequester`, `JobMarketZeroTopUp`, `JobMarketRevealClosed`,
 * `JobMarketAlreadyDecided`, `JobMarketEscrowTooLarge`, `JobMarketTokenShortfall`, …),
 * UnknownOnChainIdError, PausedError, InsufficientFundsError, MissingConfigurationError.
 *
 * @example
 * ```ts
 * try { await topUpJob(client, p); } catch (e) { const err = e as TopUpJobErrorType; console.log(err.message); }
 * ```
 */
export type TopUpJobErrorType = Error;

/**
 * Tops up an open job's escrow (the caller must be its requester): the market raises the job's
 * price per node by `addPerNode` and collects `n × addPerNode` of the job's token. Only ever
 * helps nodes: every invoice cap rises and an invoice of 0 (the full price) pays the new price.
 * Simulated first, so a refusal throws a typed error and sends nothing.
 *
 * @example
 * ```ts
 * import { topUpJob } from "sandrun/client/actions/market/topUpJob.ts";
 * const { newPricePerNode } = await topUpJob({ publicClient, walletClient }, {
 *   jobMarket, jobId: 7n, addPerNode: parseEther("0.001"),
 * }); // the requester paid n × 0.001 ETH
 * ```
 */
export async function topUpJob(
  client: SandrunClient,
  parameters: TopUpJobParameters,
): Promise<TopUpJobReturnType> {
  const { jobMarket, jobId, addPerNode } = parameters;
  const job = parameters.job ?? (await getJob(client, { jobMarket, jobId }));
  const total = BigInt(job.n) * addPerNode;
  await ensureAllowance(client, jobMarket, job.token, total);
  const { hash, receipt } = await sendSimulated(client, "topUpJob", [jobMarketAbi, erc20Abi], (account) =>
    client.publicClient.simulateContract({
      address: jobMarket,
      abi: jobMarketAbi,
      functionName: "topUpJob",
      args: [jobId, addPerNode],
      value: job.token === zeroAddress ? total : 0n,
      account,
    }),
  );
  const event = parseEventLogs({ abi: jobMarketAbi, logs: receipt.logs, eventName: "JobToppedUp" })[0];
  if (!event) throw new TransactionFailedError(hash, "JobToppedUp event not found");
  return {
    hash,
    blockNumber: receipt.blockNumber,
    addPerNode: event.args.addPerNode,
    newPricePerNode: event.args.newPricePerNode,
    totalAdded: event.args.totalAdded,
  };
}
