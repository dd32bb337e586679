/**
 * `Node.benchmark()`: measures this machine, and can publish the figures in the node's metadata.
 *
 * - CPU: a fixed hashing workload (SHA-256 over 64-byte blocks, chained) → hashes per second,
 *   single-threaded; the same work on every machine, so figures compare across nodes.
 * - Memory bandwidth: copies of a large buffer (64 MiB by default) → GB/s (bytes copied / time).
 * - Sandbox start-up: per runtime, the median wall time of a trivial job through `runInSandbox`
 *   (after one warm-up run); a runtime the machine cannot run (no bubblewrap) reports its error.
 * - GPU: `nvidia-smi --query-gpu=name,memory.total` when it exists; otherwise "none detected".
 *
 * Every figure is a measurement of this run (no constants); medians damp noise.
 * Node.js only.
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpus, totalmem, arch, platform } from "node:os";
import type { Hex } from "viem";
import { updateMetadata } from "../actions/registry/updateMetadata.ts";
import type { JobSpec } from "../job/spec.ts";
import { encodeMetadata, fetchMetadata, type NodeMetadata } from "../node/metadata.ts";
import type { Node } from "../node/node.ts";
import { runInSandbox } from "./sandbox/index.ts";

/** What to measure. */
export type BenchmarkOptions = {
  /** SHA-256 blocks hashed (default 200_000). */
  readonly cpuHashes?: number | undefined;
  /** Bytes of the buffer copied (default 64 MiB). */
  readonly memoryBytes?: number | undefined;
  /** Copies of it (default 8). */
  readonly memoryRounds?: number | undefined;
  /** Runtimes whose start-up is measured (default all three). */
  readonly runtimes?: readonly ("wasm" | "js" | "process")[] | undefined;
  /** Timed runs per runtime after the warm-up (default 3). */
  readonly sandboxRuns?: number | undefined;
  /** Parent of the sandbox scratch dirs. */
  readonly scratchRoot?: string | undefined;
  /** `Node.benchmark()` only: also publish the figures in the node's metadata ({@link publishBenchmark}). */
  readonly publish?: boolean | undefined;
};

/** One runtime's start-up figure, or why it could not run here. */
export type SandboxStartup =
  { readonly ok: true; readonly startupMs: number } | { readonly ok: false; readonly error: string };

/** What the benchmark measured. */
export type BenchmarkResults = {
  /** ISO time of the run. */
  readonly at: string;
  readonly machine: {
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGB: number;
    readonly platform: string;
    readonly arch: string;
  };
  readonly cpu: { readonly hashesPerSecond: number; readonly hashes: number; readonly ms: number };
  readonly memory: { readonly copyGBps: number; readonly bytes: number; readonly ms: number };
  readonly sandbox: Readonly<Record<string, SandboxStartup>>;
  readonly gpu:
    | { readonly detected: false; readonly reason: string }
    | {
        readonly detected: true;
        readonly devices: readonly { readonly name: string; readonly memory: string }[];
      };
};

/** A minimal WASI module: exports memory and an empty `_start`. */
const EMPTY_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x06,
  0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
]);

const LIMITS = { timeoutMs: 10_000, memoryMb: 128, maxOutputBytes: 1024 };

/**
 * The trivial job of each runtime (an empty WASI module, `0;`, `true`): running one measures a
 * runtime's start-up cost and nothing else.
 *
 * @example
 * ```ts
 * import { TRIVIAL_SPECS } from "sandrun/client/worker/benchmark.ts";
 * import { runInSandbox } from "sandrun/client/worker/sandbox/index.ts";
 * const { usage } = await runInSandbox(TRIVIAL_SPECS.js);
 * ```
 */
export const TRIVIAL_SPECS: Readonly<Record<"wasm" | "js" | "process", JobSpec>> = {
  wasm: { version: 1, runtime: "wasm", code: Buffer.from(EMPTY_WASM).toString("base64"), limits: LIMITS },
  js: { version: 1, runtime: "js", code: "0;", limits: LIMITS },
  process: { version: 1, runtime: "process", interpreter: "bash", code: "true", limits: LIMITS },
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Hashes SHA-256 chained over `count` 64-byte blocks (each hash feeds the next, so no work can be
 * skipped); returns hashes/s.
 *
 * @example
 * ```ts
 * import { measureCpu } from "sandrun/client/worker/benchmark.ts";
 * const { hashesPerSecond } = measureCpu(200_000);
 * ```
 */
export function measureCpu(count: number): BenchmarkResults["cpu"] {
  let block = Buffer.alloc(64, 7);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const h = createHash("sha256").update(block).digest();
    h.copy(block); // chain: every hash depends on the one before (no work can be skipped)
  }
  const ms = performance.now() - started;
  block = Buffer.alloc(0);
  return { hashesPerSecond: Math.round((count * 1000) / ms), hashes: count, ms: round(ms) };
}

/**
 * Copies a `bytes` buffer `rounds` times (after a warm-up copy that faults every page in);
 * returns GB/s (1 GB = 1e9 bytes).
 *
 * @example
 * ```ts
 * import { measureMemory } from "sandrun/client/worker/benchmark.ts";
 * const { copyGBps } = measureMemory(64 * 1024 * 1024, 8);
 * ```
 */
export function measureMemory(bytes: number, rounds: number): BenchmarkResults["memory"] {
  const a = Buffer.alloc(bytes, 1);
  const b = Buffer.alloc(bytes);
  a.copy(b); // warm-up: fault every page in before timing
  const started = performance.now();
  for (let i = 0; i < rounds; i++) (i % 2 ? b : a).copy(i % 2 ? a : b);
  const ms = performance.now() - started;
  return { copyGBps: round((bytes * rounds) / (ms / 1000) / 1e9), bytes: bytes * rounds, ms: round(ms) };
}

