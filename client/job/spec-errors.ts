/**
 * Typed errors of job specs and job outputs: invalid specs, hash mismatches, fetch failures,
 * oversized documents and outputs that do not match their digest. Browser-safe.
 * @module
 */
import { SandrunError } from "../errors/base.ts";

/** One problem found while validating a spec (a path into the document and a message). */
export type SpecIssue = { path: string; message: string };

/**
 * A job spec that does not satisfy the format (every problem listed at once).
 *
 * @example
 * ```ts
 * import { parseJobSpec } from "sandrun/client/job/spec.ts";
 * parseJobSpec({ version: 2 }); // throws SpecInvalidError
 * ```
 */
export class SpecInvalidError extends SandrunError {
  override name = "SpecInvalidError";
  /** Every problem found. */
  readonly issues: readonly SpecIssue[];
  constructor(issues: readonly SpecIssue[], cause?: unknown) {
    super(`Invalid job spec (${issues.length} problem${issues.length === 1 ? "" : "s"}).`, {
      details: issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; "),
      cause,
    });
    this.issues = issues;
  }
}

/**
 * A fetched spec whose keccak256 differs from the hash the job committed to: the worker
 * must not run it.
 *
 * @example
 * ```ts
 * import { fetchSpec } from "sandrun/client/job/spec.ts";
 * await fetchSpec(uri, "0x00…"); // throws SpecHashMismatchError
 * ```
 */
export class SpecHashMismatchError extends SandrunError {
  override name = "SpecHashMismatchError";
  /** The hash the job committed to. */
  readonly expected: `0x${string}`;
  /** keccak256 of the bytes actually fetched. */
  readonly actual: `0x${string}`;
  /** Where the bytes came from. */
  readonly uri: string;
  constructor(expected: `0x${string}`, actual: `0x${string}`, uri: string) {
    super("Job spec hash mismatch: refusing to run it.", {
      details: `expected ${expected}, fetched ${actual} from ${uri.slice(0, 120)}`,
    });
    this.expected = expected;
    this.actual = actual;
    this.uri = uri;
  }
}

/**
 * A spec or output could not be fetched (bad scheme, network error, timeout, HTTP status).
 *
 * @example
 * ```ts
 * await fetchSpec("ftp://x/spec.json", hash); // throws UriFetchError
 * ```
 */
export class UriFetchError extends SandrunError {
  override name = "UriFetchError";
  /** The URI asked for (truncated to 200 characters). */
  readonly uri: string;
  /** Why it failed. */
  readonly reason: string;
  constructor(uri: string, reason: string, cause?: unknown) {
    super(`Could not fetch ${uri.slice(0, 200)}: ${reason}.`, { cause });
    this.uri = uri.slice(0, 200);
    this.reason = reason;
  }
}

/**
 * A document (spec or output) larger than the caller's limit; nothing past the limit was
 * read.
 *
 * @example
 * ```ts
 * await fetchSpec(uri, hash, { maxBytes: 1024 }); // throws UriTooLargeError for a 2 KiB spec
 * ```
 */
export class UriTooLargeError extends SandrunError {
  override name = "UriTooLargeError";
  /** The URI (truncated). */
  readonly uri: string;
  /** The limit in bytes. */
  readonly maxBytes: number;
  constructor(uri: string, maxBytes: number) {
    super(`Document at ${uri.slice(0, 200)} is larger than ${maxBytes} bytes.`);
    this.uri = uri.slice(0, 200);
    this.maxBytes = maxBytes;
  }
}

/**
 * Output bytes whose keccak256 is not the digest the job agreed on.
 *
 * @example
 * ```ts
 * import { verifyOutput } from "sandrun/client/job/output.ts";
 * verifyOutput(new Uint8Array([1]), "0x00…"); // throws OutputDigestMismatchError
 * ```
 */
export class OutputDigestMismatchError extends SandrunError {
  override name = "OutputDigestMismatchError";
  /** The agreed digest. */
  readonly expected: `0x${string}`;
  /** keccak256 of the bytes received. */
  readonly actual: `0x${string}`;
  constructor(expected: `0x${string}`, actual: `0x${string}`) {
    super("Output does not match the agreed digest.", {
      details: `expected ${expected}, got ${actual}`,
    });
    this.expected = expected;
    this.actual = actual;
  }
}
