import type { Address, Hash, Hex } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";
import { marketErrorAbis } from "./nodeTx.ts";

/** Parameters of {@link reportResult}. */
export type ReportResultParameters = {
  readonly jobMarket: Address;
  readonly jobId: bigint;
  readonly nodeId: bigint;
  readonly digest: Hex;
  /** Base units, at most the job's price per node (0 = the full price). */
  readonly invoice: bigint;
  readonly resultURI: string;
};
/** What {@link reportResult} returns. */
export type ReportResultReturnType = { readonly hash: Hash; readonly blockNumber: bigint };
/** What {@link reportResult} throws: a decoded revert (wrong level, results closed, invoice too high). */
export type ReportResultErrorType = SandrunError;

/**
 * Reports a result of a basic or standard job (sender: the node's owner or signer), taking a
 * slot first when the node has none. Emits `ResultReported`; the last outstanding result
 * settles the job.
 *
 * @example
 * ```ts
 * import { reportResult } from "sandrun/client/actions/market/reportResult.ts";
 * await reportResult(client, { jobMarket, jobId, nodeId, digest, invoice: 0n, resultURI: "data:,42" });
 * ```
 */
export async function reportResult(
  client: SandrunClient,
  p: ReportResultParameters,
): Promise<ReportResultReturnType> {
  const { hash, receipt } = await sendSimulated(client, "reportResult", marketErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "report",
      args: [p.jobId, p.nodeId, p.digest, p.invoice, p.resultURI],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
