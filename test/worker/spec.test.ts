import { expect } from "chai";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { keccak256, toBytes } from "viem";
import {
  decodeJobSpec,
  encodeJobSpec,
  fetchSpec,
  parseJobSpec,
  specHash,
  specInputBytes,
  specToUri,
  type JobSpec,
} from "../../client/job/spec.ts";
import {
  SpecHashMismatchError,
  SpecInvalidError,
  UriFetchError,
  UriTooLargeError,
} from "../../client/job/spec-errors.ts";
import { SandrunError } from "../../client/errors/base.ts";
import { fetchSpecNode } from "../../client/worker/spec-file.ts";

const spec: JobSpec = {
  version: 1,
  runtime: "process",
  interpreter: "python3",
  code: "print(input().upper())",
  input: "hi\n",
  env: { B: "2", A: "1" },
  limits: { timeoutMs: 5000, memoryMb: 128, maxOutputBytes: 4096 },
};

function expectThrow<T extends Error>(fn: () => unknown, type: new (...a: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error("did not throw");
}

async function expectReject<T extends Error>(
  p: Promise<unknown>,
  type: new (...a: never[]) => T,
): Promise<T> {
  try {
    await p;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error("did not reject");
}

describe("job spec", () => {
  it("encodes canonically: sorted keys, no whitespace, independent of key order", () => {
    const text = new TextDecoder().decode(encodeJobSpec(spec));
    expect(text).to.equal(
      '{"code":"print(input().upper())","env":{"A":"1","B":"2"},"input":"hi\\n","interpreter":"python3",' +
        '"limits":{"maxOutputBytes":4096,"memoryMb":128,"timeoutMs":5000},"runtime":"process","version":1}',
    );
    // Same content, keys inserted in another order.
    const { limits, ...rest } = spec;
    const reordered = JSON.parse(JSON.stringify({ limits, ...rest, env: { A: "1", B: "2" } })) as JobSpec;
    expect(specHash(reordered)).to.equal(specHash(spec));
    expect(specHash(spec)).to.equal(keccak256(toBytes(text)));
  });

  it("changes the hash when anything changes", () => {
    expect(specHash({ ...spec, code: spec.code + " " })).to.not.equal(specHash(spec));
    expect(specHash({ ...spec, limits: { ...spec.limits, timeoutMs: 5001 } })).to.not.equal(specHash(spec));
  });

  it("lists every problem of an invalid spec at once", () => {
    const error = expectThrow(
      () =>
        parseJobSpec({
          version: 2,
          runtime: "process",
          code: "",
          env: { "BAD-NAME": "x" },
          limits: { timeoutMs: 1.5, memoryMb: 0, maxOutputBytes: -1 },
          extra: true,
        }),
      SpecInvalidError,
    );
    expect(error).to.be.instanceOf(SandrunError);
    const paths = error.issues.map((i) => i.path);
    for (const p of ["version", "code", "limits.timeoutMs", "limits.memoryMb", "limits.maxOutputBytes"]) {
      expect(paths, p).to.include(p);
    }
    expect(error.issues.length).to.be.greaterThanOrEqual(6);
  });

  it("enforces runtime rules: interpreter only for process, base64 for wasm", () => {
    expectThrow(() => parseJobSpec({ ...spec, interpreter: undefined }), SpecInvalidError);
    expectThrow(() => parseJobSpec({ ...spec, runtime: "js" }), SpecInvalidError);
    const e = expectThrow(
      () => parseJobSpec({ version: 1, runtime: "wasm", code: "not base64!", limits: spec.limits }),
      SpecInvalidError,
    );
    expect(e.issues[0]?.path).to.equal("code");
    expectThrow(() => parseJobSpec({ ...spec, inputEncoding: "base64", input: "%%%" }), SpecInvalidError);
    expectThrow(() => parseJobSpec({ ...spec, args: ["a\0b"] }), SpecInvalidError);
  });

  it("decodes input in utf8 or base64", () => {
    expect(new TextDecoder().decode(specInputBytes(spec))).to.equal("hi\n");
    const b64 = { ...spec, input: "AAEC/w==", inputEncoding: "base64" as const };
    expect([...specInputBytes(b64)]).to.deep.equal([0, 1, 2, 255]);
  });

  it("round-trips through a data: URI and refuses non-canonical bytes", async () => {
    const fetched = await fetchSpec(specToUri(spec), specHash(spec));
    expect(fetched.spec).to.deep.equal(parseJobSpec(spec));
    const pretty = toBytes(JSON.stringify(parseJobSpec(spec), null, 2));
    expectThrow(() => decodeJobSpec(pretty), SpecInvalidError);
    // Hash matches the pretty bytes, but they are not canonical: still refused.
    const uri = `data:application/json;base64,${Buffer.from(pretty).toString("base64")}`;
    await expectReject(fetchSpec(uri, keccak256(pretty)), SpecInvalidError);
  });

  it("refuses a spec whose hash does not match, with both hashes", async () => {
    const other = { ...spec, code: "import os; os.system('curl evil')" };
    const error = await expectReject(fetchSpec(specToUri(other), specHash(spec)), SpecHashMismatchError);
    expect(error.expected).to.equal(specHash(spec));
    expect(error.actual).to.equal(specHash(other));
  });

  it("enforces the size limit before decoding", async () => {
    await expectReject(fetchSpec(specToUri(spec), specHash(spec), { maxBytes: 32 }), UriTooLargeError);
    await expectReject(fetchSpec("ftp://example.com/x", specHash(spec)), UriFetchError);
  });

  describe("over http", () => {
    let server: Server;
    let base: string;
    const body = encodeJobSpec(spec);
    before(async () => {
      server = createServer((req, res) => {
        if (req.url === "/spec.json") res.end(body);
        else if (req.url === "/huge") {
          // No Content-Length: the limit must hold while streaming.
          res.write(new Uint8Array(64 * 1024));
          res.end(new Uint8Array(64 * 1024));
        } else if (req.url === "/slow") setTimeout(() => res.end(body), 2000);
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it("fetches and checks", async () => {
      const { hash } = await fetchSpec(`${base}/spec.json`, specHash(spec));
      expect(hash).to.equal(specHash(spec));
    });
    it("stops at maxBytes, times out, reports HTTP errors", async () => {
      await expectReject(fetchSpec(`${base}/huge`, specHash(spec), { maxBytes: 100_000 }), UriTooLargeError);
      const slow = await expectReject(
        fetchSpec(`${base}/slow`, specHash(spec), { timeoutMs: 200 }),
        UriFetchError,
      );
      expect(slow.reason).to.match(/timed out/);
      const missing = await expectReject(fetchSpec(`${base}/nope`, specHash(spec)), UriFetchError);
      expect(missing.reason).to.equal("HTTP 404");
    });
  });

  it("reads file: URIs only inside the allowed roots", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sandrun-spec-"));
    const file = join(dir, "spec.json");
    await writeFile(file, encodeJobSpec(spec));
    const uri = pathToFileURL(file).href;
    const { spec: got } = await fetchSpecNode(uri, specHash(spec), { fileRoots: [dir] });
    expect(got.code).to.equal(spec.code);
    await expectReject(fetchSpecNode(uri, specHash(spec)), UriFetchError);
    await expectReject(fetchSpec(uri, specHash(spec)), UriFetchError);
    const hostname = pathToFileURL("/etc/hostname").href;
    await expectReject(fetchSpecNode(hostname, specHash(spec), { fileRoots: [dir] }), UriFetchError);
  });
});
