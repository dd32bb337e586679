/**
 * Raises a dispute against a settlement within its challenge window, with the market's ETH
 * deposit and an evidence URI.
 * @module
 */
import { type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { getSettlement } from "./getJobEvents.ts";
import type { SettlementRecord } from "./jobTypes.ts";

/** Parameters of {@link raiseDispute}. */
export type RaiseDisputeParameters = {
  readonly jobMarket: Address;
  readonly jobId: bigint;
  readonly evidenceURI: string;
  /** The settlement record (default: read from the job's `JobSettled` event). */
  readonly record?: SettlementRecord | undefined;
  /** The ETH deposit (default: the market's current deposit, from its last `DisputeParamsChanged` event). */
  readonly deposit?: bigint | undefined;
};

/**
 * The market's current dispute deposit, challenge window and dispute period (from its last
 * `DisputeParamsChanged` event: the contract has no view for them).
 * @example
 * ```ts
 * const { deposit } = await disputeParams(client, { jobMarket });
 * ```
 */
export async function disputeParams(
  client: SandrunClient,
  p: { jobMarket: Address },
): Promise<{ deposit: bigint; challengeWindow: number; disputePeriod: number }> {
  const logs = await client.publicClient.getContractEvents({
    address: p.jobMarket,
    abi: jobMarketAbi,
    eventName: "DisputeParamsChanged",
    fromBlock: 0n,
  });
  const last = logs.at(-1);
  return {
    deposit: last?.args.deposit ?? 0n,
    challengeWindow: Number(last?.args.challengeWindow ?? 0),
    disputePeriod: Number(last?.args.disputePeriod ?? 0),
  };
}

/**
 * Raises a dispute. The caller must be the requester or a participant's owner or signer.
 * @example
 * ```ts
 * import { raiseDispute } from "sandrun/client/actions/market/raiseDispute.ts";
 * await raiseDispute(client, { jobMarket, jobId: 1n, evidenceURI: "ipfs://…" });
 * ```
 */
export async function raiseDispute(
  client: SandrunClient,
  p: RaiseDisputeParameters,
): Promise<{ hash: Hash }> {
  const record = p.record ?? (await getSettlement(client, p)).record;
  const deposit = p.deposit ?? (await disputeParams(client, p)).deposit;
  const { hash } = await sendSimulated(client, "raiseDispute", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "raiseDispute",
      args: [
        p.jobId,
        { ...record, nodes: [...record.nodes], payees: [...record.payees], amounts: [...record.amounts] },
        p.evidenceURI,
      ],
      value: deposit,
      account,
    }),
  );
  return { hash };
}
