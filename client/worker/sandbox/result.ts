/**
 * Turns a supervised child's raw result into a {@link SandboxResult}: outcome, violations
 * and the output digest. Shared by the `js` and `process` runtimes.
 * @module
 */
import { keccak256 } from "viem";
import type { SandrunError } from "../../errors/base.ts";
import type { SuperviseResult } from "./child.ts";
import type { SandboxOutcome, SandboxResult } from "./types.ts";

/** Messages of runtimes that ran out of memory on their own (before the watchdog fired). */
const OOM_PATTERNS = [
  /JavaScript heap out of memory/,
  /Reached heap limit/,
  /\bMemoryError\b/,
  /Cannot allocate memory/,
  /xmalloc: cannot allocate/,
  /RangeError: Array buffer allocation failed/,
];

/**
 * An empty result (outcome `refused`) for a job refused before it ran, carrying the reason.
 *
 * @example
 * ```ts
 * import { SandboxRefusedError } from "sandrun/client/worker/sandbox/errors.ts";
 * import { refusedResult } from "sandrun/client/worker/sandbox/result.ts";
 * return refusedResult("js", new SandboxRefusedError("environment names not allowed: NODE_OPTIONS"));
 * ```
 */
export function refusedResult(
  runtime: SandboxResult["runtime"],
  error: SandrunError,
  isolation: string[] = [],
): SandboxResult {
  const stdout = new Uint8Array(0);
  return {
    runtime,
    stdout,
    outputDigest: keccak256(stdout),
    stderr: "",
    exitCode: null,
    outcome: "refused",
    violations: [error.shortMessage],
    usage: { wallMs: 0, cpuMs: 0, peakMemoryKb: 0 },
    isolation,
    error,
  };
}

/** Context for {@link interpretChild}. */
export type InterpretContext = {
  runtime: SandboxResult["runtime"];
  limits: { timeoutMs: number; memoryMb: number; maxOutputBytes: number };
  maxProcesses?: number;
  isolation: string[];
  /** Extra lines found by the runtime (e.g. permission-model denials). */
  violations?: string[];
  setupError?: SandrunError;
};

/**
 * Maps a supervised child's kill reason, exit status and stderr to a sandbox outcome and
 * violations.
 *
 * @example
 * ```ts
 * import { interpretChild } from "sandrun/client/worker/sandbox/result.ts";
 * const result = interpretChild(await superviseChild(params), { runtime: "process", limits: spec.limits, isolation: ["bubblewrap: pid, net, ipc namespaces"] });
 * ```
 */
export function interpretChild(raw: SuperviseResult, ctx: InterpretContext): SandboxResult {
  const violations = [...(ctx.violations ?? [])];
  let outcome: SandboxOutcome = "ok";
  switch (raw.killedFor) {
    case "timeout":
      outcome = "timeout";
      violations.push(`time: exceeded ${ctx.limits.timeoutMs} ms of wall time; process tree killed`);
      break;
    case "memory":
      outcome = "memory";
      violations.push(`memory: resident set above ${ctx.limits.memoryMb} MiB; process tree killed`);
      break;
    case "output-limit":
      outcome = "output-limit";
      violations.push(`output: stdout exceeded ${ctx.limits.maxOutputBytes} bytes; process tree killed`);
      break;
    case "processes":
      outcome = "crashed";
      violations.push(`processes: more than ${ctx.maxProcesses} processes; process tree killed`);
      break;
    case "abort":
      outcome = "crashed";
      violations.push("aborted by the worker");
      break;
    case null:
      if (raw.spawnError || ctx.setupError) outcome = "crashed";
      else if (OOM_PATTERNS.some((re) => re.test(raw.stderr))) {
        outcome = "memory";
        violations.push(`memory: the runtime ran out of memory (limit ${ctx.limits.memoryMb} MiB)`);
      } else if (raw.signal !== null || (raw.exitCode !== null && raw.exitCode > 128)) {
        outcome = "crashed";
      }
  }
  if (raw.stderrTruncated) violations.push("stderr: truncated");
  const stdout = raw.stdout;
  return {
    runtime: ctx.runtime,
    stdout,
    outputDigest: keccak256(stdout),
    stderr: raw.stderr,
    exitCode: raw.killedFor === null ? normaliseExit(raw) : null,
    outcome,
    violations,
    usage: {
      wallMs: Math.round(raw.wallMs * 10) / 10,
      cpuMs: Math.round(raw.cpuMs),
      peakMemoryKb: Math.round(raw.peakRssKb),
    },
    isolation: ctx.isolation,
    ...(ctx.setupError ? { error: ctx.setupError } : {}),
  };
}

function normaliseExit(raw: SuperviseResult): number | null {
  if (raw.signal !== null) return null;
  return raw.exitCode;
}
