/**
 * Job outputs: the digest nodes agree on, delivery (inline `data:` URI when small, else a
 * URI the worker serves) and verification on download. Browser-safe.
 *
 * Digest definition: `outputDigest = keccak256(stdout bytes)`.
 * @module
 */
import { keccak256, type Hex } from "viem";
import { OutputDigestMismatchError } from "./spec-errors.ts";
import { bytesToBase64 } from "./spec-encoding.ts";
import { loadUri, type LoadUriOptions } from "./spec-fetch.ts";

/** Outputs up to this many bytes travel inline by default (4 KiB). */
export const DEFAULT_INLINE_MAX_BYTES = 4096;

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

/** A `data:` URI holding the bytes (base64). */
export function outputToDataUri(bytes: Uint8Array): string {
  return `data:application/octet-stream;base64,${bytesToBase64(bytes)}`;
}

/** Publishes bytes somewhere fetchable and returns the URI (e.g. the worker's server). */
export type OutputPublisher = (bytes: Uint8Array, digest: Hex) => Promise<string>;

/** Where an output went. */
export type DeliveredOutput = { digest: Hex; size: number; uri: string; inline: boolean };

/**
 * Chooses how to deliver an output: inline as a `data:` URI when it is at most
 * `inlineMaxBytes`, else through `publish`.
 *
 * @throws {TypeError} a large output and no publisher.
 * @example
 * ```ts
 * import { deliverOutput } from "sandrun/client/job/output.ts";
 * const { uri, digest } = await deliverOutput(result.stdout, { publish: server.publish });
 * ```
 */
export async function deliverOutput(
  bytes: Uint8Array,
  options: { inlineMaxBytes?: number; publish?: OutputPublisher } = {},
): Promise<DeliveredOutput> {
  const digest = keccak256(bytes);
  const inlineMax = options.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES;
  if (bytes.length <= inlineMax) {
    return { digest, size: bytes.length, uri: outputToDataUri(bytes), inline: true };
  }
  if (!options.publish) throw new TypeError(`output of ${bytes.length} bytes needs a publisher`);
  return { digest, size: bytes.length, uri: await options.publish(bytes, digest), inline: false };
}

/**
 * Downloads an output and checks it against the agreed digest.
 *
 * @throws {OutputDigestMismatchError | UriFetchError | UriTooLargeError}
 * @example
 * ```ts
 * import { fetchOutput } from "sandrun/client/job/output.ts";
 * const bytes = await fetchOutput(job.resultUri, job.resultDigest, { maxBytes: 16 << 20 });
 * ```
 */
export async function fetchOutput(
  uri: string,
  digest: Hex,
  options: LoadUriOptions = {},
): Promise<Uint8Array> {
  const bytes = await loadUri(uri, options);
  verifyOutput(bytes, digest);
  return bytes;
}
