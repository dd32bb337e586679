/**
 * Runs one sandboxed child process under supervision: stdin from bytes, stdout capped,
 * stderr truncated, wall-time kill, an RSS/process-count watchdog over the whole tree, and
 * CPU from the wrapper shell's own accounting. Used by the `js` and `process` runtimes.
 *
 * The child is spawned detached (its own process group) and killed with kill(-pgid); inside
 * bubblewrap the job lives in a pid namespace whose init dies with its parent
 * (--die-with-parent), so the kernel removes every process of the job.
 * @module
 */
import { spawn } from "node:child_process";
import { parseStatLine, msPerTick, TreeWatcher } from "./proc.ts";

/**
 * Shell snippet run as `sh -c WRAPPER sh prog args…`: runs the job with fd 3 closed (so it
 * cannot forge the report), then writes its own /proc stat line (whose cutime/cstime now
 * hold the job's CPU) to fd 3, and exits with the job's status.
 *
 * @example
 * ```ts
 * import { USAGE_WRAPPER } from "sandrun/client/worker/sandbox/child.ts";
 * // superviseChild({ command: "sh", args, usageReport: true, … }) then reads the job's CPU from fd 3
 * const args = ["-c", USAGE_WRAPPER, "sh", "bash", "/work/main"];
 * ```
 */
export const USAGE_WRAPPER = '"$@" 3>&-; rc=$?; read -r s < /proc/$$/stat; printf "%s\\n" "$s" >&3; exit $rc';

/** Why the supervisor killed the child. */
export type KillReason = "timeout" | "memory" | "output-limit" | "processes" | "abort";

/** What to run and within which limits. */
export type SuperviseParameters = {
  command: string;
  args: string[];
  env: Record<string, string>;
  stdin: Uint8Array;
  timeoutMs: number;
  /** Kill when the tree's summed RSS exceeds this (KiB). */
  memoryKb: number;
  maxOutputBytes: number;
  stderrMaxBytes: number;
  sampleMs: number;
  /** Kill (reason "processes") when the tree holds more processes than this. */
  maxProcesses?: number;
  /** Whether fd 3 carries the {@link USAGE_WRAPPER} report. */
  usageReport: boolean;
  signal?: AbortSignal | undefined;
};

/** What happened, before a runtime interprets it. */
export type SuperviseResult = {
  stdout: Uint8Array;
  stderr: string;
  stderrTruncated: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  killedFor: KillReason | null;
  wallMs: number;
  cpuMs: number;
  peakRssKb: number;
  peakProcesses: number;
  spawnError?: Error;
};

/**
 * Spawns and supervises one child; resolves once the child and all its pipes are gone. Never
 * rejects: a spawn failure comes back as `spawnError`.
 *
 * @example
 * ```ts
 * import { superviseChild } from "sandrun/client/worker/sandbox/child.ts";
 * const raw = await superviseChild({
 *   command: "bash",
 *   args: ["-c", "echo hi"],
 *   env: {},
 *   stdin: new Uint8Array(0),
 *   timeoutMs: 5_000,
 *   memoryKb: 128 * 1024,
 *   maxOutputBytes: 1024,
 *   stderrMaxBytes: 4096,
 *   sampleMs: 20,
 *   usageReport: false,
 * });
 * if (raw.killedFor === null) console.log(new TextDecoder().decode(raw.stdout)); // "hi\n"
 * ```
 */
export function superviseChild(p: SuperviseParameters): Promise<SuperviseResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    const stderrChunks: Buffer[] = [];
    let stderrBytes = 0;
    let stderrTruncated = false;
    let report = "";
    let killedFor: KillReason | null = null;
    let peakRssKb = 0;
    let peakProcesses = 0;
    let sampledCpuMs = 0;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let wallMs = 0;
    let done = false;

    const child = spawn(p.command, p.args, {
      env: p.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe", p.usageReport ? "pipe" : "ignore"],
    });

    const kill = (reason: KillReason) => {
      if (killedFor === null) killedFor = reason;
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };

    const watcher = child.pid === undefined ? undefined : new TreeWatcher(child.pid);
    const sample = () => {
      if (!watcher || exitInfo) return;
      const s = watcher.sample();
      if (s.processes === 0) return;
      peakRssKb = Math.max(peakRssKb, s.rssKb);
      peakProcesses = Math.max(peakProcesses, s.processes);
      sampledCpuMs = Math.max(sampledCpuMs, s.cpuMs);
      if (s.rssKb > p.memoryKb) kill("memory");
      else if (p.maxProcesses !== undefined && s.processes > p.maxProcesses) kill("processes");
    };

    const timer = setTimeout(() => kill("timeout"), p.timeoutMs);
    const watchdog = setInterval(sample, p.sampleMs);
    const onAbort = () => kill("abort");
    p.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (spawnError?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      clearTimeout(safety);
      p.signal?.removeEventListener("abort", onAbort);
      // Nothing of the tree may outlive the run (a no-op when it is already gone).
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      let reportedCpuMs = 0;
      const stat = parseStatLine(report.trim());
      if (stat) {
        // The wrapper's utime/stime are its own (tiny); cutime/cstime hold the job's.
        reportedCpuMs = stat.cpuTicks * msPerTick();
      }
      resolve({
        stdout: new Uint8Array(Buffer.concat(stdoutChunks)),
        stderr: Buffer.concat(stderrChunks).toString("utf8"),
        stderrTruncated,
        exitCode: exitInfo?.code ?? null,
        signal: exitInfo?.signal ?? null,
        killedFor,
        wallMs: wallMs || performance.now() - started,
        cpuMs: Math.max(reportedCpuMs, sampledCpuMs),
        peakRssKb,
        peakProcesses,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    // If a pipe stays open after the kill (it cannot inside a pid namespace), do not hang.
    let safety: NodeJS.Timeout | undefined;

    child.on("error", (error) => finish(error));
    const { stdin, stdout, stderr } = child;
    if (!stdin || !stdout || !stderr) {
      finish(new Error("spawn gave no stdio pipes"));
      return;
    }
    stdout.on("data", (chunk: Buffer) => {
      const room = p.maxOutputBytes - stdoutBytes;
      if (chunk.length > room) {
        if (room > 0) stdoutChunks.push(chunk.subarray(0, room));
        stdoutBytes = p.maxOutputBytes;
        kill("output-limit");
        return;
      }
      stdoutChunks.push(chunk);
      stdoutBytes += chunk.length;
    });
    stderr.on("data", (chunk: Buffer) => {
      const room = p.stderrMaxBytes - stderrBytes;
      if (chunk.length > room) stderrTruncated = true;
      if (room > 0) {
        const kept = chunk.subarray(0, room);
        stderrChunks.push(kept);
        stderrBytes += kept.length;
      }
    });
    const reportPipe = child.stdio[3];
    if (reportPipe && "on" in reportPipe) {
      reportPipe.on("data", (chunk: Buffer) => {
        if (report.length < 4096) report += chunk.toString("utf8");
      });
    }
    child.on("exit", (code, signal) => {
      wallMs = performance.now() - started;
      exitInfo = { code, signal };
      safety = setTimeout(() => finish(), 2000);
    });
    child.on("close", () => finish());

    stdin.on("error", () => {
      // The job may exit without reading its input (EPIPE): not our problem.
    });
    stdin.end(Buffer.from(p.stdin.buffer, p.stdin.byteOffset, p.stdin.byteLength));
    // First sample soon: short jobs should still report memory.
    setTimeout(sample, Math.min(5, p.sampleMs)).unref();
  });
}
