/**
 * The `wasm` runtime: a WASI preview1 module in a worker thread (see wasm-worker.ts for what
 * the module can reach). Limits:
 * - memory: the module's memory maximum is rewritten to the limit (exact: `memory.grow`
 *   fails past it) and the thread's own JS heap is capped with `resourceLimits`;
 * - wall time: the thread is terminated (V8 interrupts running WebAssembly);
 * - output: stdout is capped inside `fd_write` (the module traps at the limit).
 * Usage: wall time on the host; CPU = the thread's on-CPU time from
 * /proc/<pid>/task/<tid>/schedstat (exact, ns); peak memory = the linear memory's final
 * size (it never shrinks) plus the thread's JS heap.
 * @module
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { keccak256, type Hex } from "viem";
import type { JobSpec } from "../../job/spec.ts";
import { specHash, specInputBytes } from "../../job/spec.ts";
import { base64ToBytes } from "../../job/spec-encoding.ts";
import { SandboxRefusedError, SandboxSetupError } from "./errors.ts";
import { refusedResult } from "./result.ts";
import { makeJobDir, removeJobDir } from "./scratch.ts";
import { SANDBOX_DEFAULTS, type SandboxOptions, type SandboxOutcome, type SandboxResult } from "./types.ts";
import { prepareModule, WASM_PAGE, WasmModuleRejected } from "./wasm-module.ts";
import type { WasmWorkerData, WasmWorkerResult } from "./wasm-worker.ts";

const WORKER_URL = new URL("./wasm-worker.ts", import.meta.url);
/** JS heap of the worker thread itself (our host code; the module's memory is separate). */
const WORKER_HEAP_MB = 48;

const ISOLATION = [
  "WebAssembly + WASI preview1 in a worker thread: one preopen (/work = fresh scratch dir), no sockets, no symlinks",
  "deterministic clock and random_get; env and args from the spec only",
  "memory maximum rewritten to the limit; stdout capped in fd_write; thread terminated at the wall-time limit",
];

function createWorker(): Worker {
  const worker = new Worker(WORKER_URL, {
    env: {},
    stdout: true,
    stderr: true,
    // Node flags of the worker: none (no inherited --inspect or loaders).
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8, stackSizeMb: 4 },
  });
  // An idle spare must not keep the worker process alive.
  worker.unref();
  return worker;
}

let spare: Worker | undefined;
let keepSpare = false;

/**
 * Keeps one wasm thread started ahead of the next job (for long-lived workers: start-up then
 * leaves the job's path). Off by default: a process that exits while a spare is still
 * booting can hang in Node's worker teardown, so short-lived callers should not use it.
 * Turn it off (and terminate the spare) with `setWasmWarmSpare(false)` before exiting.
 *
 * @example
 * ```ts
 * import { setWasmWarmSpare } from "sandrun/client/worker/sandbox/wasm.ts";
 * await setWasmWarmSpare(true);
 * // … serve jobs …
 * await setWasmWarmSpare(false);
 * ```
 */
export async function setWasmWarmSpare(enabled: boolean): Promise<void> {
  keepSpare = enabled;
  if (enabled) replenish();
  else {
    const current = spare;
    spare = undefined;
    await current?.terminate();
  }
}

let warmUsers = 0;

/**
 * Reference-counted {@link setWasmWarmSpare} for long-lived workers sharing one process (the
 * demo and tests run several): the spare is kept while at least one worker holds it.
 *
 * @example
 * ```ts
 * import { holdWasmWarmSpare, releaseWasmWarmSpare } from "sandrun/client/worker/sandbox/wasm.ts";
 * await daemon.start();
 * await holdWasmWarmSpare(); // on start
 * // … and on stop:
 * await daemon.stop();
 * await releaseWasmWarmSpare();
 * ```
 */
export async function holdWasmWarmSpare(): Promise<void> {
  warmUsers += 1;
  if (warmUsers === 1) await setWasmWarmSpare(true);
}

/**
 * Gives back a {@link holdWasmWarmSpare}; the last one terminates the spare (extra calls are
 * ignored).
 *
 * @example
 * ```ts
 * import { releaseWasmWarmSpare } from "sandrun/client/worker/sandbox/wasm.ts";
 * await releaseWasmWarmSpare();
 * ```
 */
export async function releaseWasmWarmSpare(): Promise<void> {
  if (warmUsers === 0) return;
  warmUsers -= 1;
  if (warmUsers === 0) await setWasmWarmSpare(false);
}

/**
 * A fresh thread for one job: the warm spare when there is one (thread start-up then costs
 * nothing on the job's path), else a new one. Threads are never reused: one isolate per job.
 */
function takeWorker(): Worker {
  const worker = spare ?? createWorker();
  spare = undefined;
  return worker;
}

/** Starts the next spare once a job is done, off the job's critical path. */
function replenish(): void {
  if (spare || !keepSpare) return;
  const next = createWorker();
  spare = next;
  next.once("exit", () => {
    if (spare === next) spare = undefined;
  });
  next.once("error", () => {
    if (spare === next) spare = undefined;
  });
}

function readThreadCpuNs(tid: number): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}

/**
 * Runs a `wasm` spec (code = base64 of a WASI preview1 module). Never throws.
 *
 * @example
 * ```ts
 * import { runWasm } from "sandrun/client/worker/sandbox/wasm.ts";
 * const r = await runWasm(spec); // r.outcome, r.stdout, r.usage
 * ```
 */
