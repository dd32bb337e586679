import type { Address } from "viem";
import { mockERC20Abi } from "../../abis/generated/MockERC20.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import { accountAddress } from "../../chain/clients.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { TransactionResult } from "../../chain/send.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link approveToken}. */
export type ApproveTokenParameters = {
  /** The ERC-20. */
  token: Address;
  /** Who may pull the tokens (the NodeRegistry when bonding, the JobMarket when paying). */
  spender: Address;
  /** Base units. */
  amount: bigint;
};
/** What {@link approveToken} returns: the transaction, or `null` when the allowance already sufficed. */
export type ApproveTokenReturnType = TransactionResult | null;
/** What {@link approveToken} throws. */
export type ApproveTokenErrorType = SandrunError;

/**
 * Approves `spender` to pull `amount` of an ERC-20 from the wallet's account, unless the
 * current allowance already covers it. Uses the standard ERC-20 ABI entries (taken from the
 * generated MockERC20 ABI, which is OpenZeppelin's ERC-20).
 *
 * @example
 * ```ts
 * import { approveToken } from "sandrun/client/actions/tokens/approveToken.ts";
 * await approveToken({ publicClient, walletClient }, { token: usdc, spender: registry, amount: 10_000_000n });
 * ```
 */
export async function approveToken(
  client: SandrunClient,
  parameters: ApproveTokenParameters,
): Promise<ApproveTokenReturnType> {
  const owner = accountAddress(client, "approveToken");
  const allowance = await client.publicClient.readContract({
    address: parameters.token,
    abi: mockERC20Abi,
    functionName: "allowance",
    args: [owner, parameters.spender],
  });
  if (allowance >= parameters.amount) return null;
  const { hash, receipt } = await sendSimulated(client, "approveToken", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: parameters.token,
      abi: mockERC20Abi,
      functionName: "approve",
      args: [parameters.spender, parameters.amount],
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
