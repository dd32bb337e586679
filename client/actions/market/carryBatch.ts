/**
 * Carrying nodes' signed messages: anyone (a requester, a pool operator, one worker for a
 * fleet) submits many nodes' EIP-712-signed commits, reports or reveals in one transaction,
 * paying the gas once. Signatures are checked off-chain first (client/proofs/recover.ts) so a
 * carrier never pays for a batch the contract would refuse.
 */
import type { Address, Hash, Hex } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { RevealPreimage } from "./revealResult.ts";
import { marketErrorAbis } from "./nodeTx.ts";

/** A commit signed by a node's signer (EIP-712 `Commit`). */
export type SignedCommitInput = {
  readonly jobId: bigint;
  readonly nodeId: bigint;
  readonly seal: Hex;
  readonly signature: Hex;
};
/** A result signed by a node's signer (EIP-712 `Report`). */
export type SignedReportInput = {
  readonly jobId: bigint;
  readonly nodeId: bigint;
  readonly digest: Hex;
  readonly invoice: bigint;
  readonly resultURI: string;
  readonly signature: Hex;
};
/** A reveal of slot `slot` of `jobId`. */
export type RevealItemInput = {
  readonly jobId: bigint;
  readonly slot: number;
  readonly reveal: RevealPreimage;
};

/** Parameters of {@link carryBatch}: any non-empty mix of the three kinds. */
export type CarryBatchParameters = {
  readonly jobMarket: Address;
  readonly commits?: readonly SignedCommitInput[] | undefined;
  readonly reports?: readonly SignedReportInput[] | undefined;
  readonly reveals?: readonly RevealItemInput[] | undefined;
};
/** One transaction per non-empty kind, in the order commits, reports, reveals. */
export type CarryBatchReturnType = { readonly hashes: readonly Hash[] };

/**
 * Submits signed commits (`commitSigned`), signed reports (`reportSigned`) and reveals
 * (`revealBatch`), one transaction per kind.
 *
 * @example
 * ```ts
 * import { carryBatch } from "sandrun/client/actions/market/carryBatch.ts";
 * await carryBatch(client, { jobMarket, commits: [{ jobId, nodeId, seal, signature }] });
 * ```
 */
export async function carryBatch(
  client: SandrunClient,
  p: CarryBatchParameters,
): Promise<CarryBatchReturnType> {
  const hashes: Hash[] = [];
  if (p.commits?.length) {
    const args = [p.commits.map((c) => ({ ...c }))] as const;
    const { hash } = await sendSimulated(client, "carryBatch.commits", marketErrorAbis, (account) =>
      client.publicClient.simulateContract({
        address: p.jobMarket,
        abi: jobMarketAbi,
        functionName: "commitSigned",
        args,
        account,
      }),
    );
    hashes.push(hash);
  }
  if (p.reports?.length) {
    const args = [p.reports.map((r) => ({ ...r }))] as const;
    const { hash } = await sendSimulated(client, "carryBatch.reports", marketErrorAbis, (account) =>
      client.publicClient.simulateContract({
        address: p.jobMarket,
        abi: jobMarketAbi,
        functionName: "reportSigned",
        args,
        account,
      }),
    );
    hashes.push(hash);
  }
  if (p.reveals?.length) {
    const args = [p.reveals.map((r) => ({ jobId: r.jobId, slot: r.slot, reveal: { ...r.reveal } }))] as const;
    const { hash } = await sendSimulated(client, "carryBatch.reveals", marketErrorAbis, (account) =>
      client.publicClient.simulateContract({
        address: p.jobMarket,
        abi: jobMarketAbi,
        functionName: "revealBatch",
        args,
        account,
      }),
    );
    hashes.push(hash);
  }
  return { hashes };
}
