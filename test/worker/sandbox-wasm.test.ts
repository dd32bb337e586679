import { expect } from "chai";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { keccak256 } from "viem";
import { runInSandbox } from "../../client/worker/sandbox/index.ts";
import { setWasmWarmSpare } from "../../client/worker/sandbox/wasm.ts";
import { bytesToBase64 } from "../../client/job/spec-encoding.ts";
import type { JobSpec } from "../../client/job/spec.ts";
import { compileWat, watCode } from "./fixtures/compile.ts";
import { LIMITS, WORKER_SECRET, scratchRootWithSecret, text } from "./sandbox-helpers.ts";

async function wasm(name: string, extra: Partial<JobSpec> = {}): Promise<JobSpec> {
  return {
    version: 1,
    runtime: "wasm",
    code: await watCode(name),
    limits: { ...LIMITS, memoryMb: 16 },
    ...extra,
  };
}

describe("sandbox: wasm (WASI preview1 in a worker thread)", () => {
  let root: string;
  before(async () => {
    ({ root } = await scratchRootWithSecret());
    process.env.SANDRUN_TEST_SECRET = WORKER_SECRET;
  });
  after(() => {
    delete process.env.SANDRUN_TEST_SECRET;
  });

  it("runs a real module: stdin in, transformed stdout out, digest and usage reported", async () => {
    const r = await runInSandbox(await wasm("upper", { input: "hello, sandbox" }), { scratchRoot: root });
    expect(r.outcome).to.equal("ok");
    expect(r.exitCode).to.equal(0);
    expect(text(r.stdout)).to.equal("HELLO, SANDBOX");
    expect(r.outputDigest).to.equal(keccak256(r.stdout));
    expect(r.violations).to.deep.equal([]);
    expect(r.usage.wallMs).to.be.greaterThan(0);
    expect(r.usage.peakMemoryKb).to.be.greaterThanOrEqual(64);
  });

  it("is deterministic: random_get and the clock depend only on the seed", async () => {
    const spec = await wasm("random");
    const a = await runInSandbox(spec, { scratchRoot: root });
    const b = await runInSandbox(spec, { scratchRoot: root });
    expect(a.stdout.length).to.equal(48);
    expect(a.outputDigest).to.equal(b.outputDigest);
    const c = await runInSandbox(spec, { scratchRoot: root, seed: keccak256("0x01") });
    expect(c.outputDigest).to.not.equal(a.outputDigest);
  });

  it("sees only the spec's environment, never the worker's", async () => {
    const r = await runInSandbox(await wasm("env", { env: { GREETING: "hi" } }), { scratchRoot: root });
    expect(r.outcome).to.equal("ok");
    expect(text(r.stdout).split("\0").filter(Boolean)).to.deep.equal(["GREETING=hi"]);
    expect(text(r.stdout)).to.not.include(WORKER_SECRET);
  });

  it("contains file-system escapes: host files, writes outside scratch, symlinks", async () => {
    const r = await runInSandbox(await wasm("escape"), { scratchRoot: root });
    const errnos = text(r.stdout).trim().split("\n").map(Number);
    // /etc/hostname, ../../secret.txt, ../outside.txt refused (ENOTCAPABLE), symlink EPERM;
    // creating and writing a file inside scratch works.
    expect(errnos).to.deep.equal([76, 76, 76, 63, 0, 0]);
    expect(text(r.stdout)).to.not.include("HOST-FILE-SECRET");
    expect(existsSync(join(root, "outside.txt"))).to.equal(false);
    expect(r.violations.join("\n"))
      .to.include("etc/hostname")
      .and.include("secret.txt")
      .and.include("symlink");
  });

  it("has no sockets", async () => {
    const r = await runInSandbox(await wasm("socket"), { scratchRoot: root });
    expect(text(r.stdout)).to.equal("58\n58\n");
    expect(r.violations.some((v) => v.startsWith("net:"))).to.equal(true);
  });

  it("refuses modules importing anything but WASI, or asking for more memory than the limit", async () => {
    const { default: wabtInit } = await import("wabt");
    const wabt = await wabtInit();
    const foreign = wabt.parseWat(
      "f.wat",
      '(module (import "env" "socket" (func)) (memory (export "memory") 1))',
    );
    const code = bytesToBase64(new Uint8Array(foreign.toBinary({}).buffer));
    const r = await runInSandbox({ ...(await wasm("loop")), code });
    expect(r.outcome).to.equal("refused");
    expect(r.error?.shortMessage).to.match(/env\.socket/);
    const big = wabt.parseWat("b.wat", '(module (memory (export "memory") 1000) (func (export "_start")))');
    const r2 = await runInSandbox({
      ...(await wasm("loop")),
      code: bytesToBase64(new Uint8Array(big.toBinary({}).buffer)),
    });
    expect(r2.outcome).to.equal("refused");
    const r3 = await runInSandbox({
      ...(await wasm("loop")),
      code: bytesToBase64(new Uint8Array([0, 97, 115, 109, 9])),
    });
    expect(r3.outcome).to.equal("refused");
  });

  it("stops a module that loops forever at the wall-time limit", async () => {
    const r = await runInSandbox(await wasm("loop", { limits: { ...LIMITS, timeoutMs: 400 } }), {
      scratchRoot: root,
    });
    expect(r.outcome).to.equal("timeout");
    expect(r.usage.wallMs).to.be.lessThan(2000);
    expect(r.violations[0]).to.match(/^time:/);
  });

  it("caps linear memory exactly at the limit", async () => {
    const r = await runInSandbox(await wasm("grow", { limits: { ...LIMITS, memoryMb: 8 } }), {
      scratchRoot: root,
    });
    expect(r.outcome).to.equal("memory");
    // 8 MiB of linear memory plus the thread's heap; never the unbounded growth asked for.
    expect(r.usage.peakMemoryKb).to.be.within(8 * 1024, 8 * 1024 + 48 * 1024);
  });

  it("stops a module that floods stdout at maxOutputBytes", async () => {
    const r = await runInSandbox(await wasm("flood", { limits: { ...LIMITS, maxOutputBytes: 10_000 } }), {
      scratchRoot: root,
    });
    expect(r.outcome).to.equal("output-limit");
    expect(r.stdout.length).to.equal(10_000);
  });

  it("runs jobs on the warm spare thread with the same results", async () => {
    await setWasmWarmSpare(true);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const spec = await wasm("random");
      const a = await runInSandbox(spec, { scratchRoot: root });
      const b = await runInSandbox(spec, { scratchRoot: root });
      // The spare path gives the same deterministic result as a thread started on demand.
      expect(a.outputDigest).to.equal(b.outputDigest);
      expect(a.usage.wallMs).to.be.lessThan(5000);
    } finally {
      await setWasmWarmSpare(false);
    }
  });

  it("keeps serving after all of that", async () => {
    const bytes = await compileWat("upper");
    const results = await Promise.all(
      ["a", "b", "c"].map(async (s) =>
        runInSandbox({ version: 1, runtime: "wasm", code: bytesToBase64(bytes), input: s, limits: LIMITS }),
      ),
    );
    expect(results.map((r) => text(r.stdout))).to.deep.equal(["A", "B", "C"]);
  });
});