export async function runWasm(spec: JobSpec, options: SandboxOptions = {}): Promise<SandboxResult> {
  let prepared;
  try {
    prepared = prepareModule(base64ToBytes(spec.code), spec.limits.memoryMb);
  } catch (error) {
    const reason = error instanceof WasmModuleRejected ? error.message : "code is not base64 of a module";
    return refusedResult("wasm", new SandboxRefusedError(reason), ISOLATION);
  }
  const jobDir = await makeJobDir(options.scratchRoot);
  try {
    const scratchDir = join(jobDir, "scratch");
    const stdinPath = join(jobDir, "stdin");
    await mkdir(scratchDir, { mode: 0o700 });
    await writeFile(stdinPath, specInputBytes(spec));
    const shared = new SharedArrayBuffer(8);
    const data: WasmWorkerData = {
      module: prepared.bytes,
      args: spec.args ?? [],
      env: spec.env ?? {},
      scratchDir,
      stdinPath,
      maxOutputBytes: spec.limits.maxOutputBytes,
      stderrMaxBytes: options.stderrMaxBytes ?? SANDBOX_DEFAULTS.stderrMaxBytes,
      scratchMaxBytes: options.scratchMaxBytes ?? SANDBOX_DEFAULTS.scratchMaxBytes,
      seed: options.seed ?? safeSpecHash(spec),
      shared,
    };
    return await runWorker(spec, data, prepared.maxPages, options);
  } finally {
    if (!options.keepScratch) await removeJobDir(jobDir);
  }
}

function safeSpecHash(spec: JobSpec): Hex {
  try {
    return specHash(spec);
  } catch {
    return keccak256(new TextEncoder().encode(spec.code));
  }
}

function runWorker(
  spec: JobSpec,
  data: WasmWorkerData,
  maxPages: number,
  options: SandboxOptions,
): Promise<SandboxResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const pages = new Int32Array(data.shared);
    let tid = 0;
    let cpuStartNs: number | null = null;
    let settled = false;
    let killedFor: "timeout" | "abort" | "heap" | null = null;
    let lastCpuNs: number | null = null;

    const worker = takeWorker();
    worker.ref();
    worker.postMessage(data);

    const finish = (r: Partial<WasmWorkerResult> & { error?: SandboxSetupError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      setImmediate(replenish);
      options.signal?.removeEventListener("abort", onAbort);
      const wallMs = performance.now() - started;
      const violations = [...(r.violations ?? [])];
      let outcome: SandboxOutcome = "ok";
      const memoryPages = r.memoryPages ?? Atomics.load(pages, 0);
      // The cap itself is exact (the engine refuses to grow past it), but a failed grow is not
      // observable from the host: a run that fails within 1 MiB of the cap is classed `memory`.
      const atCap = memoryPages >= maxPages - 16;
      if (killedFor === "timeout") {
        outcome = "timeout";
        violations.push(`time: exceeded ${spec.limits.timeoutMs} ms of wall time; thread terminated`);
      } else if (killedFor === "abort") {
        outcome = "crashed";
        violations.push("aborted by the worker");
      } else if (killedFor === "heap") {
        outcome = "memory";
        violations.push(`memory: the sandbox thread's JS heap (${WORKER_HEAP_MB} MiB) was exhausted`);
      } else if (r.error) {
        outcome = "crashed";
      } else if (r.outputLimit) {
        outcome = "output-limit";
        violations.push(`output: stdout exceeded ${spec.limits.maxOutputBytes} bytes; module stopped`);
      } else if ((r.trap !== null || (r.exitCode ?? 0) !== 0) && atCap) {
        outcome = "memory";
        violations.push(`memory: linear memory reached the limit of ${spec.limits.memoryMb} MiB`);
      } else if (r.trap) {
        outcome = "crashed";
        violations.push(`trap: ${r.trap.slice(0, 200)}`);
      }
      if (r.stderrTruncated) violations.push("stderr: truncated");
      const stdout = r.stdout ?? new Uint8Array(0);
      const cpuNs = r.cpuNs ?? lastCpuNs;
      resolve({
        runtime: "wasm",
        stdout,
        outputDigest: keccak256(stdout),
        stderr: new TextDecoder().decode(r.stderr ?? new Uint8Array(0)),
        exitCode: r.exitCode ?? null,
        outcome,
        violations,
        usage: {
          wallMs: Math.round(wallMs * 10) / 10,
          cpuMs: cpuNs === null ? Math.round(wallMs) : Math.round(cpuNs / 1e6),
          peakMemoryKb: Math.round((memoryPages * WASM_PAGE) / 1024 + (r.heapKb ?? 0)),
        },
        isolation: ISOLATION,
        ...(r.error ? { error: r.error } : {}),
      });
    };

    const stop = (reason: "timeout" | "abort") => {
      if (settled || killedFor) return;
      killedFor = reason;
      const now = tid ? readThreadCpuNs(tid) : null;
      if (now !== null && cpuStartNs !== null) lastCpuNs = now - cpuStartNs;
      void worker.terminate().finally(() => finish({}));
    };
    const timer = setTimeout(() => stop("timeout"), spec.limits.timeoutMs);
    const onAbort = () => stop("abort");
    options.signal?.addEventListener("abort", onAbort, { once: true });

    worker.on(
      "message",
      (message: { type: "started"; tid: number; cpuStartNs: number | null } | WasmWorkerResult) => {
        if (message.type === "started") {
          tid = message.tid;
          cpuStartNs = message.cpuStartNs;
        } else {
          finish(message);
          void worker.terminate();
        }
      },
    );
    worker.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
        killedFor = "heap";
        finish({});
      } else finish({ error: new SandboxSetupError("wasm", "worker thread failed", error) });
    });
    worker.on("exit", () =>
      finish({ error: new SandboxSetupError("wasm", "worker thread exited without a result") }),
    );
  });
}