/**
 * Lists the GPUs `nvidia-smi` reports (name, total memory), or says why none are reported (tool
 * missing, non-zero exit, empty list).
 *
 * @example
 * ```ts
 * import { detectGpu } from "sandrun/client/worker/benchmark.ts";
 * const gpu = detectGpu();
 * if (gpu.detected) console.log(gpu.devices.map((d) => d.name));
 * ```
 */
export function detectGpu(command = "nvidia-smi"): BenchmarkResults["gpu"] {
  const r = spawnSync(command, ["--query-gpu=name,memory.total", "--format=csv,noheader"], {
    encoding: "utf8",
    timeout: 5_000,
  });
  if (r.error || r.status !== 0)
    return {
      detected: false,
      reason: r.error ? `${command} not available (none detected)` : `${command} exited ${r.status}`,
    };
  const devices = r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name, memory] = l.split(",").map((x) => x.trim());
      return { name: name ?? "", memory: memory ?? "" };
    });
  return devices.length ? { detected: true, devices } : { detected: false, reason: "no GPU listed" };
}

async function measureStartup(
  runtime: "wasm" | "js" | "process",
  runs: number,
  scratchRoot: string | undefined,
): Promise<SandboxStartup> {
  const spec = TRIVIAL_SPECS[runtime];
  const once = async () => {
    const t = performance.now();
    const r = await runInSandbox(spec, scratchRoot ? { scratchRoot } : {});
    const ms = performance.now() - t;
    if (r.outcome !== "ok")
      throw new Error(r.error?.shortMessage ?? `${r.outcome}: ${r.stderr.slice(0, 200)}`);
    return ms;
  };
  try {
    await once();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once());
    return { ok: true, startupMs: round(median(times), 1) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Measures this machine.
 *
 * @example
 * ```ts
 * import { runBenchmark } from "sandrun/client/worker/benchmark.ts";
 * const r = await runBenchmark({ runtimes: ["wasm", "js"] });
 * console.log(r.cpu.hashesPerSecond, r.memory.copyGBps, r.sandbox.js);
 * ```
 */
export async function runBenchmark(options: BenchmarkOptions = {}): Promise<BenchmarkResults> {
  const cpu = measureCpu(options.cpuHashes ?? 200_000);
  const memory = measureMemory(options.memoryBytes ?? 64 * 1024 * 1024, options.memoryRounds ?? 8);
  const sandbox: Record<string, SandboxStartup> = {};
  for (const rt of options.runtimes ?? (["wasm", "js", "process"] as const))
    sandbox[rt] = await measureStartup(rt, options.sandboxRuns ?? 3, options.scratchRoot);
  const c = cpus();
  return Object.freeze({
    at: new Date().toISOString(),
    machine: {
      cpuModel: c[0]?.model ?? "unknown",
      cores: c.length,
      memoryGB: round(totalmem() / 2 ** 30, 1),
      platform: platform(),
      arch: arch(),
    },
    cpu,
    memory,
    sandbox,
    gpu: detectGpu(),
  });
}

/**
 * The flat name → value map the metadata document's `benchmarks` holds.
 * @example
 * ```ts
 * benchmarkMetadata(results); // { cpuHashesPerSecond: 912345, memoryCopyGBps: 7.9, "sandboxStartupMs.js": 41.2, gpu: "none", … }
 * ```
 */
export function benchmarkMetadata(r: BenchmarkResults): Record<string, number | string> {
  const out: Record<string, number | string> = {
    benchmarkedAt: r.at,
    cpuHashesPerSecond: r.cpu.hashesPerSecond,
    memoryCopyGBps: r.memory.copyGBps,
    gpu: r.gpu.detected ? r.gpu.devices.map((d) => d.name).join(", ") : "none",
  };
  for (const [rt, s] of Object.entries(r.sandbox)) if (s.ok) out[`sandboxStartupMs.${rt}`] = s.startupMs;
  return out;
}

/**
 * Publishes benchmark results in the node's metadata: reads the current document (its hash
 * must match the chain's), sets `benchmarks`, and sends `updateMetadata` with the new hash and
 * a data: URI (or `uri` when the operator hosts the document). Sent from the root's wallet,
 * which must be the node's owner.
 *
 * @example
 * ```ts
 * import { publishBenchmark, runBenchmark } from "sandrun/client/worker/benchmark.ts";
 * const { metadataHash } = await publishBenchmark(node, await runBenchmark());
 * ```
 */
export async function publishBenchmark(
  node: Node,
  results: BenchmarkResults,
  options: { uri?: string | undefined } = {},
): Promise<{ metadataHash: Hex; metadataURI: string; txHash: Hex; document: NodeMetadata }> {
  const registry = node.context.deployment.nodeRegistry;
  const current: NodeMetadata =
    node.metadataURI !== undefined
      ? await fetchMetadata(node.metadataURI, node.metadataHash)
      : { schema: "sandrun.node/1" };
  const document: NodeMetadata = { ...current, benchmarks: benchmarkMetadata(results) };
  const encoded = encodeMetadata(document, options.uri);
  const { hash } = await updateMetadata(node.context.client, {
    registry,
    nodeId: node.nodeId,
    metadataHash: encoded.hash,
    metadataURI: encoded.uri,
  });
  return { metadataHash: encoded.hash, metadataURI: encoded.uri, txHash: hash, document };
}
