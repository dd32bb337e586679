/**
 * Sandbox benchmark: per runtime, start-up latency of a trivial job and the overhead of the
 * sandbox on a program that computes for about a second, against the same program run bare.
 *
 *   node scripts/bench/sandbox.ts [--out bench] [--tiny]
 *
 * - startupMs: median wall time of `runInSandbox` for a trivial job (after a warm-up), as
 *   the caller sees it (spawn/thread start to result).
 * - overheadRatio: median sandboxed wall time / median bare wall time of the same program
 *   (wasm: the same module under node:wasi in-process; js: `node file.mjs`; process:
 *   `python3 file.py`), runs interleaved to share the machine's noise.
 * Writes `<out>/sandbox.json` = { sandbox: { wasm: {...}, js: {...}, process: {...} } }.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { bytesToBase64 } from "../../client/job/spec-encoding.ts";
import type { JobSpec } from "../../client/job/spec.ts";
import { runInSandbox } from "../../client/worker/sandbox/index.ts";
import { setWasmWarmSpare } from "../../client/worker/sandbox/wasm.ts";
import { compileWat } from "../../test/worker/fixtures/compile.ts";

const tiny = process.argv.includes("--tiny");
const outIndex = process.argv.indexOf("--out");
const outDir =
  outIndex > 0 ? (process.argv[outIndex + 1] as string) : join(import.meta.dirname, "..", "..", "bench");
const STARTUP_RUNS = tiny ? 3 : 15;
const OVERHEAD_RUNS = tiny ? 1 : 3;
const TARGET_SECONDS = tiny ? 0.2 : 1;
const STARTUP_GAP_MS = 100;
const limits = { timeoutMs: 60_000, memoryMb: 256, maxOutputBytes: 1 << 20 };
const scratch = mkdtempSync(join(tmpdir(), "sandrun-bench-"));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function timeSandbox(spec: JobSpec): Promise<number> {
  const started = performance.now();
  const r = await runInSandbox(spec);
  const ms = performance.now() - started;
  if (r.outcome !== "ok" || r.exitCode !== 0) throw new Error(`${spec.runtime}: ${r.outcome} ${r.stderr}`);
  return ms;
}

function timeBare(command: string, args: string[], input?: Uint8Array): number {
  const started = performance.now();
  const r = spawnSync(command, args, { input, stdio: ["pipe", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}`);
  return performance.now() - started;
}

async function startup(spec: JobSpec): Promise<{ startupMs: number; startupBackToBackMs: number }> {
  await timeSandbox(spec);
  await timeSandbox(spec);
  const spaced: number[] = [];
  const backToBack: number[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    // A daemon's jobs arrive apart: the wasm runtime's warm spare thread is ready by then.
    await new Promise((resolve) => setTimeout(resolve, STARTUP_GAP_MS));
    spaced.push(await timeSandbox(spec));
  }
  for (let i = 0; i < STARTUP_RUNS; i++) backToBack.push(await timeSandbox(spec));
  return { startupMs: round(median(spaced)), startupBackToBackMs: round(median(backToBack)) };
}

/** Scales `size` until the bare run takes about TARGET_SECONDS. */
function calibrate(bare: (size: number) => number, start: number): number {
  let size = start;
  for (let i = 0; i < 6; i++) {
    const ms = bare(size);
    if (ms > TARGET_SECONDS * 1000 * 0.8) return size;
    size = Math.max(size + 1, Math.ceil((size * TARGET_SECONDS * 1000) / Math.max(ms, 1)));
  }
  return size;
}

async function overhead(bare: () => number, sandboxed: () => Promise<number>) {
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < OVERHEAD_RUNS; i++) {
    b.push(bare());
    s.push(await sandboxed());
  }
  return {
    bareMs: round(median(b)),
    sandboxMs: round(median(s)),
    overheadRatio: round(median(s) / median(b), 3),
  };
}

// A worker daemon is long-lived and keeps a warm wasm thread; so does this benchmark.
await setWasmWarmSpare(true);

