import type { Address, Hash } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";
import { marketErrorAbis, slotFromReceipt } from "./nodeTx.ts";

/** Parameters of {@link takeSlot}. */
export type TakeSlotParameters = {
  readonly jobMarket: Address;
  readonly jobId: bigint;
  readonly nodeId: bigint;
};
/** What {@link takeSlot} returns: the transaction and the slot index taken. */
export type TakeSlotReturnType = { readonly hash: Hash; readonly blockNumber: bigint; readonly slot: number };
/** What {@link takeSlot} throws: a decoded `JobMarket…`/`NodeRegistry…` revert (slots full, commit closed, bond too low). */
export type TakeSlotErrorType = SandrunError;

/**
 * Takes a slot of a basic or standard job for `nodeId` (sender: the node's owner or signer),
 * locking the job's collateral from the node's bond. Strict jobs take slots by committing
 * ({@link commitResult}). Emits `SlotTaken`.
 *
 * @example
 * ```ts
 * import { takeSlot } from "sandrun/client/actions/market/takeSlot.ts";
 * const { slot } = await takeSlot({ publicClient, walletClient }, { jobMarket, jobId: 1n, nodeId: 3n });
 * ```
 */
export async function takeSlot(client: SandrunClient, p: TakeSlotParameters): Promise<TakeSlotReturnType> {
  const { hash, receipt } = await sendSimulated(client, "takeSlot", marketErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "takeSlot",
      args: [p.jobId, p.nodeId],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber, slot: slotFromReceipt(receipt, p.jobId, p.nodeId) };
}
