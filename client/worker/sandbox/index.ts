/**
 * One entry point for every sandboxed runtime: validates the spec, dispatches to the
 * runtime, and never throws for anything the job does (a bad spec gives `refused`).
 *
 * @example
 * ```ts
 * import { runInSandbox } from "sandrun/client/worker/sandbox/index.ts";
 * const result = await runInSandbox(spec, { signal: shutdown.signal });
 * if (result.outcome === "ok") commit(result.outputDigest);
 * ```
 * @module
 */
import { keccak256 } from "viem";
import { SandrunError } from "../../errors/base.ts";
import { parseJobSpec, type JobSpec } from "../../job/spec.ts";
import { SandboxSetupError } from "./errors.ts";
import { runJs } from "./js.ts";
import { runProcess } from "./process.ts";
import { refusedResult } from "./result.ts";
import type { SandboxOptions, SandboxResult } from "./types.ts";
import { runWasm } from "./wasm.ts";

export { assertBubblewrap } from "./bwrap.ts";
export { BubblewrapMissingError, SandboxRefusedError, SandboxSetupError } from "./errors.ts";
export type { SandboxOptions, SandboxOutcome, SandboxResult, SandboxUsage } from "./types.ts";
export { runJs, runProcess, runWasm };

/**
 * Runs `spec` in the sandbox of its runtime.
 *
 * @param spec a job spec (validated here again: the sandbox trusts nothing).
 * @param options scratch location, stderr/scratch caps, abort signal, …
 * @returns stdout, its keccak256 digest, stderr, exit code, outcome, violations, usage.
 * @example
 * ```ts
 * import { runInSandbox } from "sandrun/client/worker/sandbox/index.ts";
 * const spec = { version: 1, runtime: "js", code: "console.log(6 * 7);", limits: { timeoutMs: 5_000, memoryMb: 128, maxOutputBytes: 1024 } } as const;
 * const result = await runInSandbox(spec, { scratchRoot: "/tmp" });
 * if (result.outcome === "ok") console.log(result.outputDigest);
 * ```
 */
export async function runInSandbox(spec: JobSpec, options: SandboxOptions = {}): Promise<SandboxResult> {
  let valid: JobSpec;
  try {
    valid = parseJobSpec(spec);
  } catch (error) {
    const runtime = (["wasm", "js", "process"] as const).find(
      (r) => r === (spec as { runtime?: unknown })?.runtime,
    );
    return refusedResult(runtime ?? "wasm", error as SandrunError);
  }
  try {
    switch (valid.runtime) {
      case "wasm":
        return await runWasm(valid, options);
      case "js":
        return await runJs(valid, options);
      case "process":
        return await runProcess(valid, options);
    }
  } catch (error) {
    // A failure of the machine (disk full, /tmp gone), not of the job.
    const stdout = new Uint8Array(0);
    return {
      runtime: valid.runtime,
      stdout,
      outputDigest: keccak256(stdout),
      stderr: "",
      exitCode: null,
      outcome: "crashed",
      violations: [],
      usage: { wallMs: 0, cpuMs: 0, peakMemoryKb: 0 },
      isolation: [],
      error:
        error instanceof SandrunError
          ? error
          : new SandboxSetupError(valid.runtime, "unexpected failure", error),
    };
  }
}
