/**
 * The viem clients every action receives, and helpers around them. Any transport works
 * (Hardhat's in-process chain, `hardhat node` over HTTP or WebSocket, a testnet RPC).
 */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import { MissingConfigurationError } from "../errors/input.ts";

/**
 * What every action takes as its first argument: a public client for reads, simulation and
 * receipts, and (for writes) a wallet client.
 *
 * @example
 * ```ts
 * import type { SandrunClient } from "sandrun/client/chain/clients.ts";
 * const client: SandrunClient = { publicClient, walletClient };
 * ```
 */
export type SandrunClient = {
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  readonly walletClient?: WalletClient<Transport, Chain | undefined, Account | undefined> | undefined;
};

/**
 * The wallet client and its account, or a typed error naming what is missing.
 *
 * @example
 * ```ts
 * const { walletClient, account } = requireWallet(client, "registerNode");
 * ```
 */
export function requireWallet(
  client: SandrunClient,
  action: string,
): { walletClient: NonNullable<SandrunClient["walletClient"]>; account: Account | Address } {
  const walletClient = client.walletClient;
  if (!walletClient) throw new MissingConfigurationError("walletClient", `${action} sends a transaction`);
  const account = walletClient.account;
  if (!account)
    throw new MissingConfigurationError("walletClient.account", `${action} needs an account to sign with`);
  return { walletClient, account };
}

/**
 * The address of the wallet's account.
 * @example
 * ```ts
 * const me = accountAddress(client, "bond");
 * ```
 */
export function accountAddress(client: SandrunClient, action: string): Address {
  const { account } = requireWallet(client, action);
  return typeof account === "string" ? account : account.address;
}
