/**
 * Worker-thread entry of the `wasm` runtime (Node built-ins only, so it starts fast).
 *
 * Runs one WASI preview1 module with:
 * - one preopen, `/work` = the job's fresh scratch directory; stdin from a file outside it;
 * - stdout/stderr captured by our own `fd_write` (stdout capped: the module traps on
 *   overrun; stderr truncated), writes to scratch files counted against a quota;
 * - a deterministic clock (a virtual clock starting at 2024-01-01T00:00:00Z, advancing
 *   1 µs per read, the same for every clock id) and deterministic `random_get` (SHA-256 in
 *   counter mode over the seed), so redundant nodes compute the same bytes;
 * - symlinks, hard links and sockets refused; path escapes from /work recorded.
 * What WASI still exposes: args, the spec's env, the scratch directory, `poll_oneoff`
 * sleeps (real time, not observable through the virtual clock), `sched_yield`, `proc_exit`.
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readlinkSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { WASI } from "node:wasi";

/** What the host sends. */
export type WasmWorkerData = {
  module: Uint8Array;
  args: string[];
  env: Record<string, string>;
  scratchDir: string;
  stdinPath: string;
  maxOutputBytes: number;
  stderrMaxBytes: number;
  scratchMaxBytes: number;
  seed: string;
  /** Int32Array view: [0] = current memory pages, [1] = stdout bytes so far. */
  shared: SharedArrayBuffer;
};

/** What the worker posts back when the module ends (by exit or trap). */
export type WasmWorkerResult = {
  type: "result";
  exitCode: number | null;
  trap: string | null;
  outputLimit: boolean;
  stdout: Uint8Array;
  stderr: Uint8Array;
  stderrTruncated: boolean;
  memoryPages: number;
  violations: string[];
  cpuNs: number | null;
  /** The thread's JS heap in use at the end, KiB. */
  heapKb: number;
};

const ERRNO = { SUCCESS: 0, ACCES: 2, FAULT: 21, NOSPC: 51, NOTSUP: 58, PERM: 63, NOTCAPABLE: 76 };
const EPOCH_NS = 1_704_067_200_000_000_000n;
const OUTPUT_LIMIT = "sandrun: stdout limit reached";

/**
 * On-CPU time of the calling thread in ns (Linux schedstat), null where unavailable: it measures
 * a wasm job's thread alone, not the whole worker process.
 *
 * @example
 * ```ts
 * import { threadCpuNs } from "sandrun/client/worker/sandbox/wasm-worker.ts";
 * const before = threadCpuNs();
 * instance.exports._start();
 * const cpuNs = before === null ? null : (threadCpuNs() ?? before) - before;
 * ```
 */
export function threadCpuNs(): number | null {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}

