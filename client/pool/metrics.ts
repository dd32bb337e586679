/**
 * `Pool.getMetrics`: what the pool's job history on-chain says, aggregated. Amounts are exact
 * bigints in base units of each token (keyed by token address), never floats.
 * @module
 */
import type { Address } from "viem";

import type { JobEvent } from "../actions/market/getJobEvents.ts";

/** Aggregated figures of a pool. */
export type PoolMetrics = {
  readonly poolId: string;
  readonly members: number;
  readonly jobs: {
    readonly posted: number;
    readonly started: number;
    readonly settled: number;
    readonly consensusReached: number;
    readonly noConsensus: number;
    readonly cancelled: number;
    readonly expired: number;
    readonly open: number;
    readonly disputes: number;
  };
  /** Share of settled jobs that reached consensus (1 when none settled). */
  readonly consensusRate: number;
  /** Mean seconds from posting to settlement over settled jobs (block timestamps), 0 when none. */
  readonly avgSettlementSeconds: number;
  /** Escrowed at posting and by later top-ups (`Pool.escrowFunds`), per token (base units). */
  readonly escrowed: Readonly<Record<Address, bigint>>;
  /** Credited to accounts by settlements (payouts, refunds, fees), per token. */
  readonly credited: Readonly<Record<Address, bigint>>;
  /** Collateral slashed, per token. */
  readonly slashed: Readonly<Record<Address, bigint>>;
  /** Results (revealed or reported) per node id. */
  readonly resultsByNode: Readonly<Record<string, number>>;
};

const add = (m: Record<Address, bigint>, token: Address, v: bigint) => {
  const k = token.toLowerCase() as Address;
  m[k] = (m[k] ?? 0n) + v;
};

/**
 * Aggregates a pool's job events.
 *
 * @param timestamps block number → unix seconds, for the blocks of JobPosted and JobSettled events.
 * @example
 * ```ts
 * import { aggregateMetrics } from "sandrun/client/pool/metrics.ts";
 * const m = aggregateMetrics("1", 5, events, timestamps);
 * ```
 */
export function aggregateMetrics(
  poolId: string,
  members: number,
  events: readonly JobEvent[],
  timestamps: ReadonlyMap<bigint, number>,
): PoolMetrics {
  const posted = new Map<bigint, { at: bigint; token: Address }>();
  const started = new Set<bigint>();
  const settledAt = new Map<bigint, bigint>();
  let reached = 0;
  let noConsensus = 0;
  let cancelled = 0;
  let expired = 0;
  let disputes = 0;
  const escrowed: Record<Address, bigint> = {};
  const credited: Record<Address, bigint> = {};
  const slashed: Record<Address, bigint> = {};
  const resultsByNode: Record<string, number> = {};
  for (const e of events) {
    const a = e.args as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded event args vary by event
    const jobId = a.jobId as bigint;
    switch (e.eventName) {
      case "JobPosted":
        posted.set(jobId, { at: e.blockNumber, token: a.token });
        add(escrowed, a.token, (a.pricePerNode as bigint) * BigInt(a.n as number));
        break;
      case "JobToppedUp": {
        // The event has no token: a top-up is always in the token the job was posted with.
        const token = posted.get(jobId)?.token;
        if (token !== undefined) add(escrowed, token, a.totalAdded as bigint);
        break;
      }
      case "SlotTaken":
      case "ResultCommitted":
        started.add(jobId);
        break;
      case "ResultRevealed":
      case "ResultReported": {
        started.add(jobId);
        const k = String(a.nodeId);
        resultsByNode[k] = (resultsByNode[k] ?? 0) + 1;
        break;
      }
      case "JobSettled":
        settledAt.set(jobId, e.blockNumber);
        // Held payouts and the fee are credited too, listed in the record (no PaymentCredited).
        if (Number(a.record.challengeEnds) !== 0) {
          (a.record.amounts as bigint[]).forEach((v) => add(credited, a.record.token, v));
          add(credited, a.record.token, a.record.fee as bigint);
        }
        if (a.consensus) reached += 1;
        else noConsensus += 1;
        break;
      case "PaymentCredited":
      case "JobRefunded": // the requester's refund (settlement, cancellation or expiry)
        add(credited, a.token, a.amount as bigint);
        break;
      case "Slashed":
        add(slashed, a.token, a.amount as bigint);
        break;
      case "JobCancelled":
        cancelled += 1;
        break;
      case "JobExpired":
        expired += 1;
        break;
      case "DisputeRaised":
        disputes += 1;
        break;
      default:
        break;
    }
  }
  let totalSeconds = 0;
  let timed = 0;
  for (const [jobId, block] of settledAt) {
    const p = posted.get(jobId);
    const t0 = p && timestamps.get(p.at);
    const t1 = timestamps.get(block);
    if (t0 !== undefined && t1 !== undefined) {
      totalSeconds += t1 - t0;
      timed += 1;
    }
  }
  const settled = settledAt.size;
  return Object.freeze({
    poolId,
    members,
    jobs: Object.freeze({
      posted: posted.size,
      started: started.size,
      settled,
      consensusReached: reached,
      noConsensus,
      cancelled,
      expired,
      open: Math.max(0, posted.size - settled - cancelled - expired),
      disputes,
    }),
    consensusRate: settled === 0 ? 1 : reached / settled,
    avgSettlementSeconds: timed === 0 ? 0 : totalSeconds / timed,
    escrowed: Object.freeze(escrowed),
    credited: Object.freeze(credited),
    slashed: Object.freeze(slashed),
    resultsByNode: Object.freeze(resultsByNode),
  });
}
