/**
 * The `js` runtime: a separate Node.js 22 process under the permission model.
 *
 * - `--permission` with `--allow-fs-read` for the single job file only: no other reads, no
 *   writes, no child processes, no worker threads, no WASI; `--no-addons` as well.
 * - Network: the permission model of Node 22 does not cover it, so the process runs in a
 *   fresh network namespace: under bubblewrap (which also gives a minimal read-only
 *   filesystem, new pid/ipc/uts namespaces and a uid of its own) when bwrap works; else under
 *   `unshare --net` when that works (root); else NOT isolated, said in `isolation`.
 * - Memory: `--max-old-space-size` plus an RSS watchdog over the process tree.
 * - Environment: exactly the spec's `env` (names that reconfigure Node or the loader are
 *   refused); nothing of the worker's environment is passed.
 * - Wall time: the process group is killed (and the pid namespace with it).
 * @module
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobSpec } from "../../job/spec.ts";
import { specHash as specHashOf, specInputBytes } from "../../job/spec.ts";
import { assertBubblewrap, baseArgs, dropPrivileges } from "./bwrap.ts";
import { superviseChild, USAGE_WRAPPER } from "./child.ts";
import { SandboxRefusedError, SandboxSetupError } from "./errors.ts";
import { hostNodePath, SANDBOX_NODE_PATH } from "./node-binary.ts";
import { interpretChild, refusedResult } from "./result.ts";
import { makeJobDir, removeJobDir } from "./scratch.ts";
import { SANDBOX_DEFAULTS, type SandboxOptions, type SandboxResult } from "./types.ts";

/**
 * Environment names a `js` job may not set: they would reconfigure Node or the loader (a job
 * setting one is refused before it runs).
 *
 * @example
 * ```ts
 * import { FORBIDDEN_JS_ENV } from "sandrun/client/worker/sandbox/js.ts";
 * FORBIDDEN_JS_ENV.test("NODE_OPTIONS"); // true
 * FORBIDDEN_JS_ENV.test("INPUT_SIZE"); // false
 * ```
 */
export const FORBIDDEN_JS_ENV = /^(NODE_|UV_|LD_|OPENSSL_|SSL_|V8_)/;

let unshareProbe: Promise<boolean> | undefined;

/** Whether `unshare --net` works here (needs root or user namespaces); cached. */
function canUnshareNet(): Promise<boolean> {
  unshareProbe ??= new Promise((resolve) => {
    execFile("unshare", ["--net", "--", "true"], { env: {}, timeout: 5000 }, (error) => resolve(!error));
  });
  return unshareProbe;
}

/** Lines of stderr that show the permission model refusing something. */
function permissionDenials(stderr: string): string[] {
  const out: string[] = [];
  for (const match of stderr.matchAll(/ERR_ACCESS_DENIED[^\n]*|permission: '([A-Za-z.]+)'[^\n]*/g)) {
    out.push(`permission: ${match[0].slice(0, 160)}`);
    if (out.length >= 5) break;
  }
  return [...new Set(out)];
}

/**
 * Runs a `js` spec. Never throws: set-up failures give outcome `crashed` with `error`.
 *
 * @example
 * ```ts
 * import { runJs } from "sandrun/client/worker/sandbox/js.ts";
 * const r = await runJs({ version: 1, runtime: "js", code: "console.log(6 * 7)",
 *   limits: { timeoutMs: 5000, memoryMb: 128, maxOutputBytes: 1024 } });
 * // r.stdout = "42\n"
 * ```
 */
export async function runJs(spec: JobSpec, options: SandboxOptions = {}): Promise<SandboxResult> {
  const env = spec.env ?? {};
  const bad = Object.keys(env).filter((name) => FORBIDDEN_JS_ENV.test(name));
  if (bad.length > 0) {
    return refusedResult("js", new SandboxRefusedError(`environment names not allowed: ${bad.join(", ")}`));
  }
  const jobDir = await makeJobDir(options.scratchRoot);
  try {
    const hostFile = join(jobDir, "job.mjs");
    await writeFile(hostFile, spec.code, { mode: 0o644 });
    // Math.random is seeded from the spec (V8's --random-seed), so redundant nodes running the
    // same spec draw the same numbers; Date and crypto stay real (not deterministic).
    const randomSeed = Number.parseInt((options.seed ?? specHashOf(spec)).slice(2, 10), 16) | 0 || 1;
    const nodeFlags = (file: string) => [
      `--random-seed=${randomSeed}`,
      "--permission",
      `--allow-fs-read=${file}`,
      "--no-addons",
      `--max-old-space-size=${spec.limits.memoryMb}`,
      file,
      ...(spec.args ?? []),
    ];
    let command: string;
    let args: string[];
    let spawnEnv: Record<string, string>;
    const isolation = [
      "node --permission: fs read of the job file only, no fs write, no child processes, no workers, no addons, no WASI",
    ];
    let bwrap: string | undefined;
    try {
      bwrap = await assertBubblewrap(options.bwrapPath);
    } catch {
      bwrap = undefined;
    }
    if (bwrap) {
      const inner = "/work/job.mjs";
      command = bwrap;
      args = [
        ...baseArgs({
          scratchBytes: options.scratchMaxBytes ?? SANDBOX_DEFAULTS.scratchMaxBytes,
          binds: [
            { source: hostNodePath(), target: SANDBOX_NODE_PATH },
            { source: hostFile, target: inner },
          ],
          env,
        }),
        "/bin/sh",
        "-c",
        USAGE_WRAPPER,
        "sh",
        ...dropPrivileges(),
        SANDBOX_NODE_PATH,
        ...nodeFlags(inner),
      ];
      spawnEnv = {};
      isolation.push(
        "bubblewrap: new pid/net/ipc/uts namespaces, minimal read-only filesystem, a uid of its own, no capabilities",
      );
    } else if (await canUnshareNet()) {
      command = "unshare";
      args = ["--net", "--", "/bin/sh", "-c", USAGE_WRAPPER, "sh", hostNodePath(), ...nodeFlags(hostFile)];
      spawnEnv = { ...env };
      isolation.push("unshare --net: fresh network namespace (bubblewrap missing)");
    } else {
      command = "/bin/sh";
      args = ["-c", USAGE_WRAPPER, "sh", hostNodePath(), ...nodeFlags(hostFile)];
      spawnEnv = { ...env };
      isolation.push("WARNING: network NOT isolated (no bubblewrap, no unshare)");
    }
    const raw = await superviseChild({
      command,
      args,
      env: spawnEnv,
      stdin: specInputBytes(spec),
      timeoutMs: spec.limits.timeoutMs,
      memoryKb: spec.limits.memoryMb * 1024,
      maxOutputBytes: spec.limits.maxOutputBytes,
      stderrMaxBytes: options.stderrMaxBytes ?? SANDBOX_DEFAULTS.stderrMaxBytes,
      sampleMs: options.sampleMs ?? SANDBOX_DEFAULTS.sampleMs,
      usageReport: true,
      signal: options.signal,
    });
    return interpretChild(raw, {
      runtime: "js",
      limits: spec.limits,
      isolation,
      violations: permissionDenials(raw.stderr),
      ...(raw.spawnError ? { setupError: new SandboxSetupError("js", "spawn failed", raw.spawnError) } : {}),
    });
  } finally {
    if (!options.keepScratch) await removeJobDir(jobDir);
  }
}
