/**
 * Rules on a dispute through the market's `SimpleArbiter` contract: its owner rules alone
 * (`rule`), a committee member votes (`vote`, the ruling is sent when the threshold is met).
 * The market only accepts rulings from its arbiter, and the deployed arbiter is this contract,
 * so an account that arbitrates acts through it rather than calling the market's `rule`.
 * @module
 */
import { type Address, type Hash } from "viem";

import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { simpleArbiterAbi } from "../../abis/generated/SimpleArbiter.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { getSettlement } from "./getJobEvents.ts";

/** How `account` may act on a SimpleArbiter: as its owner, a committee member, or not at all. */
export type ArbiterRole = "owner" | "member" | "none";

/**
 * The role of `account` at `arbiter`: `none` when the arbiter is not a SimpleArbiter (an account
 * without code, or a contract without its views) or the account has no part in it.
 * @example
 * ```ts
 * import { arbiterRole } from "sandrun/client/actions/market/ruleThroughArbiter.ts";
 * const role = await arbiterRole(client, { arbiter: dispute.arbiter, account: me });
 * ```
 */
export async function arbiterRole(
  client: SandrunClient,
  p: { arbiter: Address; account: Address },
): Promise<ArbiterRole> {
  const pc = client.publicClient;
  const code = await pc.getCode({ address: p.arbiter });
  if (code === undefined || code === "0x") return "none";
  try {
    const [owner, member] = await Promise.all([
      pc.readContract({ address: p.arbiter, abi: simpleArbiterAbi, functionName: "owner" }),
      pc.readContract({
        address: p.arbiter,
        abi: simpleArbiterAbi,
        functionName: "isMember",
        args: [p.account],
      }),
    ]);
    if (owner.toLowerCase() === p.account.toLowerCase()) return "owner";
    return member ? "member" : "none";
  } catch {
    return "none"; // another kind of arbiter contract
  }
}

/**
 * Sends the owner's ruling (`rule`) or a member's vote (`vote`) on `jobId` to the arbiter,
 * with the settlement record read from the job's `JobSettled` event.
 * @example
 * ```ts
 * import { ruleThroughArbiter } from "sandrun/client/actions/market/ruleThroughArbiter.ts";
 * await ruleThroughArbiter(ownerClient, { arbiter, jobMarket, jobId: 1n, uphold: true, as: "owner" });
 * ```
 */
export async function ruleThroughArbiter(
  client: SandrunClient,
  p: { arbiter: Address; jobMarket: Address; jobId: bigint; uphold: boolean; as: "owner" | "member" },
): Promise<{ hash: Hash }> {
  const { record } = await getSettlement(client, p);
  const { hash } = await sendSimulated(
    client,
    "ruleThroughArbiter",
    [simpleArbiterAbi, jobMarketAbi],
    (account) =>
      client.publicClient.simulateContract({
        address: p.arbiter,
        abi: simpleArbiterAbi,
        functionName: p.as === "owner" ? "rule" : "vote",
        args: [
          p.jobMarket,
          p.jobId,
          p.uphold,
          { ...record, nodes: [...record.nodes], payees: [...record.payees], amounts: [...record.amounts] },
        ],
        account,
      }),
  );
  return { hash };
}
