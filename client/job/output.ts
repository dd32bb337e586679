/**
 * Job outputs: the digest nodes agree on, the `data:` URI small outputs travel in, and the
 * check on download. Browser-safe. (The worker's delivery is client/worker/daemon/output-server.ts;
 * the requester's download is JobExecution.download.)
 *
 * Digest definition: `outputDigest = keccak256(stdout bytes)`.
 * @module
 */
import { keccak256, type Hex } from "viem";
import { OutputDigestMismatchError } from "./spec-errors.ts";
import { bytesToBase64 } from "./spec-encoding.ts";

/**
 * keccak256 of the output bytes.
 *
 * @example
 * ```ts
 * import { outputDigest } from "sandrun/client/job/output.ts";
 * outputDigest(new TextEncoder().encode("42\n"));
 * ```
 */
export function outputDigest(bytes: Uint8Array): Hex {
  return keccak256(bytes);
}

/**
 * Checks output bytes against the agreed digest.
 *
 * @returns the digest (for chaining).
 * @throws {OutputDigestMismatchError} with both digests.
 * @example
 * ```ts
 * import { verifyOutput } from "sandrun/client/job/output.ts";
 * verifyOutput(bytes, job.resultDigest);
 * ```
 */
export function verifyOutput(bytes: Uint8Array, digest: Hex): Hex {
  const actual = keccak256(bytes);
  if (actual.toLowerCase() !== digest.toLowerCase()) throw new OutputDigestMismatchError(digest, actual);
  return actual;
}

/**
 * A `data:` URI holding the bytes (base64), the form a small output is published in so
 * its result URI needs no server.
 *
 * @example
 * ```ts
 * import { outputToDataUri } from "sandrun/client/job/output.ts";
 * outputToDataUri(new TextEncoder().encode("hi")); // "data:application/octet-stream;base64,aGk="
 * ```
 */
export function outputToDataUri(bytes: Uint8Array): string {
  return `data:application/octet-stream;base64,${bytesToBase64(bytes)}`;
}