// wasm: the upper-caser for start-up, spin.wat (N million xorshift steps) for overhead.
const upper = bytesToBase64(await compileWat("upper"));
const spinBytes = await compileWat("spin");
const le32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
function wasmBare(millions: number): number {
  const dir = mkdtempSync(join(scratch, "bare-"));
  const stdin = join(dir, "stdin");
  writeFileSync(stdin, le32(millions));
  const stdinFd = openSync(stdin, "r");
  const stdoutFd = openSync("/dev/null", "w");
  const started = performance.now();
  // Compiled afresh each time, as the sandbox does: no warm code cache on either side.
  const module = new WebAssembly.Module(spinBytes as Uint8Array<ArrayBuffer>);
  const wasi = new WASI({ version: "preview1", stdin: stdinFd, stdout: stdoutFd, returnOnExit: true });
  wasi.start(new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports));
  const ms = performance.now() - started;
  closeSync(stdinFd);
  closeSync(stdoutFd);
  return ms;
}
const wasmMillions = calibrate(wasmBare, 50);
const wasmSpec = (m: number): JobSpec => ({
  version: 1,
  runtime: "wasm",
  code: bytesToBase64(spinBytes),
  input: bytesToBase64(le32(m)),
  inputEncoding: "base64",
  limits,
});

// js: a numeric loop of N million iterations.
const jsCode = (n: number) =>
  `let x = 2463534242; for (let i = 0; i < ${n} * 1e6; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; } console.log(x);`;
const jsDir = join(scratch, "js");
mkdirSync(jsDir);
const jsBare = (n: number) => {
  writeFileSync(join(jsDir, "job.mjs"), jsCode(n));
  return timeBare(process.execPath, [join(jsDir, "job.mjs")]);
};
const jsMillions = calibrate(jsBare, 50);

// process: the same loop in python3.
const pyCode = (n: number) =>
  `x = 2463534242\nfor _ in range(${n} * 100000):\n    x ^= (x << 13) & 0xffffffff; x ^= x >> 17; x ^= (x << 5) & 0xffffffff\nprint(x)\n`;
const pyBare = (n: number) => {
  writeFileSync(join(jsDir, "job.py"), pyCode(n));
  return timeBare("/usr/bin/python3", ["-I", join(jsDir, "job.py")]);
};
const pyUnits = calibrate(pyBare, 5);

const results = {
  sandbox: {
    wasm: {
      ...(await startup({ version: 1, runtime: "wasm", code: upper, input: "hi", limits })),
      ...(await overhead(
        () => wasmBare(wasmMillions),
        () => timeSandbox(wasmSpec(wasmMillions)),
      )),
      workload: `${wasmMillions}M xorshift32 steps (spin.wat)`,
    },
    js: {
      ...(await startup({ version: 1, runtime: "js", code: "console.log(1)", limits })),
      ...(await overhead(
        () => jsBare(jsMillions),
        () => timeSandbox({ version: 1, runtime: "js", code: jsCode(jsMillions), limits }),
      )),
      workload: `${jsMillions}M xorshift32 steps in JS`,
    },
    process: {
      ...(await startup({ version: 1, runtime: "process", interpreter: "bash", code: "echo 1", limits })),
      startupPython3Ms: (
        await startup({ version: 1, runtime: "process", interpreter: "python3", code: "print(1)", limits })
      ).startupMs,
      ...(await overhead(
        () => pyBare(pyUnits),
        () =>
          timeSandbox({
            version: 1,
            runtime: "process",
            interpreter: "python3",
            code: pyCode(pyUnits),
            limits,
          }),
      )),
      workload: `${pyUnits * 100}k xorshift32 steps in python3`,
    },
    tiny,
    loadAverageAtEnd: loadavg().map((x) => round(x, 2)),
    cores: cpus().length,
    note: "startupMs = median wall time of runInSandbox for a trivial job, jobs 100 ms apart (startupBackToBackMs: no gap); overheadRatio = sandboxed / bare wall time, start-up included in both",
  },
};
await setWasmWarmSpare(false);
rmSync(scratch, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "sandbox.json"), JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));
