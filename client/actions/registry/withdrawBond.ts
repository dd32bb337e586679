import { parseEventLogs } from "viem";
import type { Address } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link withdrawBond}. */
export type WithdrawBondParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The node id. */
  nodeId: bigint;
};
/** What {@link withdrawBond} returns: the transaction and the amount paid (from `BondWithdrawn`). */
export type WithdrawBondReturnType = TransactionResult & { amount: bigint; token: Address };
/** What {@link withdrawBond} throws (e.g. `NodeRegistryUnbondingNotReady`). */
export type WithdrawBondErrorType = SandrunError;

/**
 * Pays the owner the requested unbonding amount once the delay has passed (owner only).
 *
 * @example
 * ```ts
 * import { withdrawBond } from "sandrun/client/actions/registry/withdrawBond.ts";
 * const { amount } = await withdrawBond({ publicClient, walletClient }, { registry, nodeId: 1n });
 * ```
 */
export async function withdrawBond(
  client: SandrunClient,
  parameters: WithdrawBondParameters,
): Promise<WithdrawBondReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "withdrawBond", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "withdrawBond",
      args: [p.nodeId],
      account,
    }),
  );
  const [event] = parseEventLogs({ abi: nodeRegistryAbi, eventName: "BondWithdrawn", logs: receipt.logs });
  return {
    hash,
    blockNumber: receipt.blockNumber,
    amount: event?.args.amount ?? 0n,
    token: event?.args.token ?? "0x0000000000000000000000000000000000000000",
  };
}
