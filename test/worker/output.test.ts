import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toBytes, toHex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { outputDigest, verifyOutput } from "../../client/job/output.ts";
import { OutputDigestMismatchError, UriTooLargeError } from "../../client/job/spec-errors.ts";
import { loadUri } from "../../client/job/spec-fetch.ts";
import { decryptWith, encryptionPublicKey } from "../../client/proofs/encryption.ts";
import { OutputServer } from "../../client/worker/daemon/output-server.ts";
import type { OfferDetails } from "../../client/worker/daemon/ports.ts";

/** The two fields of a job offer that decide how an output is delivered. */
const offer = (verification: number, encryptionKey: `0x${string}` = "0x") =>
  ({ verification, encryptionKey }) as OfferDetails;

describe("job outputs: the worker's delivery and the requester's check", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "sandrun-output-"));
  const server = new OutputServer({ stateDir, inlineMaxBytes: 1024, host: "127.0.0.1", port: 0 });
  after(async () => {
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("digests stdout with keccak256 and verifies it", () => {
    const bytes = toBytes("42\n");
    expect(outputDigest(bytes)).to.equal(keccak256(bytes));
    expect(verifyOutput(bytes, keccak256(bytes))).to.equal(keccak256(bytes));
    try {
      verifyOutput(toBytes("43\n"), keccak256(bytes));
      expect.fail("accepted a wrong output");
    } catch (error) {
      expect(error).to.be.instanceOf(OutputDigestMismatchError);
      expect((error as OutputDigestMismatchError).actual).to.equal(keccak256(toBytes("43\n")));
    }
  });

  it("inlines small outputs as data: URIs", async () => {
    const bytes = toBytes("small");
    const uri = await server.publish(1n, bytes, offer(2));
    expect(uri.startsWith("data:")).to.equal(true);
    expect(server.baseUrl, "no server needed for inline outputs").to.equal("");
    expect(await loadUri(uri)).to.deep.equal(bytes);
  });

  it("serves large outputs over 127.0.0.1 under an unguessable name, checked on download", async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const uri = await server.publish(2n, bytes, offer(2));
    expect(uri).to.match(/^http:\/\/127\.0\.0\.1:\d+\/outputs\/2-[0-9a-f]{32}$/);
    const fetched = await loadUri(uri);
    expect(verifyOutput(fetched, keccak256(bytes))).to.equal(keccak256(bytes));
    expect(() => verifyOutput(fetched, keccak256(toBytes("other")))).to.throw(OutputDigestMismatchError);
    let error: unknown;
    try {
      await loadUri(uri, { maxBytes: 1000 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UriTooLargeError);
    expect((await fetch(`${server.baseUrl}/outputs/2-${"0".repeat(32)}`)).status).to.equal(404);
    expect((await fetch(`${server.baseUrl}/outputs/..%2f..%2fetc%2fpasswd`)).status).to.equal(404);
  });

  it("encrypts to the requester's key at the cryptographic level only", async () => {
    const requesterKey = generatePrivateKey();
    const publicKey = toHex(encryptionPublicKey(requesterKey));
    const bytes = toBytes("secret result\n");
    const uri = await server.publish(3n, bytes, offer(3, publicKey));
    const delivered = await loadUri(uri);
    expect(delivered).to.not.deep.equal(bytes);
    expect(decryptWith(requesterKey, delivered)).to.deep.equal(bytes);
    // Strict level with a key present: plaintext (only level 3 encrypts).
    expect(await loadUri(await server.publish(4n, bytes, offer(2, publicKey)))).to.deep.equal(bytes);
  });

  it("refuses a large output it cannot serve (its port is taken): no URI, nothing written; serves it once the port is free", async () => {
    // Another process holds the output port: the worker has no publisher for outputs over the inline limit.
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", () => r()));
    const port = (holder.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "sandrun-output-taken-"));
    const blocked = new OutputServer({ stateDir: dir, inlineMaxBytes: 16, host: "127.0.0.1", port });
    try {
      const large = new Uint8Array(10_000).map((_, i) => i % 7);
      let error: unknown;
      try {
        await blocked.publish(5n, large, offer(2));
      } catch (e) {
        error = e;
      }
      expect(error, "published an output it cannot serve").to.be.instanceOf(Error);
      expect((error as NodeJS.ErrnoException).code).to.equal("EADDRINUSE");
      expect(readdirSync(join(dir, "outputs")), "wrote an output nobody can fetch").to.deep.equal([]);
      expect(blocked.baseUrl).to.equal("");
      // Small outputs need no server: still delivered inline.
      expect(await loadUri(await blocked.publish(6n, toBytes("tiny"), offer(2)))).to.deep.equal(
        toBytes("tiny"),
      );
      // Once the port is free the same server serves the large output (the daemon retries on its next tick).
      await new Promise<void>((r) => holder.close(() => r()));
      const uri = await blocked.publish(5n, large, offer(2));
      expect(uri.startsWith(`http://127.0.0.1:${port}/outputs/5-`)).to.equal(true);
      expect(await loadUri(uri)).to.deep.equal(large);
    } finally {
      if (holder.listening) holder.close();
      await blocked.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
