/**
 * A tiny HTTP server through which a worker serves outputs too large to travel inline:
 * GET /outputs/<digest> returns the bytes. Binds 127.0.0.1 by default; content-addressed,
 * so a client checks what it gets with `verifyOutput`.
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { keccak256, type Hex } from "viem";
import type { OutputPublisher } from "../job/output.ts";

/** A running output server. */
export type OutputServer = {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Stores the bytes and returns their URL (an {@link OutputPublisher}). */
  publish: OutputPublisher;
  /** Forgets one output. */
  remove(digest: Hex): void;
  close(): Promise<void>;
};

/**
 * Starts the server.
 *
 * @param options.maxStoredBytes total bytes kept in memory (oldest dropped first; default 256 MiB).
 * @example
 * ```ts
 * import { startOutputServer } from "sandrun/client/worker/output-server.ts";
 * const server = await startOutputServer();
 * const uri = await server.publish(bytes, digest);
 * ```
 */
export async function startOutputServer(
  options: { host?: string; port?: number; maxStoredBytes?: number } = {},
): Promise<OutputServer> {
  const store = new Map<string, Uint8Array>();
  let stored = 0;
  const maxStored = options.maxStoredBytes ?? 256 * 1024 * 1024;
  const server: Server = createServer((req, res) => {
    const match = /^\/outputs\/(0x[0-9a-f]{64})$/.exec(req.url ?? "");
    const bytes = match && req.method === "GET" ? store.get(match[1] as string) : undefined;
    if (!bytes) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  return {
    url,
    async publish(bytes, digest) {
      const key = keccak256(bytes);
      if (digest && key.toLowerCase() !== digest.toLowerCase())
        throw new TypeError("digest does not match bytes");
      if (!store.has(key)) {
        store.set(key, bytes);
        stored += bytes.length;
        for (const [old, value] of store) {
          if (stored <= maxStored || old === key) break;
          store.delete(old);
          stored -= value.length;
        }
      }
      return `${url}/outputs/${key}`;
    },
    remove(digest) {
      const bytes = store.get(digest.toLowerCase());
      if (bytes) {
        store.delete(digest.toLowerCase());
        stored -= bytes.length;
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
