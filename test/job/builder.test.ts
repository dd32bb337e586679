/**
 * JobBuilder, every method: what each puts in the content-addressed spec and the market request,
 * immutability, bad input refused with typed errors (naming the field), and the terminal verbs
 * `estimate()` (sends nothing) and `submit()` (what lands on-chain) against Hardhat's chain.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexToBytes, keccak256, parseEther, zeroAddress } from "viem";

import { InvalidAmountError, UnknownTokenError, ValidationError } from "../../client/errors.ts";
import { DEFAULT_LIMITS, INLINE_SPEC_LIMIT, JobBuilder } from "../../client/job/JobBuilder.ts";
import { base64ToBytes } from "../../client/job/spec-encoding.ts";
import { decodeJobSpec } from "../../client/job/spec.ts";
import { jobCost } from "../../client/pool/cost.ts";
import type { Pool } from "../../client/pool/Pool.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import { deploySandrun } from "../pool/fixture.ts";

/** The ValidationError a call or promise fails with (fails the test if it does not). */
async function invalid(fn: () => unknown): Promise<ValidationError> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a ValidationError").to.be.instanceOf(ValidationError);
  return error as ValidationError;
}
const fields = (e: ValidationError) => e.issues.map((i) => i.field);

describe("JobBuilder methods (no chain)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sandrun-builder-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("every method returns a new frozen builder and leaves the one it was called on unchanged", () => {
    const b0 = new JobBuilder();
    const calls: [string, (b: JobBuilder) => JobBuilder][] = [
      ["code", (b) => b.code("x")],
      ["script", (b) => b.script("a.js")],
      ["runtime", (b) => b.runtime("wasm")],
      ["input", (b) => b.input("in")],
      ["args", (b) => b.args(["a"])],
      ["environment", (b) => b.environment({ A: "1" })],
      ["gpu", (b) => b.gpu(1)],
      ["memory", (b) => b.memory(1)],
      ["timeout", (b) => b.timeout("1s")],
      ["maxOutput", (b) => b.maxOutput(10)],
      ["payment", (b) => b.payment("1")],
      ["collateral", (b) => b.collateral("1")],
      ["consensus", (b) => b.consensus("majority-rule")],
      ["redundancy", (b) => b.redundancy(3)],
      ["windows", (b) => b.windows({ commit: 400 })],
      ["specUri", (b) => b.specUri("https://example.org/spec.json")],
      ["with", (b) => b.with({ id: "1" })],
    ];
    for (const [name, call] of calls) {
      const b1 = call(b0);
      expect(b1, name).to.not.equal(b0);
      expect(Object.isFrozen(b1) && Object.isFrozen(b1.state), name).to.equal(true);
      expect(b0.state, name).to.deep.equal({});
      expect(Object.keys(b1.state).length, name).to.be.greaterThan(0);
    }
    // Later calls replace, earlier builders keep theirs.
    const a = b0.code("one");
    const b = a.code("two");
    expect([a.state.code, b.state.code]).to.deep.equal(["one", "two"]);
  });

  it("code: text runs on js by default; bytes become base64 on wasm; code and script replace each other", async () => {
    const js = await new JobBuilder().code("console.log(1)").build();
    expect(js.spec).to.deep.equal({
      version: 1,
      runtime: "js",
      code: "console.log(1)",
      limits: DEFAULT_LIMITS,
    });
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const wasm = await new JobBuilder().code(bytes).build();
    expect(wasm.spec.runtime).to.equal("wasm");
    expect(base64ToBytes(wasm.spec.code)).to.deep.equal(bytes);
    expect(new JobBuilder().script("x.js").code("y").state.scriptPath).to.equal(undefined);
    expect(new JobBuilder().code("y").script("x.js").state.code).to.equal(undefined);
    expect(fields(await invalid(() => new JobBuilder().code("")))).to.deep.equal(["code"]);
    expect(fields(await invalid(() => new JobBuilder().code(42 as never)))).to.deep.equal(["code"]);
    expect(fields(await invalid(() => new JobBuilder().build()))).to.deep.equal(["code"]);
  });

  it("script: reads the file at build time and infers the runtime from its extension", async () => {
    const file = (name: string, body: string | Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, body);
      return p;
    };
    const py = await new JobBuilder().script(file("a.py", "print(1)\n")).build();
    expect([py.spec.runtime, py.spec.interpreter, py.spec.code]).to.deep.equal([
      "process",
      "python3",
      "print(1)\n",
    ]);
    const sh = await new JobBuilder().script(file("a.sh", "echo 1\n")).build();
    expect([sh.spec.runtime, sh.spec.interpreter]).to.deep.equal(["process", "bash"]);
    for (const ext of ["js", "mjs", "cjs"]) {
      const j = await new JobBuilder().script(file(`a.${ext}`, "console.log(1)")).build();
      expect([j.spec.runtime, j.spec.interpreter], ext).to.deep.equal(["js", undefined]);
    }
    const module = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const w = await new JobBuilder().script(file("m.wasm", module)).build();
    expect(w.spec.runtime).to.equal("wasm");
    expect(base64ToBytes(w.spec.code)).to.deep.equal(module);
    // An explicit runtime wins over the extension (a .txt of node code, a .js run by node in bwrap).
    const txt = file("prog.txt", "console.log(2)");
    expect((await new JobBuilder().script(txt).runtime("js").build()).spec.code).to.equal("console.log(2)");
    const viaNode = await new JobBuilder().script(file("b.js", "1")).runtime("process:node").build();
    expect([viaNode.spec.runtime, viaNode.spec.interpreter]).to.deep.equal(["process", "node"]);
    // Every problem at once: no runtime for .txt, and the file does not exist.
    const e = await invalid(() => new JobBuilder().script(join(dir, "missing.txt")).build());
    expect(fields(e)).to.deep.equal(["script", "script", "code"]);
    expect(e.issues[0]!.message).to.match(/cannot infer a runtime/);
    expect(e.issues[1]!.message).to.match(/cannot read/);
    expect(fields(await invalid(() => new JobBuilder().script("")))).to.deep.equal(["script"]);
  });

  it("runtime: wasm, js, process with an interpreter; anything else refused", async () => {
    expect((await new JobBuilder().code("AA==").runtime("wasm").build()).spec.runtime).to.equal("wasm");
    const b = await new JobBuilder().code("echo").runtime("process", "bash").build();
    expect([b.spec.runtime, b.spec.interpreter]).to.deep.equal(["process", "bash"]);
    const p = await new JobBuilder().code("print()").runtime("process:python3").build();
    expect(p.spec.interpreter).to.equal("python3");
    // Switching back to js drops the interpreter.
    const js = await new JobBuilder().code("1").runtime("process:bash").runtime("js").build();
    expect(js.spec.interpreter).to.equal(undefined);
    for (const bad of ["java", "process", "process:perl", "wasm:python3x"]) {
      expect(fields(await invalid(() => new JobBuilder().runtime(bad as never))), bad).to.deep.equal([
        "runtime",
      ]);
    }
    // wasm code must be base64 of a module: the spec check says so at build.
    const e = await invalid(() => new JobBuilder().code("not base64!").runtime("wasm").build());
    expect(fields(e)).to.deep.equal(["code"]);
  });

  it("input, args, environment go into the spec as given; bad ones are refused", async () => {
    const job = await new JobBuilder()
      .code("x")
      .input("hello\n")
      .args(["--n", "3"])
      .environment({ MODE: "fast", _X1: "" })
      .build();
    expect(job.spec.input).to.equal("hello\n");
    expect(job.spec.inputEncoding).to.equal(undefined);
    expect(job.spec.args).to.deep.equal(["--n", "3"]);
    expect(job.spec.env).to.deep.equal({ MODE: "fast", _X1: "" });
    const bin = await new JobBuilder()
      .code("x")
      .input(Uint8Array.from([0, 255, 10]))
      .build();
    expect(bin.spec.inputEncoding).to.equal("base64");
    expect(base64ToBytes(bin.spec.input!)).to.deep.equal(Uint8Array.from([0, 255, 10]));

    expect(fields(await invalid(() => new JobBuilder().input(5 as never)))).to.deep.equal(["input"]);
    expect(fields(await invalid(() => new JobBuilder().args("a" as never)))).to.deep.equal(["args"]);
    expect(fields(await invalid(() => new JobBuilder().args(["a", 1] as never)))).to.deep.equal(["args"]);
    expect(fields(await invalid(() => new JobBuilder().environment(null as never)))).to.deep.equal([
      "environment",
    ]);
    // Checked against the spec format at build: NUL bytes, bad names, too many.
    const e = await invalid(() =>
      new JobBuilder().code("x").args(["a\0b"]).environment({ "1BAD": "v", OK: "nul\0" }).build(),
    );
    expect(fields(e).sort()).to.deep.equal(["args.0", "env.1BAD", "env.OK"]);
    const many = Array.from({ length: 257 }, (_, i) => String(i));
    expect(fields(await invalid(() => new JobBuilder().code("x").args(many).build()))).to.deep.equal([
      "args",
    ]);
  });

  it("gpu, memory, timeout, maxOutput: limits in the spec and packed resources; bad values refused", async () => {
    const job = await new JobBuilder()
      .code("x")
      .gpu({ count: 2, type: " A100 ", memory: "80GB" })
      .memory("1.5GB")
      .timeout("2m")
      .maxOutput(4096)
      .build();
    expect(job.gpu).to.deep.equal({ count: 2, type: "a100", memoryGb: 80 });
    expect(job.spec.limits).to.deep.equal({ timeoutMs: 120_000, memoryMb: 1536, maxOutputBytes: 4096 });
    expect(job.memoryGb).to.equal(2); // rounded up
    expect(job.timeoutSeconds).to.equal(120);
    expect(job.resources).to.equal(2n | (1536n << 8n) | (120n << 40n));
    expect((await new JobBuilder().code("x").gpu({ type: "h100" }).build()).gpu.count).to.equal(1);
    expect((await new JobBuilder().code("x").memory(2).build()).spec.limits.memoryMb).to.equal(2048);
    expect((await new JobBuilder().code("x").memory("512MiB").build()).spec.limits.memoryMb).to.equal(512);
    for (const [input, ms] of [
      ["500ms", 500],
      ["30s", 30_000],
      ["5m", 300_000],
      ["1h", 3_600_000],
      [1500, 1500],
    ] as const) {
      const j = await new JobBuilder().code("x").timeout(input).build();
      expect(j.spec.limits.timeoutMs, String(input)).to.equal(ms);
      expect(j.timeoutSeconds, String(input)).to.equal(Math.ceil(ms / 1000));
    }
    // Commit window default: 2 × timeout + 120 s, at least 300 s; reveal 300 s.
    expect((await new JobBuilder().code("x").timeout("10m").build()).commitWindow).to.equal(1320);
    expect((await new JobBuilder().code("x").build()).commitWindow).to.equal(300);

    for (const bad of [256, -1, 1.5]) {
      expect(fields(await invalid(() => new JobBuilder().gpu(bad))), String(bad)).to.deep.equal([
        "gpu.count",
      ]);
    }
    expect(
      fields(await invalid(() => new JobBuilder().gpu({ count: 1, memory: "lots" as never }))),
    ).to.deep.equal(["gpu.memory"]);
    expect(fields(await invalid(() => new JobBuilder().gpu({ type: "" })))).to.deep.equal(["gpu.type"]);
    for (const bad of [null, "2", true]) {
      expect(fields(await invalid(() => new JobBuilder().gpu(bad as never))), String(bad)).to.deep.equal([
        "gpu",
      ]);
    }
    for (const bad of [0, -2, Number.NaN, "lots", "12TB"]) {
      expect(fields(await invalid(() => new JobBuilder().memory(bad as never))), String(bad)).to.deep.equal([
        "memory",
      ]);
    }
    // Within the builder's syntax but beyond the spec's bounds: refused at build, naming the limit.
    expect(fields(await invalid(() => new JobBuilder().code("x").memory(65).build()))).to.deep.equal([
      "limits.memoryMb",
    ]);
    expect(fields(await invalid(() => new JobBuilder().code("x").memory("0MB").build()))).to.deep.equal([
      "limits.memoryMb",
    ]);
    expect(fields(await invalid(() => new JobBuilder().code("x").timeout("25h").build()))).to.deep.equal([
      "limits.timeoutMs",
    ]);
    for (const bad of ["0s", "1d", "soon", -5, 1.5, 0]) {
      expect(fields(await invalid(() => new JobBuilder().timeout(bad))), String(bad)).to.deep.equal([
        "timeout",
      ]);
    }
    expect(fields(await invalid(() => new JobBuilder().maxOutput(0)))).to.deep.equal(["maxOutput"]);
  });

  it("payment, collateral, consensus, redundancy, windows, specUri, with: kept as given; bad ones refused", async () => {
    const job = await new JobBuilder()
      .code("x")
      .payment(" 0.25 ", "ETH")
      .collateral("0.1")
      .consensus("3-of-5")
      .redundancy(5)
      .windows({ commit: 600, reveal: 120 })
      .with({ id: "7" })
      .build();
    expect(job.payment).to.deep.equal({ amount: "0.25", token: "ETH" });
    expect(job.collateral).to.equal("0.1");
    expect([job.consensus, job.redundancy]).to.deep.equal(["3-of-5", 5]);
    expect([job.commitWindow, job.revealWindow]).to.deep.equal([600, 120]);
    expect(job.pool?.id).to.equal("7");
    expect(job.specUri).to.equal("");
    expect((await new JobBuilder().code("x").payment("1").build()).payment?.token).to.equal("ETH");

    for (const bad of ["abc", "-1", "1e18", "", "0x10", 5]) {
      expect(fields(await invalid(() => new JobBuilder().payment(bad as never))), String(bad)).to.deep.equal([
        "payment",
      ]);
    }
    expect(fields(await invalid(() => new JobBuilder().collateral("many")))).to.deep.equal(["collateral"]);
    expect(fields(await invalid(() => new JobBuilder().consensus("unanimous" as never)))).to.deep.equal([
      "consensus",
    ]);
    for (const bad of [0, 17, 2.5]) {
      expect(fields(await invalid(() => new JobBuilder().redundancy(bad))), String(bad)).to.deep.equal([
        "redundancy",
      ]);
    }
    // A pair the contract refuses is refused at build.
    const pair = await invalid(() =>
      new JobBuilder().code("x").consensus("fastest-wins").redundancy(3).build(),
    );
    expect(pair.issues[0]!.message).to.match(/fastest-wins needs redundancy 1/);
    expect(fields(await invalid(() => new JobBuilder().windows({ commit: 0 })))).to.deep.equal([
      "windows.commit",
    ]);
    expect(fields(await invalid(() => new JobBuilder().windows({ reveal: 2 ** 32 })))).to.deep.equal([
      "windows.reveal",
    ]);
    expect(fields(await invalid(() => new JobBuilder().specUri("ftp://x")))).to.deep.equal(["specUri"]);
    expect(fields(await invalid(() => new JobBuilder().with({} as never)))).to.deep.equal(["with"]);
    expect(fields(await invalid(() => new JobBuilder().with(null as never)))).to.deep.equal(["with"]);
  });

  it("build: a canonical content address, the same whatever order the methods were called in", async () => {
    const a = await new JobBuilder()
      .code("x")
      .args(["1"])
      .environment({ B: "2", A: "1" })
      .timeout("3s")
      .build();
    const b = await new JobBuilder()
      .timeout(3000)
      .environment({ A: "1", B: "2" })
      .args(["1"])
      .code("x")
      .build();
    expect(a.specHash).to.equal(b.specHash);
    expect(a.specHash).to.equal(keccak256(a.specBytes));
    expect(decodeJobSpec(a.specBytes)).to.deep.equal(a.spec);
    const c = await new JobBuilder()
      .code("x")
      .args(["2"])
      .environment({ B: "2", A: "1" })
      .timeout("3s")
      .build();
    expect(c.specHash).to.not.equal(a.specHash);
    expect(Object.isFrozen(a) && Object.isFrozen(a.gpu)).to.equal(true);

    // Over the inline limit: needs a URI; with one, the spec goes by URI.
    const big = new JobBuilder().code(`// ${"x".repeat(INLINE_SPEC_LIMIT)}`);
    expect(fields(await invalid(() => big.build()))).to.deep.equal(["specUri"]);
    const byUri = await big.specUri("https://example.org/big.json").build();
    expect(byUri.specUri).to.equal("https://example.org/big.json");
    expect(byUri.specBytes.length).to.be.greaterThan(INLINE_SPEC_LIMIT);
  });

  it("estimate and submit need a pool", async () => {
    expect(fields(await invalid(() => new JobBuilder().code("x").estimate()))).to.deep.equal(["with"]);
    expect(fields(await invalid(() => new JobBuilder().code("x").submit()))).to.deep.equal(["with"]);
    // A bare { id } names a pool but cannot post to it.
    expect(fields(await invalid(() => new JobBuilder().code("x").with({ id: "1" }).submit()))).to.deep.equal([
      "with",
    ]);
  });
});

