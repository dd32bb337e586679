/**
 * The daemon's {@link JobRunner}: gets the job's spec (inline from the JobSpec event, or from
 * its URI), refuses it unless it hashes to the spec hash on-chain, and runs it in the sandbox
 * of its runtime.
 *
 * A run that overran a limit (timeout, memory, output size) still yields a digest: the digest
 * of a fixed marker naming the limit, so honest nodes agree that the job is over its limits
 * rather than all becoming no-shows. A crash or a refusal of the sandbox yields nothing (the
 * worker refuses the job).
 * @module
 */
import { keccak256, toBytes, type Hex } from "viem";
import { SandrunError } from "../../errors/base.ts";
import { SpecHashMismatchError } from "../../job/spec-errors.ts";
import { decodeJobSpec, fetchSpec, type JobSpec } from "../../job/spec.ts";
import { runInSandbox, type SandboxResult } from "../sandbox/index.ts";
import type { ExecutionResult, JobRunner, OfferDetails } from "./ports.ts";

/**
 * The sandbox failed to produce a result the protocol can use (a crash or a refusal), so the
 * worker refuses the job rather than committing a digest.
 *
 * @example
 * ```ts
 * import { JobRunFailedError, toExecutionResult } from "sandrun/client/worker/daemon/runner.ts";
 * try {
 *   toExecutionResult(jobId, sandboxResult);
 * } catch (error) {
 *   if (error instanceof JobRunFailedError) logger.warn({ jobId }, error.message);
 * }
 * ```
 */
export class JobRunFailedError extends SandrunError {
  override name = "JobRunFailedError";
  constructor(jobId: bigint, outcome: string, cause?: unknown) {
    super(`Job ${jobId} produced no usable result (${outcome}).`, { cause });
  }
}

/**
 * The digest every honest node reports for a run that overran `limit`, so they agree the job is
 * over its limits instead of all becoming no-shows.
 *
 * @example
 * ```ts
 * import { limitDigest } from "sandrun/client/worker/daemon/runner.ts";
 * const digest = limitDigest("timeout"); // keccak256("sandrun:limit-exceeded:timeout")
 * ```
 */
export function limitDigest(limit: string): Hex {
  return keccak256(toBytes(`sandrun:limit-exceeded:${limit}`));
}

/**
 * Loads the spec of `offer` (inline calldata, else fetched from its `specURI`, at most
 * `maxBytes`) and checks its hash.
 * @throws {SpecHashMismatchError} when the bytes are not what the requester committed to.
 * @example
 * ```ts
 * import { loadOfferSpec } from "sandrun/client/worker/daemon/runner.ts";
 * const spec = await loadOfferSpec(offer);
 * ```
 */
export async function loadOfferSpec(offer: OfferDetails, maxBytes = 1 << 20): Promise<JobSpec> {
  if (offer.inlineSpec !== "0x" && offer.inlineSpec.length > 2) {
    const bytes = toBytes(offer.inlineSpec);
    const hash = keccak256(bytes);
    if (hash.toLowerCase() !== offer.specHash.toLowerCase())
      throw new SpecHashMismatchError(offer.specHash, hash, "inline");
    return decodeJobSpec(bytes);
  }
  return (await fetchSpec(offer.specURI, offer.specHash, { maxBytes })).spec;
}

/**
 * Runs jobs in the sandboxes of client/worker/sandbox.
 *
 * @example
 * ```ts
 * import { SandboxRunner } from "sandrun/client/worker/daemon/runner.ts";
 * const runner = new SandboxRunner({ scratchRoot: "/tmp/sandrun" });
 * ```
 */
export class SandboxRunner implements JobRunner {
  readonly #scratchRoot: string | undefined;
  constructor(options: { scratchRoot?: string | undefined } = {}) {
    this.#scratchRoot = options.scratchRoot;
  }

  async run(offer: OfferDetails, signal: AbortSignal): Promise<ExecutionResult> {
    const spec = await loadOfferSpec(offer);
    return this.runSpec(spec, offer.jobId, signal);
  }

  /** Runs an already checked spec (e.g. `Node.executeJob(job)` with a built Job). */
  async runSpec(spec: JobSpec, jobId: bigint, signal?: AbortSignal): Promise<ExecutionResult> {
    const r = await runInSandbox(spec, {
      ...(signal ? { signal } : {}),
      ...(this.#scratchRoot ? { scratchRoot: this.#scratchRoot } : {}),
    });
    return toExecutionResult(jobId, r);
  }
}

/**
 * What the protocol takes from a sandbox run: the digest of stdout for a run that finished,
 * the digest of a fixed limit marker for one that overran a limit.
 *
 * @throws {JobRunFailedError} for a crash or a refusal (nothing the protocol can use).
 * @example
 * ```ts
 * import { toExecutionResult } from "sandrun/client/worker/daemon/runner.ts";
 * import { runInSandbox } from "sandrun/client/worker/sandbox/index.ts";
 * const { digest, usage } = toExecutionResult(7n, await runInSandbox(spec));
 * ```
 */
export function toExecutionResult(jobId: bigint, r: SandboxResult): ExecutionResult {
  const usage = {
    wallMs: r.usage.wallMs,
    cpuMs: r.usage.cpuMs,
    peakMemoryBytes: r.usage.peakMemoryKb * 1024,
  };
  switch (r.outcome) {
    case "ok":
      return { digest: r.outputDigest, output: r.stdout, usage, exitCode: r.exitCode ?? 0 };
    case "timeout":
    case "memory":
    case "output-limit": {
      const output = toBytes(`sandrun:limit-exceeded:${r.outcome}`);
      return { digest: keccak256(output), output, usage, exitCode: -1 };
    }
    default:
      throw new JobRunFailedError(jobId, r.outcome, r.error);
  }
}
