/**
 * `npm start` as a newcomer runs it: `node scripts/demo.ts` as a child process (the repo's
 * Node 22), on the in-process chain and against a real `hardhat node` with worker processes.
 * Each run must exit 0 and its summary must show every job ended, payments credited and the
 * dishonest node slashed — all read from the printed summary, which the demo builds from chain
 * events and real sandbox runs.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";

import { freePort, startHardhatNode, stopProcess } from "./e2e/harness.ts";

const ROOT = join(import.meta.dirname, "..");

type Run = { code: number | null; out: string };

/** Runs the demo with `args`; resolves with its exit code and everything it printed. */
function runDemo(args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "demo.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`demo did not finish in ${timeoutMs} ms; output so far:\n${out}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** The rows of the summary table that follows `title`, split into cells. */
function tableRows(out: string, title: string): string[][] {
  const lines = out.slice(out.indexOf(title)).split("\n").slice(1);
  const start = lines.findIndex((l) => /^\s+-{2,}/u.test(l)) + 1;
  const rows: string[][] = [];
  for (const l of lines.slice(start)) {
    if (l.trim() === "" || l.startsWith("==")) break;
    rows.push(l.trim().split(/\s{2,}/u));
  }
  return rows;
}

/** Checks everything the summary must show. */
function checkSummary(run: Run): void {
  const { code, out } = run;
  expect(code, out).to.equal(0);
  expect(out, "no stack traces for a newcomer").not.to.match(/\n\s+at .+:\d+:\d+/u);

  // Every job ended, with an agreed result.
  const ended = /(\d+) of (\d+) jobs ended/u.exec(out);
  expect(ended, out).to.not.equal(null);
  expect(Number(ended![1])).to.equal(Number(ended![2]));
  const jobs = tableRows(out, "Summary: jobs");
  expect(jobs.length).to.equal(Number(ended![2]));
  expect(jobs.length).to.be.at.least(4); // js, wasm and a scheduled batch at least
  const runtimes = new Set(jobs.map((r) => r[2]!.split(" ")[0]));
  expect([...runtimes]).to.include.members(["js", "wasm"]);
  for (const row of jobs) expect(row.at(-1), row.join(" | ")).to.match(/^paid /u);

  // Payments credited, and the honest nodes earned.
  const payments = /(\d+) payments credited \(([\d.]+) ETH/u.exec(out);
  expect(payments, out).to.not.equal(null);
  expect(Number(payments![1])).to.be.greaterThan(0);
  const nodes = tableRows(out, "Summary: nodes");
  expect(nodes.map((r) => r[0])).to.deep.equal(["atlas", "borealis", "mallory", "kestrel", "tern", "wren"]);
  for (const row of nodes.filter((r) => r[0] !== "mallory")) {
    const earned = /^([\d.]+) ETH$/u.exec(row[4]!);
    expect(earned, row.join(" | ")).to.not.equal(null);
    if (Number(row[3]) > 0) expect(Number(earned![1]), row.join(" | ")).to.be.greaterThan(0);
  }

  // The dishonest node was slashed: its bond is below 1 ETH and the summary says by how much.
  const mallory = nodes.find((r) => r[0] === "mallory")!;
  expect(mallory.at(-1), mallory.join(" | ")).to.match(/^0\.\d+ ETH \(slashed 0\.\d+ ETH\)$/u);
  expect(out).to.match(/mallory lied, was outvoted and lost 0\.\d+ ETH of its bond/u);
  expect(out).to.match(/slash\s+mallory loses [\d.]+ ETH of its bond/u);
}

describe("npm start (scripts/demo.ts)", function () {
  this.timeout(180_000);

  it("runs on the in-process chain, slashes the dishonest node, pays the others and exits 0", async () => {
    checkSummary(await runDemo([], 90_000));
  });

  it("runs with --rpc against hardhat node, workers as separate processes", async () => {
    const port = await freePort();
    const hardhat = await startHardhatNode(port, mkdtempSync(join(tmpdir(), "sandrun-demo-test-")));
    try {
      const run = await runDemo(["--rpc", `http://127.0.0.1:${port}`], 90_000);
      expect(run.out).to.include("Each node's worker runs as its own process");
      checkSummary(run);
    } finally {
      await stopProcess(hardhat, "SIGKILL");
    }
  });

  it("refuses a malformed --rpc with a usage line and exit code 2", async () => {
    const run = await runDemo(["--rpc", "not-a-url"], 30_000);
    expect(run.code).to.equal(2);
    expect(run.out).to.include("--rpc must be an http(s) or ws(s) URL");
    expect(run.out).to.include("usage: npm start");
  });
});