describe("JobBuilder estimate and submit on Hardhat's chain", function () {
  this.timeout(60_000);

  async function setup() {
    const f = await deploySandrun();
    // Five A100 nodes, priced 1..5 milli-ETH per GPU-hour; one H100 node outside the pool.
    await f.seed([1, 2, 3, 4, 5].map((k) => ({ prices: { gpuHour: parseEther(`0.00${k}`) } })));
    const pool: Pool = await new PoolBuilder(f.context)
      .discover({ minNodes: 5, maxNodes: 5 })
      .consensus("2-of-3")
      .verification("standard")
      .join();
    return { f, pool };
  }

  it("estimate: the default price is the dearest eligible member's cost; sends nothing; infeasible shapes say so", async () => {
    const { f, pool } = await setup();
    const builder = new JobBuilder().code("console.log(1)").gpu(2).timeout("30m").with(pool);
    const before = await f.publicClient.getBlockNumber();
    const est = await builder.estimate();
    expect(await f.publicClient.getBlockNumber()).to.equal(before);
    const job = await builder.build();
    const costs = pool.records.map((r) => jobCost(r.prices, { gpus: 2, cpuCores: 1, memoryGb: 1 }, 1800));
    const dearest = costs.reduce((a, b) => (b > a ? b : a));
    expect(parseEther(est.pricePerNode)).to.equal(dearest);
    expect(parseEther(est.escrow)).to.equal(dearest * 3n);
    expect(est).to.deep.include({
      token: "ETH",
      redundancy: 3,
      consensus: "2-of-3",
      eligibleNodes: 5,
      feasible: true,
      specBytes: job.specBytes.length,
      inline: true,
    });

    // A payment cap leaves only the members it covers.
    const capped = await builder.payment("0.0017").estimate();
    const covered = costs.filter((c) => c <= parseEther("0.0017")).length;
    expect([capped.eligibleNodes, capped.feasible]).to.deep.equal([covered, covered >= 3]);
    expect(capped.escrow).to.equal("0.0051");
    // The job's own consensus and redundancy.
    const majority = await builder.consensus("majority-rule").redundancy(5).estimate();
    expect([majority.redundancy, majority.consensus, majority.feasible]).to.deep.equal([
      5,
      "majority-rule",
      true,
    ]);
    // Shapes no member has: more GPUs, another model, more memory per GPU, more memory.
    for (const b of [
      builder.gpu(9),
      builder.gpu({ count: 1, type: "h100" }),
      builder.gpu({ count: 1, memory: "81GB" }),
      builder.memory(600),
    ]) {
      const e = await b
        .payment("1")
        .estimate()
        .catch((x: unknown) => x);
      if (e instanceof ValidationError) {
        expect(fields(e)).to.deep.equal(["limits.memoryMb"]); // 600 GB is past the spec's bound
        continue;
      }
      expect((e as { eligibleNodes: number }).eligibleNodes).to.equal(0);
      expect((e as { feasible: boolean }).feasible).to.equal(false);
    }
    // Redundancy the pool's strategy cannot use: refused before anything is sent.
    const e = await invalid(() => builder.redundancy(5).estimate());
    expect(e.issues[0]!.message).to.match(/2-of-3 needs redundancy 3/);
    await invalid(() => builder.redundancy(5).submit());
    expect(await f.publicClient.getBlockNumber()).to.equal(before);
    // Tokens the deployment does not know, and amounts finer than the token: typed errors.
    const unknown = await builder
      .payment("1", "DOGE")
      .estimate()
      .catch((x: unknown) => x);
    expect(unknown).to.be.instanceOf(UnknownTokenError);
    const fine = await builder
      .payment("0.0000000000000000001")
      .submit()
      .catch((x: unknown) => x);
    expect(fine).to.be.instanceOf(InvalidAmountError);
    expect(await f.publicClient.getBlockNumber()).to.equal(before);
  });

  it("submit: the job on-chain carries the spec, consensus, redundancy, price, windows; escrow is n × price exactly", async () => {
    const { f, pool } = await setup();
    const builder = new JobBuilder()
      .code("console.log(6 * 7)")
      .input("in")
      .args(["a"])
      .environment({ K: "v" })
      .gpu({ count: 1, type: "a100" })
      .memory("512MB")
      .timeout("90s")
      .payment("0.003", "ETH")
      .consensus("majority-rule")
      .redundancy(4)
      .windows({ commit: 900, reveal: 450 })
      .with(pool);
    const job = await builder.build();
    const marketBefore = await f.publicClient.getBalance({ address: f.addresses.jobMarket });
    const execution = await builder.submit();
    const marketAfter = await f.publicClient.getBalance({ address: f.addresses.jobMarket });
    expect(marketAfter - marketBefore).to.equal(parseEther("0.003") * 4n);

    const onChain = await f.market.read.job([BigInt(execution.id)]);
    expect(onChain.poolId.toString()).to.equal(pool.id);
    expect(onChain.n).to.equal(4);
    expect(onChain.strategy).to.equal(1); // majority-rule
    expect(onChain.level).to.equal(1); // the pool's standard
    expect(onChain.pricePerNode).to.equal(parseEther("0.003"));
    expect(onChain.token).to.equal(zeroAddress);
    expect(onChain.requester.toLowerCase()).to.equal(f.requester.account.address.toLowerCase());
    expect(onChain.revealDeadline - onChain.commitDeadline).to.equal(450);
    const events = await execution.events();
    const posted = events.find((e) => e.eventName === "JobPosted")!;
    const spec = events.find((e) => e.eventName === "JobSpec")!;
    // The spec hash is in JobPosted (the standard level does not store it: only commits need it).
    expect(posted.args.specHash).to.equal(job.specHash);
    expect(keccak256(hexToBytes(spec.args.inlineSpec as `0x${string}`))).to.equal(job.specHash);
    const block = await f.publicClient.getBlock({ blockNumber: posted.blockNumber });
    expect(onChain.commitDeadline).to.equal(Number(block.timestamp) + 900);
    expect(hexToBytes(spec.args.inlineSpec as `0x${string}`)).to.deep.equal(job.specBytes);
    expect(spec.args.resources).to.equal(job.resources);
    expect((await execution.status()).phase).to.equal("waiting-for-nodes");

    // Without consensus or redundancy the pool's apply; without a payment, the quote.
    const plain = await new JobBuilder().code("console.log(1)").with(pool).submit();
    const p = await f.market.read.job([BigInt(plain.id)]);
    expect([p.n, p.strategy]).to.deep.equal([3, 2]);
    expect(p.pricePerNode).to.equal(
      parseEther((await pool.quoteJob(await new JobBuilder().code("x").build())).amount),
    );
  });
});
