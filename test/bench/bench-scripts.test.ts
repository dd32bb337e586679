/**
 * The benchmark scripts still run: `node scripts/bench/all.ts --tiny` (every benchmark on a
 * tiny size, as a real child process with its own hardhat node and worker processes) exits 0
 * and writes bench/.tmp/results.json with every section the benchmarks issue asks for, holding
 * numbers that make sense, and bench/.tmp/RESULTS.md with a verdict for every target.
 * The figures of a tiny run mean nothing; only their presence and sanity are checked.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

import { BENCHMARKS, TARGETS } from "../../scripts/bench/targets.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const OUT = join(ROOT, "bench", ".tmp");

type Results = Record<string, Record<string, unknown>>;

/** A positive finite number at `obj[key]`. */
function positive(obj: Record<string, unknown> | undefined, key: string, where: string): number {
  const v = obj?.[key];
  expect(v, `${where}.${key}`).to.be.a("number");
  expect(Number.isFinite(v) && (v as number) > 0, `${where}.${key} = ${String(v)} is not > 0`).to.equal(true);
  return v as number;
}

describe("benchmark scripts (tiny run of scripts/bench/all.ts)", function () {
  this.timeout(180_000);
  let results: Results;
  let report: string;

  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "bench", "all.ts"), "--tiny"], {
      cwd: ROOT,
      timeout: 170_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    results = JSON.parse(readFileSync(join(OUT, "results.json"), "utf8")) as Results;
    report = readFileSync(join(OUT, "RESULTS.md"), "utf8");
  });

  it("writes every benchmark's own file and marks the run as tiny", () => {
    for (const b of BENCHMARKS) {
      const own = JSON.parse(readFileSync(join(OUT, `${b.script}.json`), "utf8")) as object;
      expect(Object.keys(own).length, b.script).to.be.greaterThan(0);
    }
    expect(results.tiny).to.equal(true);
    positive(results.seconds, "total", "seconds");
  });

  it("has the gas lifecycles and the anchor ratio", () => {
    for (const key of [
      "lifecycle_2of3_nodeSent",
      "lifecycle_2of3_nodeSent_firstJob",
      "lifecycle_2of3_strict_nodeSent",
      "lifecycle_2of3_strict_nodeSent_firstJob",
      "lifecycle_2of3_strict_batched",
      "lifecycle_3of5_strict_nodeSent",
      "lifecycle_bft4_strict_batched",
      "batch20_perJob",
      "register",
      "heartbeat",
      "post",
      "takeSlot",
      "commit",
      "reveal",
      "report",
      "settle",
      "withdraw",
      "topUpJob",
    ])
      expect(Number.isInteger(positive(results.gas, key, "gas")), key).to.equal(true);
    const anchor = results.anchor!;
    expect(anchor.lifecycle_2of3).to.equal(747_155);
    expect(anchor.source)
      .to.be.a("string")
      .and.match(/solc 0\.8\.37.*200 runs/);
    const ratio = positive(anchor, "ratio", "anchor");
    expect(ratio).to.be.closeTo((results.gas!.lifecycle_2of3_nodeSent as number) / 747_155, 1e-4);
  });

  it("has discovery, schedule and sandbox figures", () => {
    for (const k of ["nodes", "rpcCalls", "ms"]) positive(results.discovery, k, "discovery");
    for (const k of ["jobs", "nodes", "ms"]) positive(results.schedule, k, "schedule");
    expect(positive(results.schedule, "costOverLowerBound", "schedule")).to.be.at.least(1);
    for (const runtime of ["wasm", "js", "process"]) {
      const r = results.sandbox![runtime] as Record<string, unknown>;
      positive(r, "startupMs", `sandbox.${runtime}`);
      positive(r, "overheadRatio", `sandbox.${runtime}`);
    }
  });

  it("has an end-to-end run in which worker processes settled jobs", () => {
    const e = results.e2e!;
    for (const k of ["workers", "jobs", "jobsPerSecond", "rpcCallsPerJob", "gasPerJob"])
      positive(e, k, "e2e");
    // A strict 2-of-3 job is at least a post, three commits and three reveals.
    expect(e.transactionsPerJob).to.be.at.least(7);
    expect(e.gasPerJob as number).to.be.greaterThan(results.gas!.lifecycle_2of3_strict_nodeSent as number);
  });

  it("reports a verdict for every target", () => {
    for (const t of TARGETS) expect(report, t.name).to.include(`| ${t.name} |`);
    expect(report).to.include("TINY SMOKE RUN");
    expect(report).to.not.include("Benchmarks that did not run");
  });
});
