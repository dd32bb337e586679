/**
 * Per-job scratch directories on the host: created fresh (mode 0700) under the scratch root
 * and removed after the run.
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Creates a fresh, private directory for one job under `root` (default: the OS temp dir).
 *
 * @example
 * ```ts
 * import { makeJobDir, removeJobDir } from "sandrun/client/worker/sandbox/scratch.ts";
 * const dir = await makeJobDir("/var/tmp/sandrun");
 * try {
 *   // write the job's files into dir and run it
 * } finally {
 *   await removeJobDir(dir);
 * }
 * ```
 */
export function makeJobDir(root?: string): Promise<string> {
  return mkdtemp(join(root ?? tmpdir(), "sandrun-job-"));
}

/**
 * Removes a job directory and everything in it (never throws: cleanup must not mask the result).
 *
 * @example
 * ```ts
 * import { removeJobDir } from "sandrun/client/worker/sandbox/scratch.ts";
 * await removeJobDir(dir);
 * ```
 */
export async function removeJobDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}
