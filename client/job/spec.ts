/**
 * Job specs: the document a requester commits to on-chain by hash. Format, validation,
 * canonical encoding, hash, data: URIs and fetching with hash check. Browser-safe; the
 * Node-only `file:` loader is in client/worker/spec-file.ts.
 *
 * Hash definition: `specHash = keccak256(utf8(canonicalJson(spec)))`, where canonicalJson
 * sorts object keys by UTF-16 code units, has no whitespace, omits absent optional fields
 * and has integers only (RFC 8785 for these types). A fetched document must be exactly
 * those canonical bytes.
 * @module
 */
import { keccak256, toBytes, type Hex } from "viem";
import { z } from "zod";
import { SpecHashMismatchError, SpecInvalidError, type SpecIssue } from "./spec-errors.ts";
import { base64ToBytes, bytesToBase64, canonicalJson, isBase64 } from "./spec-encoding.ts";
import { loadUri, type LoadUriOptions } from "./spec-fetch.ts";

/**
 * The sandboxed runtimes a job can ask for, as a spec's `runtime` names them.
 *
 * @example
 * ```ts
 * import { RUNTIMES } from "sandrun/client/job/spec.ts";
 * RUNTIMES.includes("wasm"); // true
 * ```
 */
export const RUNTIMES = ["wasm", "js", "process"] as const;
/** A sandbox runtime name. */
export type Runtime = (typeof RUNTIMES)[number];
/**
 * Interpreters of the `process` runtime, as a spec's `interpreter` names them.
 *
 * @example
 * ```ts
 * import { INTERPRETERS } from "sandrun/client/job/spec.ts";
 * const ok = (INTERPRETERS as readonly string[]).includes(userChoice);
 * ```
 */
export const INTERPRETERS = ["python3", "bash", "node"] as const;
/** An interpreter of the `process` runtime. */
export type Interpreter = (typeof INTERPRETERS)[number];

/**
 * Upper bounds a spec may ask for (a worker may enforce lower ones); {@link parseJobSpec}
 * refuses a spec above any of them.
 *
 * @example
 * ```ts
 * import { SPEC_BOUNDS } from "sandrun/client/job/spec.ts";
 * const timeoutMs = Math.min(requested, SPEC_BOUNDS.timeoutMs); // at most 24 h
 * ```
 */
export const SPEC_BOUNDS = {
  timeoutMs: 24 * 3600 * 1000,
  memoryMb: 64 * 1024,
  maxOutputBytes: 1024 * 1024 * 1024,
  args: 256,
  envVars: 256,
} as const;

/** Resource limits of one run; every runtime enforces all three. */
export type JobLimits = {
  /** Wall-clock time before the run is killed, in ms. */
  timeoutMs: number;
  /** Peak memory (resident set, or WebAssembly linear memory) in MiB. */
  memoryMb: number;
  /** Largest stdout accepted, in bytes. */
  maxOutputBytes: number;
};

/**
 * A job spec, version 1.
 *
 * @example
 * ```ts
 * const spec: JobSpec = {
 *   version: 1, runtime: "process", interpreter: "python3",
 *   code: "print(input().upper())", input: "hi\n",
 *   limits: { timeoutMs: 5000, memoryMb: 128, maxOutputBytes: 4096 },
 * };
 * ```
 */
export type JobSpec = {
  version: 1;
  runtime: Runtime;
  /** Required for (and only allowed with) the `process` runtime. */
  interpreter?: Interpreter;
  /** Program source text; for `wasm` the base64 of the module binary. */
  code: string;
  /** Standard input, in `inputEncoding` (default utf8). */
  input?: string;
  inputEncoding?: "utf8" | "base64";
  /** Program arguments (argv after the program name). */
  args?: string[];
  /** The program's whole environment: nothing of the worker's is added. */
  env?: Record<string, string>;
  limits: JobLimits;
};

const noNul = (what: string) =>
  z.string().refine((s) => !s.includes("\0"), { message: `${what} must not contain NUL` });

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const jobSpecSchema = z
  .strictObject({
    version: z.literal(1),
    runtime: z.enum(RUNTIMES),
    interpreter: z.enum(INTERPRETERS).optional(),
    code: z.string().min(1, "code must not be empty"),
    input: z.string().optional(),
    inputEncoding: z.enum(["utf8", "base64"]).optional(),
    args: z.array(noNul("an argument")).max(SPEC_BOUNDS.args).optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "env names are [A-Za-z_][A-Za-z0-9_]*"),
        noNul("an env value"),
      )
      .refine((e) => Object.keys(e).length <= SPEC_BOUNDS.envVars, "too many env vars")
      .optional(),
    limits: z.strictObject({
      timeoutMs: int(1, SPEC_BOUNDS.timeoutMs),
      memoryMb: int(1, SPEC_BOUNDS.memoryMb),
      maxOutputBytes: int(1, SPEC_BOUNDS.maxOutputBytes),
    }),
  })
  .superRefine((spec, ctx) => {
    if (spec.runtime === "process" && spec.interpreter === undefined) {
      ctx.addIssue({ code: "custom", path: ["interpreter"], message: "required by the process runtime" });
    }
    if (spec.runtime !== "process" && spec.interpreter !== undefined) {
      ctx.addIssue({ code: "custom", path: ["interpreter"], message: "only the process runtime takes one" });
    }
    if (spec.runtime === "wasm" && !isBase64(spec.code)) {
      ctx.addIssue({ code: "custom", path: ["code"], message: "wasm code must be base64 of the module" });
    }
    if (spec.inputEncoding !== undefined && spec.input === undefined) {
      ctx.addIssue({ code: "custom", path: ["inputEncoding"], message: "given without input" });
    }
    if (spec.inputEncoding === "base64" && spec.input !== undefined && !isBase64(spec.input)) {
      ctx.addIssue({ code: "custom", path: ["input"], message: "not canonical base64" });
    }
  });

