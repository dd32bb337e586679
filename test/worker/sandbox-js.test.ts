import { expect } from "chai";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runInSandbox } from "../../client/worker/sandbox/index.ts";
import type { JobSpec } from "../../client/job/spec.ts";
import {
  HOST_SECRET,
  LIMITS,
  WORKER_SECRET,
  listener,
  scratchRootWithSecret,
  text,
} from "./sandbox-helpers.ts";

const js = (code: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  version: 1,
  runtime: "js",
  code,
  limits: LIMITS,
  ...extra,
});

describe("sandbox: js (node --permission in its own namespaces)", () => {
  let root: string;
  let secretPath: string;
  before(async () => {
    ({ root, secretPath } = await scratchRootWithSecret());
    process.env.SANDRUN_TEST_SECRET = WORKER_SECRET;
  });
  after(() => {
    delete process.env.SANDRUN_TEST_SECRET;
  });

  it("runs a real program with stdin, args and env", async () => {
    const code = `
      let input = "";
      for await (const chunk of process.stdin) input += chunk;
      const primes = []; for (let n = 2; primes.length < Number(process.argv[2]); n++)
        if (primes.every((p) => n % p)) primes.push(n);
      console.log(input.trim().toUpperCase(), primes.join(","), process.env.MODE);`;
    const r = await runInSandbox(js(code, { input: "primes", args: ["8"], env: { MODE: "test" } }), {
      scratchRoot: root,
    });
    expect(r.stderr).to.equal("");
    expect(r.outcome).to.equal("ok");
    expect(text(r.stdout)).to.equal("PRIMES 2,3,5,7,11,13,17,19 test\n");
    expect(r.usage.peakMemoryKb).to.be.greaterThan(1000);
    expect(r.isolation.join(" ")).to.match(/network namespace|net\//);
  });

  it("seeds Math.random from the spec, so redundant runs agree", async () => {
    const spec = js("console.log(Math.random(), Math.random())");
    const a = await runInSandbox(spec, { scratchRoot: root });
    const b = await runInSandbox(spec, { scratchRoot: root });
    expect(a.outcome).to.equal("ok");
    expect(a.outputDigest).to.equal(b.outputDigest);
    const c = await runInSandbox(js("console.log(Math.random(), Math.random()) "), { scratchRoot: root });
    expect(c.outputDigest).to.not.equal(a.outputDigest);
  });

  it("stops when the worker aborts the run", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await runInSandbox(js("setInterval(() => {}, 1000)"), {
      scratchRoot: root,
      signal: controller.signal,
    });
    expect(r.outcome).to.equal("crashed");
    expect(r.violations).to.include("aborted by the worker");
    expect(r.usage.wallMs).to.be.lessThan(2000);
  });

  it("refuses an invalid spec without running anything", async () => {
    const r = await runInSandbox({ ...js("console.log(1)"), limits: { ...LIMITS, timeoutMs: -1 } });
    expect(r.outcome).to.equal("refused");
    expect(r.error?.name).to.equal("SpecInvalidError");
  });

  it("cannot read host files, the worker's environment, or write anywhere", async () => {
    const code = `
      import fs from "node:fs";
      const tryIt = (f) => { try { return String(f()); } catch (e) { return e.code; } };
      console.log(tryIt(() => fs.readFileSync("/etc/hostname", "utf8")));
      console.log(tryIt(() => fs.readFileSync(${JSON.stringify(secretPath)}, "utf8")));
      console.log(tryIt(() => fs.writeFileSync(${JSON.stringify(join(root, "outside.txt"))}, "x")));
      console.log(JSON.stringify(process.env));`;
    const r = await runInSandbox(js(code), { scratchRoot: root });
    const lines = text(r.stdout).trim().split("\n");
    expect(lines.slice(0, 3)).to.deep.equal(["ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED"]);
    expect(text(r.stdout)).to.not.include(HOST_SECRET).and.not.include(WORKER_SECRET);
    expect(Object.keys(JSON.parse(lines[3] as string) as object)).to.not.include("SANDRUN_TEST_SECRET");
    expect(existsSync(join(root, "outside.txt"))).to.equal(false);
  });

  it("cannot spawn processes or workers, nor load addons", async () => {
    const code = `
      import cp from "node:child_process";
      import { Worker } from "node:worker_threads";
      const tryIt = (f) => { try { f(); return "ran"; } catch (e) { return e.code; } };
      console.log(tryIt(() => cp.execSync("id")));
      console.log(tryIt(() => new Worker("1", { eval: true })));
      console.log(tryIt(() => process.dlopen({ exports: {} }, "/usr/lib/x.node")));`;
    const r = await runInSandbox(js(code), { scratchRoot: root });
    const lines = text(r.stdout).trim().split("\n");
    expect(lines[0]).to.equal("ERR_ACCESS_DENIED");
    expect(lines[1]).to.equal("ERR_ACCESS_DENIED");
    expect(lines[2]).to.not.equal("ran");
  });

  it("cannot reach a listener on the host's 127.0.0.1", async () => {
    const server = await listener();
    try {
      const code = `
        import net from "node:net";
        const s = net.connect(${server.port}, "127.0.0.1");
        s.on("data", (d) => { console.log("GOT", String(d)); s.end(); });
        s.on("error", (e) => console.log("ERR", e.code));`;
      const r = await runInSandbox(js(code), { scratchRoot: root });
      expect(text(r.stdout)).to.match(/^ERR (ECONNREFUSED|ENETUNREACH)/);
      expect(server.connections()).to.equal(0);
    } finally {
      server.close();
    }
  });

  it("refuses environment variables that would reconfigure node", async () => {
    const r = await runInSandbox(js("console.log(1)", { env: { NODE_OPTIONS: "--allow-fs-read=*" } }));
    expect(r.outcome).to.equal("refused");
    expect(r.stdout.length).to.equal(0);
  });

  it("kills an infinite loop at the wall-time limit", async () => {
    const r = await runInSandbox(js("for (;;) {}", { limits: { ...LIMITS, timeoutMs: 500 } }), {
      scratchRoot: root,
    });
    expect(r.outcome).to.equal("timeout");
    expect(r.exitCode).to.equal(null);
    expect(r.usage.wallMs).to.be.lessThan(2500);
  });

  it("stops memory hogs: off-heap buffers (RSS watchdog) and the JS heap", async () => {
    const offHeap = "const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1));";
    const r1 = await runInSandbox(js(offHeap, { limits: { ...LIMITS, memoryMb: 96 } }), {
      scratchRoot: root,
    });
    expect(r1.outcome).to.equal("memory");
    const heap = "const keep = []; for (;;) keep.push(new Array(1e5).fill({ a: Math.random() }));";
    const r2 = await runInSandbox(js(heap, { limits: { ...LIMITS, memoryMb: 96 } }), { scratchRoot: root });
    expect(r2.outcome).to.equal("memory");
  });

  it("stops an output flood at maxOutputBytes and keeps serving", async () => {
    const r = await runInSandbox(
      js("const s = 'x'.repeat(8192); for (;;) process.stdout.write(s);", {
        limits: { ...LIMITS, maxOutputBytes: 50_000 },
      }),
      { scratchRoot: root },
    );
    expect(r.outcome).to.equal("output-limit");
    expect(r.stdout.length).to.equal(50_000);
    const ok = await runInSandbox(js("console.log(6 * 7)"), { scratchRoot: root });
    expect(text(ok.stdout)).to.equal("42\n");
  });
});
