/**
 * Recovers the public key of the account that sent a transaction, from its signature.
 * Lets a Node report its signer's public key when the signer is the owner's wallet (a
 * JSON-RPC account whose key the client never sees).
 */
import { keccak256, recoverPublicKey, serializeTransaction } from "viem";
import type { Hash, Hex, TransactionSerializable } from "viem";
import type { SandrunClient } from "./clients.ts";

/**
 * The uncompressed public key (`0x04…`) of the sender of `hash`.
 *
 * @example
 * ```ts
 * import { publicKeyOfSender } from "sandrun/client/chain/publicKey.ts";
 * const key = await publicKeyOfSender({ publicClient }, txHash);
 * ```
 */
export async function publicKeyOfSender(client: SandrunClient, hash: Hash): Promise<Hex> {
  const tx = await client.publicClient.getTransaction({ hash });
  const common = {
    chainId: tx.chainId ?? (await client.publicClient.getChainId()),
    nonce: tx.nonce,
    gas: tx.gas,
    to: tx.to ?? undefined,
    value: tx.value,
    data: tx.input,
  };
  let unsigned: TransactionSerializable;
  if (tx.type === "eip1559")
    unsigned = {
      ...common,
      type: "eip1559",
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      accessList: tx.accessList,
    };
  else if (tx.type === "eip2930")
    unsigned = { ...common, type: "eip2930", gasPrice: tx.gasPrice, accessList: tx.accessList };
  else unsigned = { ...common, type: "legacy", gasPrice: tx.gasPrice };
  const signingHash = keccak256(serializeTransaction(unsigned));
  return recoverPublicKey({
    hash: signingHash,
    signature: { r: tx.r, s: tx.s, ...(tx.yParity !== undefined ? { yParity: tx.yParity } : { v: tx.v }) },
  });
}
