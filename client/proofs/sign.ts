/**
 * Signing the JobMarket's EIP-712 messages with a node's signer key. Any viem account that
 * can sign typed data works (a `privateKeyToAccount` local account, a wallet client's
 * account, a hardware wallet); nothing here sends a transaction.
 * @module
 */
import type { Hex, LocalAccount } from "viem";
import type { RevealPreimage } from "../actions/market/revealResult.ts";
import {
  commitTypedData,
  computeSeal,
  receiptTypedData,
  reportTypedData,
  type CommitMessage,
  type MarketDomain,
  type ReceiptMessage,
  type ReportMessage,
} from "./typed-data.ts";

/** Anything that signs EIP-712 typed data (a viem `LocalAccount` fits). */
export type TypedDataSigner = Pick<LocalAccount, "address" | "signTypedData">;

/** A signed message with what was signed. */
export type Signed<M> = { message: M; signature: Hex; signer: Hex };

/**
 * Signs a commit (`Commit(jobId,nodeId,seal)`), for a carrier to submit (`commitFor`/batch).
 *
 * @example
 * ```ts
 * import { privateKeyToAccount } from "viem/accounts";
 * import { signCommit } from "sandrun/client/proofs/sign.ts";
 * const signed = await signCommit(privateKeyToAccount(key), { chainId, market }, { jobId, nodeId, seal });
 * ```
 */
export async function signCommit(
  signer: TypedDataSigner,
  domain: MarketDomain,
  message: CommitMessage,
): Promise<Signed<CommitMessage>> {
  const signature = await signer.signTypedData(commitTypedData(domain, message));
  return { message, signature, signer: signer.address };
}

/**
 * Signs a basic/standard result (`Report`).
 *
 * @example
 * ```ts
 * import { signReport } from "sandrun/client/proofs/sign.ts";
 * await signReport(account, domain, { jobId, nodeId, digest, resultURI, invoice: 0n });
 * ```
 */
export async function signReport(
  signer: TypedDataSigner,
  domain: MarketDomain,
  message: ReportMessage,
): Promise<Signed<ReportMessage>> {
  const signature = await signer.signTypedData(reportTypedData(domain, message));
  return { message, signature, signer: signer.address };
}

/**
 * Signs an execution receipt (`Receipt`): the evidence, at the cryptographic level, that this
 * node's signer ran `specHash` on `runtime` and got `digest`, published at `resultURI`.
 *
 * @example
 * ```ts
 * import { signReceipt } from "sandrun/client/proofs/sign.ts";
 * const r = await signReceipt(account, domain, { jobId, specHash, runtime: 0, digest, resultURI, usage });
 * ```
 */
export async function signReceipt(
  signer: TypedDataSigner,
  domain: MarketDomain,
  message: ReceiptMessage,
): Promise<Signed<ReceiptMessage>> {
  const signature = await signer.signTypedData(receiptTypedData(domain, message));
  return { message, signature, signer: signer.address };
}

/** What one node hands a carrier for a one-transaction job (`submitBatch`): its reveal and signed commit. */
export type NodeSubmission = {
  readonly nodeId: bigint;
  readonly reveal: RevealPreimage;
  readonly commitSignature: Hex;
};

/**
 * Prepares a node's part of a one-transaction job: computes the commit seal the contract will
 * recompute from the reveal preimage (binding chain, market, job, node, digest, URI, invoice
 * and salt) and signs the EIP-712 `Commit` over it with the node's signer. The carrier cannot
 * alter any of it: a changed field changes the seal and the signature no longer matches.
 *
 * @example
 * ```ts
 * import { signSubmission } from "sandrun/client/proofs/sign.ts";
 * const part = await signSubmission(signerAccount, { chainId, market }, { jobId, nodeId, reveal });
 * ```
 */
export async function signSubmission(
  signer: TypedDataSigner,
  domain: MarketDomain,
  p: { readonly jobId: bigint; readonly nodeId: bigint; readonly reveal: RevealPreimage },
): Promise<NodeSubmission> {
  const r = p.reveal;
  const seal = computeSeal({
    ...domain,
    jobId: p.jobId,
    nodeId: p.nodeId,
    digest: r.digest,
    resultURI: r.resultURI,
    invoice: r.invoice,
    salt: r.salt,
  });
  const { signature } = await signCommit(signer, domain, { jobId: p.jobId, nodeId: p.nodeId, seal });
  return { nodeId: p.nodeId, reveal: r, commitSignature: signature };
}
