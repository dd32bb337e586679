/**
 * Sends a simulated contract call and waits for its receipt, turning every failure into a
 * typed Sandrun error. Simulating first means a revert is caught with its custom error data
 * (which a mined, reverted receipt does not carry) and no gas is spent on a doomed call.
 */
import type { Abi, Hash, TransactionReceipt, WriteContractParameters } from "viem";
import { decodeContractError } from "../errors/contract.ts";
import { TransactionFailedError } from "../errors/input.ts";
import { requireWallet } from "./clients.ts";
import type { SandrunClient } from "./clients.ts";

/**
 * What a write action returns: the transaction hash and the block it was mined in.
 * @example
 * ```ts
 * const { hash, blockNumber }: TransactionResult = await pauseNode(client, { registry, nodeId });
 * ```
 */
export type TransactionResult = { readonly hash: Hash; readonly blockNumber: bigint };

/** A mined, successful transaction. */
export type SentTransaction = { readonly hash: Hash; readonly receipt: TransactionReceipt };

/**
 * Runs `simulate` (a typed `publicClient.simulateContract` call), sends its request from the
 * wallet, waits for the receipt and checks its status. Reverts are decoded against `abis`.
 *
 * @example
 * ```ts
 * const { receipt } = await sendSimulated(client, "heartbeat", [nodeRegistryAbi], (account) =>
 *   client.publicClient.simulateContract({ address, abi: nodeRegistryAbi, functionName: "heartbeat", args: [1n], account }),
 * );
 * ```
 */
export async function sendSimulated(
  client: SandrunClient,
  action: string,
  abis: readonly Abi[],
  simulate: (
    account: NonNullable<ReturnType<typeof requireWallet>["account"]>,
  ) => Promise<{ request: unknown }>,
): Promise<SentTransaction> {
  const { walletClient, account } = requireWallet(client, action);
  let hash: Hash;
  try {
    const { request } = await simulate(account);
    hash = await walletClient.writeContract(request as WriteContractParameters);
  } catch (e) {
    throw decodeContractError(e, abis);
  }
  let receipt: TransactionReceipt;
  try {
    receipt = await client.publicClient.waitForTransactionReceipt({ hash });
  } catch (e) {
    throw decodeContractError(e, abis);
  }
  if (receipt.status !== "success") throw new TransactionFailedError(hash, `${action} reverted on-chain`);
  return { hash, receipt };
}

/**
 * Runs a read, decoding reverts against `abis`.
 * @example
 * ```ts
 * const node = await readDecoded([nodeRegistryAbi], () => publicClient.readContract({ ... }));
 * ```
 */
export async function readDecoded<T>(abis: readonly Abi[], read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw decodeContractError(e, abis);
  }
}
