import type { Address, Hash, Hex } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";
import { marketErrorAbis, slotFromReceipt } from "./nodeTx.ts";

/** Parameters of {@link commitResult}. */
export type CommitResultParameters = {
  readonly jobMarket: Address;
  readonly jobId: bigint;
  readonly nodeId: bigint;
  /** The seal: `computeSeal(...)` of client/proofs/typed-data.ts. */
  readonly seal: Hex;
};
/** What {@link commitResult} returns: the transaction and the slot the commit took. */
export type CommitResultReturnType = {
  readonly hash: Hash;
  readonly blockNumber: bigint;
  readonly slot: number;
};
/** What {@link commitResult} throws: a decoded revert (commit closed, slots full, wrong level, bond). */
export type CommitResultErrorType = SandrunError;

/**
 * Commits a sealed result to a strict or cryptographic job, taking a slot in the same call
 * (sender: the node's owner or signer). Emits `SlotTaken` and `ResultCommitted`.
 *
 * @example
 * ```ts
 * import { commitResult } from "sandrun/client/actions/market/commitResult.ts";
 * import { computeSeal } from "sandrun/client/proofs/typed-data.ts";
 * const seal = computeSeal({ chainId, market, jobId, nodeId, digest, resultURI, invoice, salt });
 * const { slot } = await commitResult(client, { jobMarket: market, jobId, nodeId, seal });
 * ```
 */
export async function commitResult(
  client: SandrunClient,
  p: CommitResultParameters,
): Promise<CommitResultReturnType> {
  const { hash, receipt } = await sendSimulated(client, "commitResult", marketErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "commit",
      args: [p.jobId, p.nodeId, p.seal],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber, slot: slotFromReceipt(receipt, p.jobId, p.nodeId) };
}
