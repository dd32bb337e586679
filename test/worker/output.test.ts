import { expect } from "chai";
import { keccak256, toBytes } from "viem";
import { deliverOutput, fetchOutput, outputDigest, verifyOutput } from "../../client/job/output.ts";
import { OutputDigestMismatchError, UriTooLargeError } from "../../client/job/spec-errors.ts";
import { startOutputServer, type OutputServer } from "../../client/worker/output-server.ts";

describe("job outputs", () => {
  let server: OutputServer;
  before(async () => {
    server = await startOutputServer();
  });
  after(() => server.close());

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
    const delivered = await deliverOutput(bytes, { publish: server.publish });
    expect(delivered.inline).to.equal(true);
    expect(delivered.uri.startsWith("data:")).to.equal(true);
    expect(await fetchOutput(delivered.uri, delivered.digest)).to.deep.equal(bytes);
  });

  it("serves large outputs over 127.0.0.1 and checks them on download", async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const delivered = await deliverOutput(bytes, { publish: server.publish });
    expect(delivered.inline).to.equal(false);
    expect(delivered.uri.startsWith(`${server.url}/outputs/0x`)).to.equal(true);
    expect(await fetchOutput(delivered.uri, delivered.digest)).to.deep.equal(bytes);
    let error: unknown;
    try {
      await fetchOutput(delivered.uri, keccak256(toBytes("other")));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(OutputDigestMismatchError);
    try {
      await fetchOutput(delivered.uri, delivered.digest, { maxBytes: 1000 });
      expect.fail("no size limit");
    } catch (e) {
      expect(e).to.be.instanceOf(UriTooLargeError);
    }
    server.remove(delivered.digest);
    const gone = await fetch(delivered.uri);
    expect(gone.status).to.equal(404);
  });

  it("refuses a large output without a publisher", async () => {
    let error: unknown;
    try {
      await deliverOutput(new Uint8Array(10_000));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
  });
});
