/**
 * Per-job scratch directories on the host: created fresh (mode 0700) under the scratch root
 * and removed after the run.
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Creates a fresh, private directory for one job. */
export function makeJobDir(root?: string): Promise<string> {
  return mkdtemp(join(root ?? tmpdir(), "sandrun-job-"));
}

/** Removes a job directory (never throws). */
export async function removeJobDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}