/**
 * Validates an unknown value as a {@link JobSpec}.
 *
 * @throws {SpecInvalidError} listing every problem.
 * @example
 * ```ts
 * import { parseJobSpec } from "sandrun/client/job/spec.ts";
 * const spec = parseJobSpec(JSON.parse(text));
 * ```
 */
export function parseJobSpec(value: unknown): JobSpec {
  const result = jobSpecSchema.safeParse(value);
  if (result.success) return result.data as JobSpec;
  const issues: SpecIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  throw new SpecInvalidError(issues, result.error);
}

/**
 * The canonical bytes of a spec (validated first): UTF-8 of canonical JSON.
 *
 * @example
 * ```ts
 * const bytes = encodeJobSpec(spec); // Uint8Array of '{"code":…,"limits":{…},…}'
 * ```
 */
export function encodeJobSpec(spec: JobSpec): Uint8Array {
  return toBytes(canonicalJson(parseJobSpec(spec)));
}

/**
 * The spec hash committed on-chain: keccak256 of {@link encodeJobSpec}.
 *
 * @example
 * ```ts
 * import { specHash } from "sandrun/client/job/spec.ts";
 * const hash = specHash(spec); // 0x…32 bytes
 * ```
 */
export function specHash(spec: JobSpec): Hex {
  return keccak256(encodeJobSpec(spec));
}

/**
 * Parses canonical spec bytes; refuses bytes that are valid JSON but not canonical (so
 * two encodings of one spec can never carry different hashes).
 *
 * @throws {SpecInvalidError}
 * @example
 * ```ts
 * import { decodeJobSpec, encodeJobSpec } from "sandrun/client/job/spec.ts";
 * const spec = decodeJobSpec(encodeJobSpec(original)); // round-trips; non-canonical bytes throw
 * ```
 */
export function decodeJobSpec(bytes: Uint8Array): JobSpec {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SpecInvalidError([{ path: "", message: "not UTF-8 JSON" }], error);
  }
  const spec = parseJobSpec(parsed);
  const canonical = toBytes(canonicalJson(spec));
  if (canonical.length !== bytes.length || canonical.some((b, i) => b !== bytes[i])) {
    throw new SpecInvalidError([{ path: "", message: "not in canonical encoding" }]);
  }
  return spec;
}

/**
 * A `data:` URI carrying the canonical spec bytes (for small specs sent inline).
 *
 * @example
 * ```ts
 * const uri = specToUri(spec); // "data:application/json;base64,eyJ…"
 * ```
 */
export function specToUri(spec: JobSpec): string {
  return `data:application/json;base64,${bytesToBase64(encodeJobSpec(spec))}`;
}

/**
 * The program's stdin bytes as the spec describes them: `input` decoded from its
 * `inputEncoding` (UTF-8 by default), or no bytes when it has none.
 *
 * @example
 * ```ts
 * import { specInputBytes } from "sandrun/client/job/spec.ts";
 * specInputBytes({ ...spec, input: "aGk=", inputEncoding: "base64" }); // Uint8Array [104, 105]
 * ```
 */
export function specInputBytes(spec: JobSpec): Uint8Array {
  if (spec.input === undefined) return new Uint8Array(0);
  return spec.inputEncoding === "base64" ? base64ToBytes(spec.input) : toBytes(spec.input);
}

/** What {@link fetchSpec} returns. */
export type FetchedSpec = { spec: JobSpec; hash: Hex; bytes: Uint8Array };

/**
 * Fetches a spec and checks it against the committed hash BEFORE parsing it: a worker
 * never runs a spec the requester did not commit to.
 *
 * @param uri `data:`, `http(s):`, or a scheme given in `options.loaders` (e.g. `file:`).
 * @param expectedHash the spec hash from the chain.
 * @throws {SpecHashMismatchError} the bytes hash to something else (carries both hashes).
 * @throws {SpecInvalidError} the bytes match but are not a valid canonical spec.
 * @throws {UriFetchError | UriTooLargeError} the bytes could not be read within limits.
 * @example
 * ```ts
 * import { fetchSpec } from "sandrun/client/job/spec.ts";
 * const { spec } = await fetchSpec(job.specUri, job.specHash, { maxBytes: 256 * 1024 });
 * ```
 */
export async function fetchSpec(
  uri: string,
  expectedHash: Hex,
  options: LoadUriOptions = {},
): Promise<FetchedSpec> {
  const bytes = await loadUri(uri, options);
  const hash = keccak256(bytes);
  if (hash.toLowerCase() !== expectedHash.toLowerCase()) {
    throw new SpecHashMismatchError(expectedHash, hash, uri);
  }
  return { spec: decodeJobSpec(bytes), hash, bytes };
}
