/**
 * `sandrun.job()`: an immutable builder of a job. Every method returns a new frozen builder;
 * `build()` makes the unsubmitted {@link Job} (what `Pool.distribute` and `Pool.schedule`
 * take), `estimate()` reads what it would cost, `submit()` posts it and returns a
 * {@link JobExecution}.
 *
 * Defaults (documented because the original design's snippet relies on them):
 * - bare `code(source)` runs on the `js` runtime (the design's `code('gpu_computation()')`
 *   is JavaScript-looking source; `js` is the sandbox that takes source text as is);
 * - limits: timeout 60 s, memory 256 MiB, output 1 MiB;
 * - consensus and redundancy: the pool's (the contract resolves `255`/`0` to the pool policy);
 * - payment: per node, the highest job cost among the pool's members for this job's shape and
 *   timeout, in their price token (so every member can take it); `payment(amount, token)` sets it.
 *
 * `payment(amount, token)` is the price PER NODE (the contract's `pricePerNode`, each node's
 * invoice cap); the escrow is `n × amount`. Per node because the contract pays per node and
 * splitting a total by n would not be exact in base units.
 * @module
 */
import type { Hex } from "viem";
import { keccak256 } from "viem";

import { ValidationError, type ValidationIssue } from "../errors.ts";
import { parseSizeGb } from "../discovery/criteria.ts";
import type { Size } from "../discovery/types.ts";
import { checkRedundancy, isConsensusStrategy, type ConsensusStrategy } from "../proofs/consensus.ts";
import type { JobExecution } from "./JobExecution.ts";
import { bytesToBase64 } from "./spec-encoding.ts";
import {
  INTERPRETERS,
  RUNTIMES,
  encodeJobSpec,
  parseJobSpec,
  type Interpreter,
  type JobSpec,
  type Runtime,
} from "./spec.ts";

/**
 * Largest spec sent inline in calldata (24 KiB), which keeps a post's calldata cost
 * bounded; larger specs must be published and given as a URI (`specUri`).
 *
 * @example
 * ```ts
 * import { INLINE_SPEC_LIMIT } from "sandrun/client/job/JobBuilder.ts";
 * const inline = encodeJobSpec(spec).length <= INLINE_SPEC_LIMIT; // else publish it and call .specUri(uri)
 * ```
 */
export const INLINE_SPEC_LIMIT = 24 * 1024;

/**
 * Default limits of a job that names none: 60 s of run time, 256 MB of memory and 1 MiB
 * of output.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from "sandrun/client/job/JobBuilder.ts";
 * const job = sandrun.job().code(code).timeout(2 * DEFAULT_LIMITS.timeoutMs); // 120 s instead of 60 s
 * ```
 */
export const DEFAULT_LIMITS = Object.freeze({
  timeoutMs: 60_000,
  memoryMb: 256,
  maxOutputBytes: 1024 * 1024,
});

/** GPU needs of a job: a count, or a count with a model and a per-GPU memory. */
export type GpuRequirement = number | { count?: number; type?: string; memory?: Size };

/** A pool as a job needs it: its on-chain id, and optionally its members for defaults. */
export type JobPoolRef = {
  readonly id: string;
  /** Estimates a default price per node for a job (the Pool provides this). */
  readonly quoteJob?: (job: Job) => Promise<{ amount: string; token: string }>;
  /** Posts a job to this pool (the Pool provides this). */
  readonly submitJob?: (job: Job) => Promise<JobExecution>;
  /** Estimates a job on this pool without sending anything. */
  readonly estimateJob?: (job: Job) => Promise<JobEstimate>;
};

/** What `estimate()` returns. */
export type JobEstimate = {
  /** Price per node, token units (decimal string). */
  readonly pricePerNode: string;
  /** What the job escrows: `n × pricePerNode`, token units. */
  readonly escrow: string;
  /** The payment token symbol (or address). */
  readonly token: string;
  /** Nodes the job runs on. */
  readonly redundancy: number;
  readonly consensus: ConsensusStrategy;
  /** Pool members that can run it (capabilities, price, token). */
  readonly eligibleNodes: number;
  /** Whether the pool has enough eligible members for the redundancy. */
  readonly feasible: boolean;
  /** Spec bytes, and whether they travel inline. */
  readonly specBytes: number;
  readonly inline: boolean;
};

