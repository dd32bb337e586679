/**
 * Shared plumbing of the node-side market actions: the ABIs reverts are decoded against and
 * the slot index read back from a transaction's `SlotTaken` log.
 */
import { parseEventLogs, type Abi, type TransactionReceipt } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { TransactionFailedError } from "../../errors/input.ts";

/**
 * ABIs a node-side market call's revert may come from (the market, or the registry it
 * calls), so {@link sendSimulated} can decode either into a typed error.
 *
 * @example
 * ```ts
 * import { marketErrorAbis } from "sandrun/client/actions/market/nodeTx.ts";
 * await sendSimulated(client, "takeSlot", marketErrorAbis, (account) =>
 *   client.publicClient.simulateContract({ address: jobMarket, abi: jobMarketAbi, functionName: "takeSlot", args: [jobId, nodeId], account }),
 * );
 * ```
 */
export const marketErrorAbis: readonly Abi[] = [jobMarketAbi, nodeRegistryAbi];

/**
 * The slot `nodeId` took in `jobId`, from the receipt's `SlotTaken` or `ResultCommitted` event.
 *
 * @throws {TransactionFailedError} when the receipt has no such event.
 * @example
 * ```ts
 * const slot = slotFromReceipt(receipt, 1n, 2n);
 * ```
 */
export function slotFromReceipt(receipt: TransactionReceipt, jobId: bigint, nodeId: bigint): number {
  // takeSlot emits SlotTaken; commit emits only ResultCommitted (which carries the slot too).
  const logs = parseEventLogs({
    abi: jobMarketAbi,
    eventName: ["SlotTaken", "ResultCommitted"],
    logs: receipt.logs,
  });
  const mine = logs.find((l) => l.args.jobId === jobId && l.args.nodeId === nodeId);
  if (!mine)
    throw new TransactionFailedError(receipt.transactionHash, "neither SlotTaken nor ResultCommitted found");
  return mine.args.slot;
}
