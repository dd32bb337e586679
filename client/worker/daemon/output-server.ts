/**
 * Delivering outputs to requesters: small outputs travel inline as a `data:` URI; larger
 * ones are written to the worker's state dir and served by a small HTTP server (loopback by
 * default). When the job carries the requester's public key (cryptographic level), the bytes
 * delivered are ECIES-encrypted to it; the digest on-chain stays the plaintext's, so the
 * requester decrypts and then checks it against the agreed digest.
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { outputToDataUri } from "../../job/output.ts";
import { encryptFor } from "../../proofs/encryption.ts";
import type { OfferDetails, OutputPublisher } from "./ports.ts";

/**
 * Publishes job outputs: small ones inline as a data URI, larger ones served at
 * `http://host:port/outputs/<name>` under unguessable names (encrypted first when the job asks).
 *
 * @example
 * ```ts
 * import { OutputServer } from "sandrun/client/worker/daemon/output-server.ts";
 * const server = new OutputServer({ stateDir: "./.sandrun", inlineMaxBytes: 4_096, host: "127.0.0.1", port: 0 });
 * const resultURI = await server.publish(offer.jobId, output, offer);
 * await server.stop();
 * ```
 */
export class OutputServer implements OutputPublisher {
  readonly #dir: string;
  readonly #inlineMax: number;
  readonly #host: string;
  readonly #port: number;
  #server: Server | undefined;
  #base = "";

  constructor(options: { stateDir: string; inlineMaxBytes: number; host: string; port: number }) {
    this.#dir = join(options.stateDir, "outputs");
    this.#inlineMax = options.inlineMaxBytes;
    this.#host = options.host;
    this.#port = options.port;
    mkdirSync(this.#dir, { recursive: true });
  }

  /** The server's base URL, once started. */
  get baseUrl(): string {
    return this.#base;
  }

  /** Starts the HTTP server (idempotent). */
  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => {
      const m = /^\/outputs\/([0-9]+-[0-9a-f]{32})$/.exec(req.url ?? "");
      const file = m ? join(this.#dir, m[1]!) : undefined;
      if (req.method !== "GET" || !file || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const body = readFileSync(file);
      res
        .writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length })
        .end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, this.#host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    this.#base = `http://${this.#host}:${addr.port}`;
    this.#server = server;
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Encrypts when the job asks for it, then inlines or serves the bytes; returns the URI. */
  async publish(jobId: bigint, output: Uint8Array, offer: OfferDetails): Promise<string> {
    const encrypt = offer.verification >= 3 && offer.encryptionKey.length > 2;
    const bytes = encrypt ? encryptFor(offer.encryptionKey, output) : output;
    if (bytes.length <= this.#inlineMax) return outputToDataUri(bytes);
    await this.start();
    const name = `${jobId}-${randomBytes(16).toString("hex")}`;
    writeFileSync(join(this.#dir, name), bytes);
    return `${this.#base}/outputs/${name}`;
  }
}
