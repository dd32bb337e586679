/**
 * The `process` runtime: python3, bash or node programs under bubblewrap.
 *
 * - Namespaces: new pid, net (no interfaces but loopback), ipc, uts, cgroup; the sandbox
 *   dies with the worker (--die-with-parent) and has its own session (no TIOCSTI).
 * - Filesystem: minimal and read-only (/usr, a few /etc files, the interpreter), fresh
 *   /dev and /proc, size-limited tmpfs at /tmp and /work (the program at /work/main.*).
 * - Identity: a uid/gid of its own (200000 + n, unused on the host), no capabilities,
 *   no_new_privs.
 * - rlimits (prlimit): RLIMIT_NPROC (fork bombs; per uid, and every job has its own uid),
 *   RLIMIT_AS = the memory limit (python3, bash; not node, whose V8 reserves far more
 *   address space than it uses: node gets --max-old-space-size instead), RLIMIT_FSIZE,
 *   RLIMIT_CORE = 0, RLIMIT_NOFILE.
 * - A watchdog over the process tree: summed RSS, process count; wall-time kill.
 * Refused with BubblewrapMissingError where bubblewrap is not usable.
 * @module
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Interpreter, JobSpec } from "../../job/spec.ts";
import { specInputBytes } from "../../job/spec.ts";
import type { SandrunError } from "../../errors/base.ts";
import { assertBubblewrap, baseArgs, dropPrivileges, type BwrapBind } from "./bwrap.ts";
import { superviseChild, USAGE_WRAPPER } from "./child.ts";
import { SandboxSetupError } from "./errors.ts";
import { hostNodePath, SANDBOX_NODE_PATH } from "./node-binary.ts";
import { interpretChild, refusedResult } from "./result.ts";
import { makeJobDir, removeJobDir } from "./scratch.ts";
import { SANDBOX_DEFAULTS, type SandboxOptions, type SandboxResult } from "./types.ts";

type InterpreterPlan = { path: string; binds: BwrapBind[]; file: string; flags: string[]; limitAs: boolean };

function plan(interpreter: Interpreter, memoryMb: number): InterpreterPlan {
  switch (interpreter) {
    case "python3":
      // -I: isolated mode (no user site, no PYTHON* env, no script dir on sys.path magic).
      return { path: "/usr/bin/python3", binds: [], file: "/work/main.py", flags: ["-I"], limitAs: true };
    case "bash":
      return {
        path: "/usr/bin/bash",
        binds: [],
        file: "/work/main.sh",
        flags: ["--noprofile", "--norc"],
        limitAs: true,
      };
    case "node":
      return {
        path: SANDBOX_NODE_PATH,
        binds: [{ source: hostNodePath(), target: SANDBOX_NODE_PATH }],
        file: "/work/main.js",
        flags: [`--max-old-space-size=${memoryMb}`],
        limitAs: false,
      };
  }
}

/**
 * Runs a `process` spec under bubblewrap. Never throws: a missing bwrap gives outcome
 * `refused` with a {@link BubblewrapMissingError} in `error`.
 *
 * @example
 * ```ts
 * import { runProcess } from "sandrun/client/worker/sandbox/process.ts";
 * const r = await runProcess({ version: 1, runtime: "process", interpreter: "bash",
 *   code: "echo $((6*7))", limits: { timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 64 } });
 * ```
 */
export async function runProcess(spec: JobSpec, options: SandboxOptions = {}): Promise<SandboxResult> {
  let bwrap: string;
  try {
    bwrap = await assertBubblewrap(options.bwrapPath);
  } catch (error) {
    return refusedResult("process", error as SandrunError);
  }
  const interpreter = spec.interpreter ?? "bash";
  const p = plan(interpreter, spec.limits.memoryMb);
  if (p.binds.length === 0 && !existsSync(p.path)) {
    return refusedResult("process", new SandboxSetupError("process", `${p.path} is not installed`));
  }
  const maxProcesses = options.maxProcesses ?? SANDBOX_DEFAULTS.maxProcesses;
  const scratchBytes = options.scratchMaxBytes ?? SANDBOX_DEFAULTS.scratchMaxBytes;
  const jobDir = await makeJobDir(options.scratchRoot);
  try {
    const hostFile = join(jobDir, "main");
    await writeFile(hostFile, spec.code, { mode: 0o644 });
    const limits = [
      "prlimit",
      `--nproc=${maxProcesses}`,
      `--fsize=${scratchBytes}`,
      "--core=0",
      "--nofile=256",
      ...(p.limitAs ? [`--as=${spec.limits.memoryMb * 1024 * 1024}`] : []),
    ];
    const args = [
      ...baseArgs({
        scratchBytes,
        binds: [...p.binds, { source: hostFile, target: p.file }],
        env: spec.env ?? {},
      }),
      "/bin/sh",
      "-c",
      USAGE_WRAPPER,
      "sh",
      ...limits,
      ...dropPrivileges(),
      p.path,
      ...p.flags,
      p.file,
      ...(spec.args ?? []),
    ];
    const raw = await superviseChild({
      command: bwrap,
      args,
      env: {},
      stdin: specInputBytes(spec),
      timeoutMs: spec.limits.timeoutMs,
      memoryKb: spec.limits.memoryMb * 1024,
      maxOutputBytes: spec.limits.maxOutputBytes,
      stderrMaxBytes: options.stderrMaxBytes ?? SANDBOX_DEFAULTS.stderrMaxBytes,
      sampleMs: options.sampleMs ?? SANDBOX_DEFAULTS.sampleMs,
      // bwrap (2) + sh wrapper (1) on top of the job's own RLIMIT_NPROC.
      maxProcesses: maxProcesses + 3,
      usageReport: true,
      signal: options.signal,
    });
    const violations: string[] = [];
    if (
      /fork: (retry: )?Resource temporarily unavailable|Resource temporarily unavailable|BlockingIOError/.test(
        raw.stderr,
      )
    ) {
      violations.push(`processes: fork refused at the limit of ${maxProcesses} (RLIMIT_NPROC)`);
    }
    if (/File size limit exceeded|No space left on device/.test(raw.stderr)) {
      violations.push(`disk: scratch write refused at ${scratchBytes} bytes`);
    }
    return interpretChild(raw, {
      runtime: "process",
      limits: spec.limits,
      maxProcesses,
      isolation: [
        "bubblewrap: new pid/net/ipc/uts/cgroup namespaces, minimal read-only filesystem, tmpfs /work and /tmp",
        "a uid of its own (per-job RLIMIT_NPROC), no capabilities, no_new_privs",
        `rlimits: nproc ${maxProcesses}, fsize ${scratchBytes}${p.limitAs ? `, as ${spec.limits.memoryMb} MiB` : ""}, core 0, nofile 256`,
      ],
      violations,
      ...(raw.spawnError
        ? { setupError: new SandboxSetupError("process", "spawn failed", raw.spawnError) }
        : {}),
    });
  } finally {
    if (!options.keepScratch) await removeJobDir(jobDir);
  }
}