/**
 * An unsubmitted job: the content-addressed spec and what the market needs to post it.
 * Produced by `JobBuilder.build()`; taken by `Pool.distribute`, `Pool.schedule`, `postJob`.
 */
export type Job = {
  readonly spec: JobSpec;
  /** keccak256 of the canonical spec bytes: what goes on-chain. */
  readonly specHash: Hex;
  /** The canonical spec bytes. */
  readonly specBytes: Uint8Array;
  /** Where workers fetch the spec when it does not travel inline ("" = inline). */
  readonly specUri: string;
  readonly gpu: {
    readonly count: number;
    readonly type?: string | undefined;
    readonly memoryGb?: number | undefined;
  };
  /** System memory the job needs, GB (rounded up from the spec's MiB). */
  readonly memoryGb: number;
  readonly timeoutSeconds: number;
  readonly payment?: { readonly amount: string; readonly token: string } | undefined;
  readonly collateral?: string | undefined;
  readonly consensus?: ConsensusStrategy | undefined;
  readonly redundancy?: number | undefined;
  /** Seconds from posting until slots and commits close (default: 2 × timeout + 120 s, at least 300 s). */
  readonly commitWindow: number;
  /** Seconds after the commit deadline for reveals and reports (default 300 s). */
  readonly revealWindow: number;
  readonly pool?: JobPoolRef | undefined;
  /** The contract's packed `resources`: gpuCount (bits 0-7) | memoryMB (8-39) | timeoutSeconds (40-63). */
  readonly resources: bigint;
};

type State = {
  readonly code?: string;
  readonly scriptPath?: string;
  readonly runtime?: Runtime;
  readonly interpreter?: Interpreter;
  readonly input?: { data: string; encoding: "utf8" | "base64" };
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly gpu?: Job["gpu"];
  readonly memoryMb?: number;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
  readonly payment?: { amount: string; token: string };
  readonly collateral?: string;
  readonly consensus?: ConsensusStrategy;
  readonly redundancy?: number;
  readonly pool?: JobPoolRef;
  readonly specUri?: string;
  readonly windows?: { commit?: number; reveal?: number };
};

const fail = (field: string, message: string): never => {
  throw new ValidationError("Job", [{ field, message }]);
};

/** Parses "500ms", "30s", "5m", "1h" or a number of milliseconds. */
function parseDurationMs(value: number | string, field: string): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 1)
      fail(field, `must be a positive integer of milliseconds, got ${value}`);
    return value;
  }
  const m = /^\s*(\d+)\s*(ms|s|m|h)\s*$/u.exec(String(value));
  if (!m)
    return fail(field, `expected milliseconds or a duration like "30s", "5m", got ${JSON.stringify(value)}`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  const ms = Number(m[1]) * scale;
  if (ms < 1) fail(field, "must be positive");
  return ms;
}

const SCRIPT_RUNTIMES: Record<string, { runtime: Runtime; interpreter?: Interpreter; binary?: boolean }> = {
  ".wasm": { runtime: "wasm", binary: true },
  ".js": { runtime: "js" },
  ".mjs": { runtime: "js" },
  ".cjs": { runtime: "js" },
  ".py": { runtime: "process", interpreter: "python3" },
  ".sh": { runtime: "process", interpreter: "bash" },
};

/**
 * Builds a job immutably.
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/sandrun.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment });
 * const execution = await sandrun.job().code("gpu_computation()").with(pool).submit();
 * const output = await execution.download();
 * ```
 */
export class JobBuilder {
  readonly #state: State;

  constructor(state: State = {}) {
    this.#state = Object.freeze({ ...state });
    Object.freeze(this);
  }

