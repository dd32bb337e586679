/**
 * A job's history from the market's events (one `eth_getLogs` filtered by the indexed job id):
 * posting, spec, slots, commits, reveals and reports, receipts, consensus, settlement,
 * payments, disputes. What `JobExecution.logs()`, `download()` and `Pool.distributePayments` read.
 * @module
 */
import { decodeEventLog, encodeEventTopics, toHex, type Address, type Hex } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { TransactionFailedError } from "../../errors.ts";
import type { SettlementRecord } from "./jobTypes.ts";

/** The market's events that carry an indexed `jobId` first topic. */
const JOB_EVENTS = [
  "JobPosted",
  "JobSpec",
  "JobToppedUp",
  "SlotTaken",
  "ResultCommitted",
  "ResultRevealed",
  "ResultReported",
  "ReceiptSubmitted",
  "ConsensusReached",
  "JobSettled",
  "PaymentCredited",
  "Slashed",
  "JobRefunded",
  "JobCancelled",
  "JobExpired",
  "DisputeRaised",
  "DisputeResolved",
] as const;

/** One decoded event of a job. */
export type JobEvent = {
  readonly eventName: (typeof JOB_EVENTS)[number];
  readonly args: Record<string, unknown>;
  readonly blockNumber: bigint;
  readonly logIndex: number;
  readonly transactionHash: Hex;
};

/**
 * Every event of a job (or of several), in chain order.
 * @example
 * ```ts
 * import { getJobEvents } from "sandrun/client/actions/market/getJobEvents.ts";
 * const events = await getJobEvents(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function getJobEvents(
  client: SandrunClient,
  p: { jobMarket: Address; jobId: bigint | readonly bigint[]; fromBlock?: bigint; toBlock?: bigint },
): Promise<JobEvent[]> {
  const ids = Array.isArray(p.jobId) ? (p.jobId as readonly bigint[]) : [p.jobId as bigint];
  if (ids.length === 0) return [];
  // Topic 0 is any of the job events, topic 1 any of the ids: one eth_getLogs call.
  const signatures = JOB_EVENTS.map(
    (eventName) => encodeEventTopics({ abi: jobMarketAbi, eventName })[0] as Hex,
  );
  const raw = (await client.publicClient.request({
    method: "eth_getLogs",
    params: [
      {
        address: p.jobMarket,
        fromBlock: toHex(p.fromBlock ?? 0n),
        toBlock: p.toBlock === undefined ? "latest" : toHex(p.toBlock),
        topics: [signatures, ids.map((id) => toHex(id, { size: 32 }))],
      },
    ],
  })) as { topics: [Hex, ...Hex[]]; data: Hex; blockNumber: Hex; logIndex: Hex; transactionHash: Hex }[];
  return raw.map((log) => {
    const decoded = decodeEventLog({ abi: jobMarketAbi, topics: log.topics, data: log.data });
    return {
      eventName: decoded.eventName as JobEvent["eventName"],
      args: decoded.args as unknown as Record<string, unknown>,
      blockNumber: BigInt(log.blockNumber),
      logIndex: Number(log.logIndex),
      transactionHash: log.transactionHash,
    };
  });
}

/**
 * The settlement of a job, from its `JobSettled` event.
 * @throws TransactionFailedError when the job has not settled.
 * @example
 * ```ts
 * import { getSettlement } from "sandrun/client/actions/market/getJobEvents.ts";
 * const { record, consensus, refunded } = await getSettlement(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function getSettlement(
  client: SandrunClient,
  p: { jobMarket: Address; jobId: bigint },
): Promise<{ record: SettlementRecord; consensus: boolean; refunded: bigint; transactionHash: Hex }> {
  const logs = await client.publicClient.getContractEvents({
    address: p.jobMarket,
    abi: jobMarketAbi,
    eventName: "JobSettled",
    args: { jobId: p.jobId },
    fromBlock: 0n,
  });
  const log = logs.at(-1);
  if (!log)
    throw new TransactionFailedError(`job ${p.jobId}`, "the job has not settled (no JobSettled event)");
  const a = log.args;
  return {
    record: a.record as SettlementRecord,
    consensus: a.consensus!,
    refunded: a.refunded!,
    transactionHash: log.transactionHash,
  };
}
