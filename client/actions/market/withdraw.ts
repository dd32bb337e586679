/**
 * Withdraws the caller's available balance of `token` (zero address = ETH).
 * @module
 */
import { parseEventLogs, type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { type SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";

/**
 * Withdraws the caller's available balance of `token` (zero address = ETH).
 * @example
 * ```ts
 * import { withdraw } from "sandrun/client/actions/market/withdraw.ts";
 * const { amount } = await withdraw(client, { jobMarket, token: zeroAddress });
 * ```
 */
export async function withdraw(
  client: SandrunClient,
  p: { jobMarket: Address; token: Address },
): Promise<{ hash: Hash; amount: bigint }> {
  const { hash, receipt } = await sendSimulated(client, "withdraw", [jobMarketAbi], (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "withdraw",
      args: [p.token],
      account,
    }),
  );
  const ev = parseEventLogs({ abi: jobMarketAbi, logs: receipt.logs, eventName: "Withdrawn" })[0];
  return { hash, amount: ev?.args.amount ?? 0n };
}
