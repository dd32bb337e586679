/**
 * Result and option types shared by every sandbox runtime.
 * @module
 */
import type { Hex } from "viem";
import type { SandrunError } from "../../errors/base.ts";

/**
 * How a run ended.
 * - `ok`: the program ran to completion (any exit code; the code is part of the result).
 * - `timeout` / `memory` / `output-limit`: a limit was hit and the whole run was killed.
 * - `crashed`: killed by a signal that was not ours, a WebAssembly trap, or a sandbox failure.
 * - `refused`: nothing ran (bad module, forbidden env, missing bubblewrap).
 */
export type SandboxOutcome = "ok" | "timeout" | "memory" | "output-limit" | "crashed" | "refused";

/** Measured resource usage of one run. */
export type SandboxUsage = {
  /** Wall time from spawn to exit (or kill), ms. */
  wallMs: number;
  /** User + system CPU time of the job (see each runtime for how it is measured), ms. */
  cpuMs: number;
  /** Peak memory, KiB (see each runtime for what is counted). */
  peakMemoryKb: number;
};

/** What every runtime returns; never throws for anything the job does. */
export type SandboxResult = {
  runtime: "wasm" | "js" | "process";
  /** Standard output, at most `limits.maxOutputBytes` bytes. */
  stdout: Uint8Array;
  /** keccak256(stdout): the digest nodes agree on. */
  outputDigest: Hex;
  /** Standard error as text, truncated to `stderrMaxBytes`. */
  stderr: string;
  /** The program's exit code, null when it was killed or trapped. */
  exitCode: number | null;
  outcome: SandboxOutcome;
  /** What the job tried or overran, one line each (empty for a clean run). */
  violations: string[];
  usage: SandboxUsage;
  /** Which isolation measures were in force (for the operator and the logs). */
  isolation: string[];
  /** Set when the outcome is `refused` or a set-up failure made it `crashed`. */
  error?: SandrunError;
};

/** Options every runtime accepts (all optional). */
export type SandboxOptions = {
  /** Parent directory of per-job scratch directories (default: the OS temp dir). */
  scratchRoot?: string;
  /** Keep the scratch directory after the run (debugging). */
  keepScratch?: boolean;
  /** Bytes of stderr kept (default 64 KiB). */
  stderrMaxBytes?: number;
  /** Bytes the job may write to its scratch directory (default 64 MiB). */
  scratchMaxBytes?: number;
  /** Seed of the wasm runtime's deterministic `random_get` (default: the spec hash). */
  seed?: Hex;
  /** Path of bwrap (default /usr/bin/bwrap, else the first one on PATH). */
  bwrapPath?: string;
  /** Maximum processes/threads of a `process` job (default 64). */
  maxProcesses?: number;
  /** Watchdog sampling period, ms (default 20). */
  sampleMs?: number;
  /** Abort the run from outside (e.g. daemon shutdown): outcome `crashed`, violation noted. */
  signal?: AbortSignal;
};

/**
 * Defaults of {@link SandboxOptions}: 64 KiB of stderr, 64 MiB of scratch, 64 processes, a 20 ms
 * watchdog.
 *
 * @example
 * ```ts
 * import { SANDBOX_DEFAULTS } from "sandrun/client/worker/sandbox/types.ts";
 * const sampleMs = options.sampleMs ?? SANDBOX_DEFAULTS.sampleMs;
 * ```
 */
export const SANDBOX_DEFAULTS = {
  stderrMaxBytes: 64 * 1024,
  scratchMaxBytes: 64 * 1024 * 1024,
  maxProcesses: 64,
  sampleMs: 20,
} as const;
