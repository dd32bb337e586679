/**
 * Dispute reads and endings: `getDispute`, `ruleDispute` (the arbiter rules) and
 * `finalizeDispute` (anyone, after the dispute's deadline; the verdict stands).
 * @module
 */
import { type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded, sendSimulated } from "../../chain/send.ts";
import { getSettlement } from "./getJobEvents.ts";

/** A dispute as the market stores it. */
export type DisputeInfo = {
  readonly jobId: bigint;
  readonly disputer: Address;
  readonly deposit: bigint;
  readonly arbiter: Address;
  readonly deadline: number;
  readonly resolved: boolean;
  /** Whether a dispute was ever raised (a zero disputer means none). */
  readonly exists: boolean;
};

/**
 * Reads the dispute of a job.
 * @example
 * ```ts
 * import { getDispute } from "sandrun/client/actions/market/resolveDispute.ts";
 * const d = await getDispute(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function getDispute(
  client: SandrunClient,
  p: { jobMarket: Address; jobId: bigint },
): Promise<DisputeInfo> {
  const d = await readDecoded([jobMarketAbi], () =>
    client.publicClient.readContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "disputeOf",
      args: [p.jobId],
    }),
  );
  return {
    jobId: p.jobId,
    disputer: d.disputer,
    deposit: d.deposit,
    arbiter: d.arbiter,
    deadline: Number(d.deadline),
    resolved: d.resolved,
    exists: d.disputer !== "0x0000000000000000000000000000000000000000",
  };
}

/**
 * The arbiter's ruling: uphold (the verdict stands, the deposit goes to the winners) or overturn.
 * @example
 * ```ts
 * import { ruleDispute } from "sandrun/client/actions/market/resolveDispute.ts";
 * await ruleDispute(arbiterClient, { jobMarket, jobId: 1n, uphold: false });
 * ```
 */
export async function ruleDispute(
  client: SandrunClient,
  p: { jobMarket: Address; jobId: bigint; uphold: boolean },
): Promise<{ hash: Hash }> {
  const { record } = await getSettlement(client, p);
  const { hash } = await sendSimulated(client, "ruleDispute", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "rule",
      args: [
        p.jobId,
        p.uphold,
        { ...record, nodes: [...record.nodes], payees: [...record.payees], amounts: [...record.amounts] },
      ],
      account,
    }),
  );
  return { hash };
}

/**
 * Finalizes an unruled dispute after its deadline (anyone): the verdict stands, the deposit is returned.
 * @example
 * ```ts
 * import { finalizeDispute } from "sandrun/client/actions/market/resolveDispute.ts";
 * await finalizeDispute(client, { jobMarket, jobId: 1n });
 * ```
 */
export async function finalizeDispute(
  client: SandrunClient,
  p: { jobMarket: Address; jobId: bigint },
): Promise<{ hash: Hash }> {
  const { hash } = await sendSimulated(client, "finalizeDispute", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "finalizeDispute",
      args: [p.jobId],
      account,
    }),
  );
  return { hash };
}
