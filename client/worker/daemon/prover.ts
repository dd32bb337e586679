/**
 * The daemon's {@link ResultProver}: seals and execution receipts made with the node's signer
 * key, for one chain and market (client/proofs/typed-data.ts).
 * @module
 */
import { randomBytes } from "node:crypto";
import { toHex, type Hex } from "viem";
import { signReceipt, type TypedDataSigner } from "../../proofs/sign.ts";
import { computeSeal, type MarketDomain } from "../../proofs/typed-data.ts";
import type { OfferDetails, ResultProver, RevealInput } from "./ports.ts";

/**
 * Proves results for `nodeId` with `signer`.
 *
 * @example
 * ```ts
 * import { SignerProver } from "sandrun/client/worker/daemon/prover.ts";
 * const prover = new SignerProver(privateKeyToAccount(key), { chainId, market }, 3n);
 * ```
 */
export class SignerProver implements ResultProver {
  readonly #signer: TypedDataSigner;
  readonly #domain: MarketDomain;
  readonly #nodeId: bigint;
  constructor(signer: TypedDataSigner, domain: MarketDomain, nodeId: bigint) {
    this.#signer = signer;
    this.#domain = domain;
    this.#nodeId = nodeId;
  }

  seal(jobId: bigint, digest: Hex, resultURI: string, invoice: bigint, salt: Hex): Hex {
    return computeSeal({ ...this.#domain, jobId, nodeId: this.#nodeId, digest, resultURI, invoice, salt });
  }

  salt(): Hex {
    return toHex(randomBytes(32));
  }

  async receipt(
    offer: OfferDetails,
    digest: Hex,
    resultURI: string,
    usage: RevealInput["usage"],
  ): Promise<Hex> {
    const signed = await signReceipt(this.#signer, this.#domain, {
      jobId: offer.jobId,
      specHash: offer.specHash,
      runtime: offer.runtimeCode,
      digest,
      resultURI,
      usage,
    });
    return signed.signature;
  }
}