function run(data: WasmWorkerData): WasmWorkerResult {
  const shared = new Int32Array(data.shared);
  const violations = new Set<string>();
  const stdout: Uint8Array[] = [];
  let stdoutBytes = 0;
  const stderr: Uint8Array[] = [];
  let stderrBytes = 0;
  let stderrTruncated = false;
  let outputLimit = false;
  let scratchWritten = 0;
  let virtualNs = 0n;
  let randomCounter = 0;
  let randomPool = new Uint8Array(0);
  let memory: WebAssembly.Memory | undefined;

  const stdinFd = openSync(data.stdinPath, "r");
  const nullFd = openSync("/dev/null", "w");
  const wasi = new WASI({
    version: "preview1",
    args: ["main.wasm", ...data.args],
    env: data.env,
    preopens: { "/work": data.scratchDir },
    stdin: stdinFd,
    stdout: nullFd,
    stderr: nullFd,
    returnOnExit: true,
  });
  const base = (
    wasi.getImportObject() as { wasi_snapshot_preview1: Record<string, (...a: never[]) => number> }
  ).wasi_snapshot_preview1;
  const view = () => new DataView((memory as WebAssembly.Memory).buffer);
  const track = () => {
    if (memory) Atomics.store(shared, 0, memory.buffer.byteLength / 65536);
  };

  const iovecs = (iovs: number, count: number): Uint8Array[] => {
    const dv = view();
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const ptr = dv.getUint32(iovs + i * 8, true);
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      out.push(new Uint8Array(dv.buffer, ptr, len).slice());
    }
    return out;
  };

  const countScratch = (bytes: number): boolean => {
    scratchWritten += bytes;
    if (scratchWritten <= data.scratchMaxBytes) return true;
    violations.add(`disk: scratch writes above ${data.scratchMaxBytes} bytes refused`);
    return false;
  };

  const lengthOf = (iovs: number, count: number): number => {
    const dv = view();
    let total = 0;
    for (let i = 0; i < count; i++) total += dv.getUint32(iovs + i * 8 + 4, true);
    return total;
  };

  const pathAt = (ptr: number, len: number): string => {
    try {
      return new TextDecoder().decode(new Uint8Array(view().buffer, ptr, len)).slice(0, 200);
    } catch {
      return "?";
    }
  };

  const overrides: Record<string, (...a: never[]) => number> = {
    fd_write: ((fd: number, iovs: number, count: number, nwritten: number): number => {
      if (fd !== 1 && fd !== 2) {
        try {
          if (!countScratch(lengthOf(iovs, count))) return ERRNO.NOSPC;
        } catch {
          return ERRNO.FAULT;
        }
        return (base.fd_write as (...a: number[]) => number)(fd, iovs, count, nwritten);
      }
      let chunks: Uint8Array[];
      try {
        chunks = iovecs(iovs, count);
      } catch {
        return ERRNO.FAULT;
      }
      let total = 0;
      for (const chunk of chunks) {
        total += chunk.length;
        if (fd === 1) {
          const room = data.maxOutputBytes - stdoutBytes;
          if (chunk.length > room) {
            stdout.push(chunk.subarray(0, room));
            stdoutBytes = data.maxOutputBytes;
            outputLimit = true;
            // A host exception traps the module: nothing more runs.
            throw new Error(OUTPUT_LIMIT);
          }
          stdout.push(chunk);
          stdoutBytes += chunk.length;
        } else {
          const room = data.stderrMaxBytes - stderrBytes;
          if (chunk.length > room) stderrTruncated = true;
          if (room > 0) {
            const kept = chunk.subarray(0, room);
            stderr.push(kept);
            stderrBytes += kept.length;
          }
        }
      }
      Atomics.store(shared, 1, stdoutBytes);
      view().setUint32(nwritten, total, true);
      return ERRNO.SUCCESS;
    }) as never,
    fd_pwrite: ((fd: number, iovs: number, count: number, offset: bigint, nwritten: number): number => {
      try {
        if (!countScratch(lengthOf(iovs, count))) return ERRNO.NOSPC;
      } catch {
        return ERRNO.FAULT;
      }
      return (base.fd_pwrite as (...a: unknown[]) => number)(fd, iovs, count, offset, nwritten);
    }) as never,
    fd_allocate: ((fd: number, offset: bigint, len: bigint): number => {
      if (!countScratch(Number(len))) return ERRNO.NOSPC;
      return (base.fd_allocate as (...a: unknown[]) => number)(fd, offset, len);
    }) as never,
    fd_filestat_set_size: ((fd: number, size: bigint): number => {
      if (!countScratch(Number(size))) return ERRNO.NOSPC;
      return (base.fd_filestat_set_size as (...a: unknown[]) => number)(fd, size);
    }) as never,
    path_open: ((...a: number[]): number => {
      const result = (base.path_open as (...x: number[]) => number)(...a);
      if (result === ERRNO.NOTCAPABLE || result === ERRNO.ACCES || result === ERRNO.PERM) {
        violations.add(
          `fs: open of "${pathAt(a[2] as number, a[3] as number)}" outside the scratch directory refused`,
        );
      }
      return result;
    }) as never,
    path_symlink: ((oldPtr: number, oldLen: number): number => {
      violations.add(`fs: symlink to "${pathAt(oldPtr, oldLen)}" refused`);
      return ERRNO.PERM;
    }) as never,
    path_link: (() => {
      violations.add("fs: hard link refused");
      return ERRNO.PERM;
    }) as never,
    clock_time_get: ((_id: number, _precision: bigint, out: number): number => {
      virtualNs += 1000n;
      view().setBigUint64(out, EPOCH_NS + virtualNs, true);
      return ERRNO.SUCCESS;
    }) as never,
    clock_res_get: ((_id: number, out: number): number => {
      view().setBigUint64(out, 1000n, true);
      return ERRNO.SUCCESS;
    }) as never,
    random_get: ((buf: number, len: number): number => {
      const target = new Uint8Array(view().buffer, buf, len);
      let filled = 0;
      while (filled < len) {
        if (randomPool.length === 0) {
          randomPool = new Uint8Array(
            createHash("sha256").update(`${data.seed}:${randomCounter++}`).digest(),
          );
        }
        const take = Math.min(randomPool.length, len - filled);
        target.set(randomPool.subarray(0, take), filled);
        randomPool = randomPool.subarray(take);
        filled += take;
      }
      return ERRNO.SUCCESS;
    }) as never,
  };
  for (const name of ["sock_accept", "sock_recv", "sock_send", "sock_shutdown"]) {
    overrides[name] = (() => {
      violations.add(`net: ${name} refused (no sockets in this sandbox)`);
      return ERRNO.NOTSUP;
    }) as never;
  }

  const imports: Record<string, (...a: never[]) => number> = {};
  for (const [name, fn] of Object.entries({ ...base, ...overrides })) {
    imports[name] = ((...a: never[]) => {
      track();
      return fn(...a);
    }) as never;
  }

  let exitCode: number | null = null;
  let trap: string | null = null;
  try {
    const module = new WebAssembly.Module(data.module as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports });
    memory = instance.exports.memory as WebAssembly.Memory;
    track();
    exitCode = wasi.start(instance);
  } catch (error) {
    trap = outputLimit
      ? OUTPUT_LIMIT
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  } finally {
    track();
    closeSync(stdinFd);
    closeSync(nullFd);
  }
  return {
    type: "result",
    exitCode,
    trap,
    outputLimit,
    stdout: concat(stdout),
    stderr: concat(stderr),
    stderrTruncated,
    memoryPages: Atomics.load(shared, 0),
    violations: [...violations],
    cpuNs: threadCpuNs(),
    heapKb: Math.round(getHeapStatistics().used_heap_size / 1024),
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

// The host may create this thread ahead of time (a warm spare); the job arrives as the first
// message, and the thread runs exactly one job before it is terminated.
if (parentPort) {
  const port = parentPort;
  const start = (data: WasmWorkerData) => {
    let tid = 0;
    try {
      tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    } catch {
      // Not Linux: CPU falls back to the host's measurement.
    }
    const cpuStartNs = threadCpuNs();
    port.postMessage({ type: "started", tid, cpuStartNs });
    const result = run(data);
    // Job CPU = this thread's CPU since the module was handed over (excludes thread start-up).
    if (result.cpuNs !== null && cpuStartNs !== null) result.cpuNs -= cpuStartNs;
    port.postMessage(result, [result.stdout.buffer as ArrayBuffer, result.stderr.buffer as ArrayBuffer]);
  };
  if (workerData) start(workerData as WasmWorkerData);
  else port.once("message", (data: WasmWorkerData) => start(data));
}