  #with(patch: Partial<State>): JobBuilder {
    return new JobBuilder({ ...this.#state, ...patch });
  }

  /** The builder's state, frozen (for inspection and tests). */
  get state(): Readonly<State> {
    return this.#state;
  }

  /** The program's source text (for `wasm`, the module's bytes or their base64). Default runtime `js`. */
  code(source: string | Uint8Array): JobBuilder {
    if (source instanceof Uint8Array)
      return this.#with({
        code: bytesToBase64(source),
        runtime: this.#state.runtime ?? "wasm",
        scriptPath: undefined,
      });
    if (typeof source !== "string" || source.length === 0) fail("code", "must be a non-empty string");
    return this.#with({ code: source, scriptPath: undefined });
  }

  /**
   * A program file, read when the job is built (Node.js only: the read sits behind a dynamic
   * import so the client stays browser-safe). The runtime follows the extension unless set:
   * `.wasm` → wasm, `.js`/`.mjs` → js, `.py` → process/python3, `.sh` → process/bash.
   */
  script(path: string): JobBuilder {
    if (typeof path !== "string" || path.length === 0) fail("script", "must be a file path");
    return this.#with({ scriptPath: path, code: undefined });
  }

  /** The sandbox: `wasm`, `js` or `process` (with an interpreter: `python3`, `bash`, `node`). */
  runtime(name: Runtime | `process:${Interpreter}`, interpreter?: Interpreter): JobBuilder {
    const [rt, interp] = name.includes(":")
      ? (name.split(":") as [Runtime, Interpreter])
      : [name as Runtime, interpreter];
    if (!(RUNTIMES as readonly string[]).includes(rt))
      fail("runtime", `must be one of ${RUNTIMES.join(", ")}, got ${JSON.stringify(name)}`);
    if (interp !== undefined && !(INTERPRETERS as readonly string[]).includes(interp)) {
      fail("runtime", `interpreter must be one of ${INTERPRETERS.join(", ")}`);
    }
    if (rt === "process" && interp === undefined)
      fail("runtime", "the process runtime needs an interpreter (python3, bash, node)");
    return this.#with({ runtime: rt, interpreter: rt === "process" ? interp : undefined });
  }

  /** Standard input: text (UTF-8) or bytes. */
  input(data: string | Uint8Array): JobBuilder {
    if (data instanceof Uint8Array)
      return this.#with({ input: { data: bytesToBase64(data), encoding: "base64" } });
    if (typeof data !== "string") fail("input", "must be a string or bytes");
    return this.#with({ input: { data, encoding: "utf8" } });
  }

  /** Program arguments. */
  args(values: readonly string[]): JobBuilder {
    if (!Array.isArray(values) || values.some((v) => typeof v !== "string"))
      fail("args", "must be an array of strings");
    return this.#with({ args: Object.freeze([...values]) });
  }

  /** The program's whole environment (nothing of the worker's is added). */
  environment(vars: Readonly<Record<string, string>>): JobBuilder {
    if (vars === null || typeof vars !== "object") fail("environment", "must be an object of strings");
    return this.#with({ env: Object.freeze({ ...vars }) });
  }

  /** GPUs the job needs: a count, or `{ count, type, memory }` (memory per GPU). */
  gpu(requirements: GpuRequirement): JobBuilder {
    if (typeof requirements !== "number" && (requirements === null || typeof requirements !== "object"))
      fail("gpu", `must be a count or { count, type, memory }, got ${JSON.stringify(requirements)}`);
    const r = typeof requirements === "number" ? { count: requirements } : requirements;
    const count = r.count ?? 1;
    if (!Number.isInteger(count) || count < 0 || count > 255)
      fail("gpu.count", `must be an integer 0..255, got ${count}`);
    if (r.type !== undefined && (typeof r.type !== "string" || r.type.trim() === ""))
      fail("gpu.type", `must be a GPU model such as "a100", got ${JSON.stringify(r.type)}`);
    let memoryGb: number | undefined;
    try {
      memoryGb = r.memory === undefined ? undefined : parseSizeGb(r.memory, "gpu.memory");
    } catch (cause) {
      // The size parser speaks of discovery criteria; a job's problem is a job ValidationError.
      fail("gpu.memory", (cause as Error).message);
    }
    return this.#with({ gpu: Object.freeze({ count, type: r.type?.trim().toLowerCase(), memoryGb }) });
  }

  /** Memory limit: a number of GB, or a size such as "512MB", "2GB". */
  memory(size: Size): JobBuilder {
    let mb: number;
    if (typeof size === "number") {
      if (!Number.isFinite(size) || size <= 0) fail("memory", `must be a positive number of GB, got ${size}`);
      mb = Math.ceil(size * 1024);
    } else {
      const m = /^\s*(\d+(?:\.\d+)?)\s*(mb|mib|gb|gib)\s*$/iu.exec(size);
      if (!m) return fail("memory", `expected a size like "512MB" or "2GB", got ${JSON.stringify(size)}`);
      const unit = (m[2] as string).toLowerCase();
      mb = Math.ceil(Number(m[1]) * (unit.startsWith("g") ? 1024 : 1));
    }
    return this.#with({ memoryMb: mb });
  }

  /** Wall-time limit: milliseconds, or "30s", "5m", "1h". */
  timeout(duration: number | string): JobBuilder {
    return this.#with({ timeoutMs: parseDurationMs(duration, "timeout") });
  }

  /** Largest output accepted, bytes. */
  maxOutput(bytes: number): JobBuilder {
    if (!Number.isSafeInteger(bytes) || bytes < 1) fail("maxOutput", "must be a positive integer of bytes");
    return this.#with({ maxOutputBytes: bytes });
  }

  /** Price per node in token units (decimal string) and the token (default ETH). The escrow is n × amount. */
  payment(amount: string, token = "ETH"): JobBuilder {
    if (typeof amount !== "string" || !/^\d+(\.\d+)?$/u.test(amount.trim())) {
      fail(
        "payment",
        `amount must be a non-negative decimal string such as "0.01", got ${JSON.stringify(amount)}`,
      );
    }
    return this.#with({ payment: Object.freeze({ amount: amount.trim(), token }) });
  }

  /** Collateral each node locks from its bond while it holds a slot, in its bond token units. */
  collateral(amount: string): JobBuilder {
    if (typeof amount !== "string" || !/^\d+(\.\d+)?$/u.test(amount.trim()))
      fail("collateral", "must be a decimal string");
    return this.#with({ collateral: amount.trim() });
  }

  /** Consensus strategy for this job (default: the pool's). */
  consensus(strategy: ConsensusStrategy): JobBuilder {
    if (!isConsensusStrategy(strategy)) fail("consensus", `unknown strategy ${JSON.stringify(strategy)}`);
    return this.#with({ consensus: strategy });
  }

  /** Number of nodes that run the job independently (default: the pool's). */
  redundancy(n: number): JobBuilder {
    if (!Number.isInteger(n) || n < 1 || n > 16) fail("redundancy", `must be an integer 1..16, got ${n}`);
    return this.#with({ redundancy: n });
  }

  /** Commit and reveal windows, seconds. */
  windows(windows: { commit?: number; reveal?: number }): JobBuilder {
    for (const [k, v] of Object.entries(windows)) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 2 ** 32 - 1))
        fail(`windows.${k}`, "must be a positive integer of seconds");
    }
    return this.#with({ windows: Object.freeze({ ...windows }) });
  }

  /** Publish the spec at this URI instead of inline (required when it exceeds {@link INLINE_SPEC_LIMIT}). */
  specUri(uri: string): JobBuilder {
    if (!/^(https?|file|data|ipfs):/u.test(uri))
      fail("specUri", "must be an http(s), file, data or ipfs URI");
    return this.#with({ specUri: uri });
  }

  /** The pool to run in. */
  with(pool: JobPoolRef): JobBuilder {
    if (!pool || typeof pool.id !== "string") fail("with", "must be a Pool (or { id })");
    return this.#with({ pool });
  }

  /**
   * The unsubmitted job: validates everything (all problems at once), reads the script file if
   * one was named, and computes the content address.
   *
   * @throws ValidationError listing every problem.
   */
  async build(): Promise<Job> {
    const s = this.#state;
    const issues: ValidationIssue[] = [];
    let code = s.code;
    let runtime = s.runtime;
    let interpreter = s.interpreter;
    if (s.scriptPath !== undefined) {
      const ext = /\.[^./\\]+$/u.exec(s.scriptPath)?.[0]?.toLowerCase() ?? "";
      const kind = SCRIPT_RUNTIMES[ext];
      if (runtime === undefined && kind === undefined) {
        issues.push({
          field: "script",
          message: `cannot infer a runtime from "${ext || s.scriptPath}"; call runtime()`,
        });
      }
      runtime ??= kind?.runtime;
      if (runtime === "process") interpreter ??= kind?.interpreter;
      try {
        // Dynamic import keeps node:fs out of browser bundles; only script() needs it.
        const fs = await import("node:fs/promises");
        const bytes = await fs.readFile(s.scriptPath);
        code = runtime === "wasm" ? bytesToBase64(new Uint8Array(bytes)) : bytes.toString("utf8");
      } catch (cause) {
        issues.push({ field: "script", message: `cannot read ${s.scriptPath}: ${(cause as Error).message}` });
      }
    }
    runtime ??= "js";
    if (code === undefined) issues.push({ field: "code", message: "call code(source) or script(path)" });
    if (s.consensus !== undefined && s.redundancy !== undefined)
      issues.push(...checkRedundancy(s.consensus, s.redundancy));
    if (issues.length > 0) throw new ValidationError("Job", issues);

    const limits = {
      timeoutMs: s.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
      memoryMb: s.memoryMb ?? DEFAULT_LIMITS.memoryMb,
      maxOutputBytes: s.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
    };
    const draft: Record<string, unknown> = { version: 1, runtime, code, limits };
    if (runtime === "process") draft.interpreter = interpreter;
    if (s.input) {
      draft.input = s.input.data;
      if (s.input.encoding === "base64") draft.inputEncoding = "base64";
    }
    if (s.args) draft.args = [...s.args];
    if (s.env) draft.env = { ...s.env };
    let spec: JobSpec;
    try {
      spec = parseJobSpec(draft);
    } catch (cause) {
      const specIssues = (cause as { issues?: { path: string; message: string }[] }).issues;
      throw new ValidationError(
        "Job",
        specIssues?.map((i) => ({ field: i.path, message: i.message })) ?? [
          { field: "spec", message: String(cause) },
        ],
      );
    }
    const specBytes = encodeJobSpec(spec);
    if (s.specUri === undefined && specBytes.length > INLINE_SPEC_LIMIT) {
      throw new ValidationError("Job", [
        {
          field: "specUri",
          message: `spec is ${specBytes.length} bytes, over the ${INLINE_SPEC_LIMIT}-byte inline limit: publish it and call specUri(uri)`,
        },
      ]);
    }
    const timeoutSeconds = Math.ceil(limits.timeoutMs / 1000);
    const gpu = s.gpu ?? { count: 0 };
    const resources =
      BigInt(gpu.count) |
      (BigInt(limits.memoryMb) << 8n) |
      (BigInt(Math.min(timeoutSeconds, 2 ** 24 - 1)) << 40n);
    return Object.freeze({
      spec,
      specHash: keccak256(specBytes),
      specBytes,
      specUri: s.specUri ?? "",
      gpu: Object.freeze({ ...gpu }),
      memoryGb: Math.ceil(limits.memoryMb / 1024),
      timeoutSeconds,
      payment: s.payment,
      collateral: s.collateral,
      consensus: s.consensus,
      redundancy: s.redundancy,
      commitWindow: s.windows?.commit ?? Math.max(300, 2 * timeoutSeconds + 120),
      revealWindow: s.windows?.reveal ?? 300,
      pool: s.pool,
      resources,
    });
  }

  /** What the job would cost on its pool and whether the pool can run it; sends nothing. */
  async estimate(): Promise<JobEstimate> {
    const job = await this.build();
    if (!job.pool?.estimateJob) return fail("with", "estimate() needs a pool: call with(pool)");
    return job.pool.estimateJob(job);
  }

  /** Posts the job to its pool with the payment in escrow; returns its execution. */
  async submit(): Promise<JobExecution> {
    const job = await this.build();
    if (!job.pool?.submitJob) return fail("with", "submit() needs a pool: call with(pool)");
    return job.pool.submitJob(job);
  }
}
