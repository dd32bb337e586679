/**
 * Bubblewrap: detecting it and building its command line. The sandbox filesystem is
 * minimal (NOT the brief's `--ro-bind / /`, which would expose every host file read-only):
 * /usr read-only with the usual /bin /lib symlinks, a few /etc files, fresh /dev and /proc,
 * size-limited tmpfs at /tmp and /work, plus the read-only binds a runtime asks for.
 * New pid, net, ipc, uts and cgroup namespaces; the job's environment only.
 * @module
 */
import { execFile } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { BubblewrapMissingError } from "./errors.ts";

/**
 * Where bwrap is looked for, in order, when no path is given.
 *
 * @example
 * ```ts
 * import { DEFAULT_BWRAP_PATHS } from "sandrun/client/worker/sandbox/bwrap.ts";
 * console.log(`install bubblewrap at one of ${DEFAULT_BWRAP_PATHS.join(", ")}`);
 * ```
 */
export const DEFAULT_BWRAP_PATHS = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"];

const probes = new Map<string, Promise<string>>();

function locate(explicit?: string): string {
  const candidates = explicit ? [explicit] : DEFAULT_BWRAP_PATHS;
  for (const path of candidates) {
    try {
      accessSync(path, fsConstants.X_OK);
      return path;
    } catch {
      // Next candidate.
    }
  }
  throw new BubblewrapMissingError(candidates.join(", "), "not found or not executable");
}

/**
 * Finds bwrap and proves it can build the namespaces the sandbox uses (cached per path).
 * Also checks `prlimit` and `setpriv` (util-linux), which the process runtime needs.
 *
 * @returns the bwrap path.
 * @throws {BubblewrapMissingError}
 * @example
 * ```ts
 * import { assertBubblewrap } from "sandrun/client/worker/sandbox/bwrap.ts";
 * const bwrap = await assertBubblewrap(); // "/usr/bin/bwrap"
 * ```
 */
export function assertBubblewrap(explicit?: string): Promise<string> {
  const key = explicit ?? "";
  let probe = probes.get(key);
  if (!probe) {
    probe = (async () => {
      const path = locate(explicit);
      const args = [
        ...baseArgs({ scratchBytes: 1 << 20, binds: [], env: {} }),
        "/bin/sh",
        "-c",
        "command -v prlimit >/dev/null && command -v setpriv >/dev/null",
      ];
      await new Promise<void>((resolve, reject) => {
        execFile(path, args, { env: {}, timeout: 10_000 }, (error, _out, stderr) => {
          if (error) {
            reject(
              new BubblewrapMissingError(
                path,
                `probe failed (${stderr.trim() || error.message}); prlimit and setpriv are needed too`,
              ),
            );
          } else resolve();
        });
      });
      return path;
    })();
    probes.set(key, probe);
    // A failed probe is not cached forever: the operator may install bwrap and retry.
    probe.catch(() => probes.delete(key));
  }
  return probe;
}

/** A host path made visible read-only inside the sandbox. */
export type BwrapBind = { source: string; target: string };

/** Options of {@link baseArgs}. */
export type BwrapOptions = {
  /** Size of the /work and /tmp tmpfs mounts, bytes each. */
  scratchBytes: number;
  binds: BwrapBind[];
  /** The job's whole environment. */
  env: Record<string, string>;
};

/**
 * Builds the bwrap arguments that go before the command: namespaces, the minimal read-only
 * filesystem, size-limited /tmp and /work, the runtime's binds and the job's environment (see the
 * module comment for what they mean).
 *
 * @example
 * ```ts
 * import { assertBubblewrap, baseArgs } from "sandrun/client/worker/sandbox/bwrap.ts";
 * const bwrap = await assertBubblewrap();
 * const args = [...baseArgs({ scratchBytes: 64 * 1024 * 1024, binds: [{ source: hostFile, target: "/work/main" }], env: {} }), "bash", "/work/main"];
 * ```
 */
export function baseArgs(o: BwrapOptions): string[] {
  const args = [
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--new-session",
    "--hostname",
    "sandbox",
    "--ro-bind",
    "/usr",
    "/usr",
    "--symlink",
    "usr/bin",
    "/bin",
    "--symlink",
    "usr/sbin",
    "/sbin",
    "--symlink",
    "usr/lib",
    "/lib",
    "--symlink",
    "usr/lib64",
    "/lib64",
    "--perms",
    "0755",
    "--dir",
    "/etc",
    "--ro-bind-try",
    "/etc/ld.so.cache",
    "/etc/ld.so.cache",
    // Node reads its OpenSSL config at start-up; public certificates only.
    "--ro-bind-try",
    "/etc/ssl",
    "/etc/ssl",
    "--ro-bind-try",
    "/etc/alternatives",
    "/etc/alternatives",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--perms",
    "1777",
    "--size",
    String(o.scratchBytes),
    "--tmpfs",
    "/tmp",
    "--perms",
    "1777",
    "--size",
    String(o.scratchBytes),
    "--tmpfs",
    "/work",
  ];
  for (const bind of o.binds) args.push("--ro-bind", bind.source, bind.target);
  args.push("--chdir", "/work", "--clearenv");
  for (const [name, value] of Object.entries(o.env)) args.push("--setenv", name, value);
  return args;
}

/**
 * First uid handed to sandboxed jobs; each job gets its own (see {@link dropPrivileges}), from a
 * range unused on the host.
 *
 * @example
 * ```ts
 * import { JOB_UID_BASE } from "sandrun/client/worker/sandbox/bwrap.ts";
 * const isJobUid = (uid: number) => uid >= JOB_UID_BASE;
 * ```
 */
export const JOB_UID_BASE = 200_000;
const JOB_UID_COUNT = 60_000;
let nextUid = 0;

/**
 * setpriv arguments that drop to a uid/gid of the job's own (unused on the host, so
 * RLIMIT_NPROC, which counts per uid, is per job and one job's fork bomb cannot starve
 * another), with no capabilities, no supplementary groups and no way to regain privileges.
 *
 * @example
 * ```ts
 * import { dropPrivileges } from "sandrun/client/worker/sandbox/bwrap.ts";
 * const command = [...dropPrivileges(), "bash", "/work/main"]; // ["setpriv", "--reuid=200000", …]
 * ```
 */
export function dropPrivileges(): string[] {
  const id = JOB_UID_BASE + (nextUid++ % JOB_UID_COUNT);
  return [
    "setpriv",
    `--reuid=${id}`,
    `--regid=${id}`,
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
  ];
}
