/**
 * Shared pieces of the sandbox tests: limits, a loopback listener that records connections,
 * a host secret outside the scratch directory, and a secret in the worker's environment.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobLimits } from "../../client/job/spec.ts";

export const LIMITS: JobLimits = { timeoutMs: 5000, memoryMb: 128, maxOutputBytes: 64 * 1024 };
export const WORKER_SECRET = "0xWORKER-PRIVATE-KEY-must-never-leak";
export const HOST_SECRET = "HOST-FILE-SECRET-outside-scratch";

/** Text of a result's stdout. */
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A TCP listener on 127.0.0.1 that counts connections. */
export async function listener(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.end("hello from the host\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, connections: () => count, close: () => server.close() };
}

/** A scratch root holding secret.txt next to the per-job directories. */
export async function scratchRootWithSecret(): Promise<{ root: string; secretPath: string }> {
  const root = await mkdtemp(join(tmpdir(), "sandrun-test-"));
  const secretPath = join(root, "secret.txt");
  await writeFile(secretPath, HOST_SECRET);
  return { root, secretPath };
}
