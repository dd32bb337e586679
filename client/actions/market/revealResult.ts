import type { Address, Hash, Hex } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";
import { marketErrorAbis } from "./nodeTx.ts";

/** A reveal preimage, as the contract's `Reveal` struct. */
export type RevealPreimage = {
  readonly digest: Hex;
  readonly salt: Hex;
  /** Base units; 0 = the full price per node. Must equal what the seal bound. */
  readonly invoice: bigint;
  readonly resultURI: string;
  /** Usage (cryptographic level; zeros otherwise). */
  readonly usage: { readonly wallMs: bigint; readonly cpuMs: bigint; readonly peakMemory: bigint };
  /** The node signer's EIP-712 Receipt signature (cryptographic level), else "0x". */
  readonly receiptSignature: Hex;
};

/** Parameters of {@link revealResult}. */
export type RevealResultParameters = {
  readonly jobMarket: Address;
  readonly jobId: bigint;
  readonly slot: number;
  readonly reveal: RevealPreimage;
};
/** What {@link revealResult} returns. */
export type RevealResultReturnType = { readonly hash: Hash; readonly blockNumber: bigint };
/** What {@link revealResult} throws: a decoded revert (reveal not open/closed, seal mismatch, invalid receipt). */
export type RevealResultErrorType = SandrunError;

/**
 * Reveals the result committed in `slot` once the commit phase has closed (every slot
 * committed or the commit deadline passed), until the reveal deadline. Anyone may send it
 * (the preimage authenticates itself). Emits `ResultRevealed`; the last outstanding reveal
 * settles the job.
 *
 * @example
 * ```ts
 * import { revealResult } from "sandrun/client/actions/market/revealResult.ts";
 * await revealResult(client, { jobMarket, jobId, slot, reveal: { digest, salt, invoice, resultURI, usage, receiptSignature: "0x" } });
 * ```
 */
export async function revealResult(
  client: SandrunClient,
  p: RevealResultParameters,
): Promise<RevealResultReturnType> {
  const { hash, receipt } = await sendSimulated(client, "revealResult", marketErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "reveal",
      args: [p.jobId, p.slot, { ...p.reveal }],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
