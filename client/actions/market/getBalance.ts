/**
 * An account's balance at the market: available now, held (challenge window) and until when.
 * @module
 */
import { type Address } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { accountAddress, type SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";

/**
 * An account's balance at the market: available now, held (challenge window) and until when.
 * @example
 * ```ts
 * import { getBalance } from "sandrun/client/actions/market/getBalance.ts";
 * const { available, held } = await getBalance(client, { jobMarket, token: zeroAddress });
 * ```
 */
export async function getBalance(
  client: SandrunClient,
  p: { jobMarket: Address; token: Address; account?: Address },
): Promise<{ available: bigint; held: bigint; heldUntil: number }> {
  const account = p.account ?? accountAddress(client, "getBalance");
  const [available, held, heldUntil] = await readDecoded([jobMarketAbi], () =>
    client.publicClient.readContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "balanceDetails",
      args: [account, p.token],
    }),
  );
  return { available, held, heldUntil: Number(heldUntil) };
}
