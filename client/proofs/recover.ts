/**
 * Recovering and checking signers of the JobMarket's EIP-712 messages off-chain, the same
 * way the contract does (OpenZeppelin ECDSA: low-s, 65-byte signatures). Used by carriers
 * before paying gas for a batch and by requesters checking a receipt in a dispute.
 * @module
 */
import { isAddressEqual, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { SandrunError } from "../errors/base.ts";
import {
  commitTypedData,
  receiptTypedData,
  reportTypedData,
  type CommitMessage,
  type MarketDomain,
  type ReceiptMessage,
  type ReportMessage,
} from "./typed-data.ts";

/**
 * A signature that is malformed or was made by someone other than the expected signer;
 * carries who should have signed and who did (when it recovers at all).
 *
 * @example
 * ```ts
 * import { InvalidSignatureError, verifySigned } from "sandrun/client/proofs/recover.ts";
 * try {
 *   await verifySigned("Receipt", domain, receipt, signature, nodeSigner);
 * } catch (e) {
 *   if (e instanceof InvalidSignatureError) console.log(e.expected, e.recovered);
 * }
 * ```
 */
export class InvalidSignatureError extends SandrunError {
  override name = "InvalidSignatureError";
  /** Who should have signed. */
  readonly expected: Address;
  /** Who did (undefined when the signature does not even recover). */
  readonly recovered: Address | undefined;
  constructor(kind: string, expected: Address, recovered: Address | undefined, cause?: unknown) {
    super(`${kind} signature is not from ${expected}.`, {
      details: recovered ? `It recovers to ${recovered}.` : "It does not recover to any address.",
      cause,
    });
    this.expected = expected;
    this.recovered = recovered;
  }
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Refuses signatures the contract's ECDSA would refuse (wrong length, high s). */
function checkShape(signature: Hex): void {
  if (signature.length !== 132)
    throw new Error(`signature must be 65 bytes, got ${(signature.length - 2) / 2}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (s > SECP256K1_HALF_N) throw new Error("signature s value is in the upper half (malleable)");
}

async function recover(kind: string, typed: Parameters<typeof recoverTypedDataAddress>[0]): Promise<Address> {
  checkShape(typed.signature as Hex);
  return recoverTypedDataAddress(typed).catch((e: unknown) => {
    throw new InvalidSignatureError(kind, "0x0000000000000000000000000000000000000000", undefined, e);
  });
}

/**
 * The address that signed a commit.
 * @example
 * ```ts
 * import { recoverCommitSigner } from "sandrun/client/proofs/recover.ts";
 * const who = await recoverCommitSigner(domain, message, signature);
 * ```
 */
export function recoverCommitSigner(
  domain: MarketDomain,
  m: CommitMessage,
  signature: Hex,
): Promise<Address> {
  return recover("Commit", { ...commitTypedData(domain, m), signature });
}

/**
 * The address that signed a report.
 * @example
 * ```ts
 * import { recoverReportSigner } from "sandrun/client/proofs/recover.ts";
 * await recoverReportSigner(domain, message, signature);
 * ```
 */
export function recoverReportSigner(
  domain: MarketDomain,
  m: ReportMessage,
  signature: Hex,
): Promise<Address> {
  return recover("Report", { ...reportTypedData(domain, m), signature });
}

/**
 * The address that signed an execution receipt.
 * @example
 * ```ts
 * import { recoverReceiptSigner } from "sandrun/client/proofs/recover.ts";
 * await recoverReceiptSigner(domain, message, signature);
 * ```
 */
export function recoverReceiptSigner(
  domain: MarketDomain,
  m: ReceiptMessage,
  signature: Hex,
): Promise<Address> {
  return recover("Receipt", { ...receiptTypedData(domain, m), signature });
}

/**
 * Throws unless `signature` over message `m` of `kind` was made by `expected`.
 *
 * @throws {InvalidSignatureError}
 * @example
 * ```ts
 * import { verifySigned } from "sandrun/client/proofs/recover.ts";
 * await verifySigned("Receipt", domain, receipt, signature, nodeSigner);
 * ```
 */
export async function verifySigned(
  kind: "Commit" | "Report" | "Receipt",
  domain: MarketDomain,
  m: CommitMessage | ReportMessage | ReceiptMessage,
  signature: Hex,
  expected: Address,
): Promise<void> {
  let who: Address;
  try {
    who =
      kind === "Commit"
        ? await recoverCommitSigner(domain, m as CommitMessage, signature)
        : kind === "Report"
          ? await recoverReportSigner(domain, m as ReportMessage, signature)
          : await recoverReceiptSigner(domain, m as ReceiptMessage, signature);
  } catch (e) {
    throw new InvalidSignatureError(kind, expected, undefined, e);
  }
  if (!isAddressEqual(who, expected)) throw new InvalidSignatureError(kind, expected, who);
}
