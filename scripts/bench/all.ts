/**
 * Runs every benchmark and merges their outputs into `bench/results.json` (machine-readable)
 * and `bench/RESULTS.md` (a table with machine, date, commit and the targets each figure
 * meets or misses).
 *
 * Each benchmark is a script of its own that writes `bench/<name>.json`; this file only runs
 * them and assembles the report, so any one of them can be run by hand.
 *
 *   node scripts/bench/all.ts           # the full run (a few minutes on 2 cores)
 *   node scripts/bench/all.ts --tiny    # a smoke run on tiny sizes (what the tests use)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

import { BENCHMARKS, TARGETS, checkTargets } from "./targets.ts";

const root = join(import.meta.dirname, "..", "..");
const tiny = process.argv.includes("--tiny");
const outDir = tiny ? join(root, "bench", ".tmp") : join(root, "bench");

const sections: Record<string, unknown> = {};
const failures: string[] = [];
for (const bench of BENCHMARKS) {
  const script = join(root, "scripts", "bench", `${bench.script}.ts`);
  if (!existsSync(script)) {
    failures.push(`${bench.script}: script missing`);
    continue;
  }
  const started = Date.now();
  const args = [script, "--out", outDir, ...(tiny ? ["--tiny"] : [])];
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    failures.push(`${bench.script}: exited ${run.status ?? run.signal}`);
    continue;
  }
  const file = join(outDir, `${bench.script}.json`);
  const data = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    const existing = sections[key];
    sections[key] =
      existing && typeof existing === "object" && typeof value === "object"
        ? { ...existing, ...value }
        : value;
  }
  console.log(`bench ${bench.script}: done in ${seconds}s`);
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const results = {
  machine,
  date: new Date().toISOString(),
  commit: git(["rev-parse", "--short", "HEAD"]),
  tiny,
  ...sections,
};
const checks = checkTargets(results);
writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");

const lines = [
  "# Benchmark results",
  "",
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}.`,
  `Date: ${results.date}. Commit: ${results.commit}.${tiny ? " TINY SMOKE RUN — not representative." : ""}`,
  "",
  "Produced by `npm run bench` (`scripts/bench/all.ts`); raw figures in `bench/results.json`.",
  "Times are medians after a warm-up; gas is exact.",
  "",
  "## Targets",
  "",
  "| figure | measured | target | |",
  "| --- | ---: | --- | --- |",
  ...checks.map((c) => `| ${c.name} | ${c.measured ?? "not measured"} | ${c.target} | ${c.verdict} |`),
  "",
];
for (const [key, value] of Object.entries(sections)) {
  lines.push(`## ${key}`, "", "| entry | value |", "| --- | ---: |");
  for (const [name, v] of flatten(value)) lines.push(`| ${name} | ${v} |`);
  lines.push("");
}
if (failures.length) lines.push("## Benchmarks that did not run", "", ...failures.map((f) => `- ${f}`), "");
writeFileSync(join(outDir, "RESULTS.md"), lines.join("\n"));
console.log(`wrote ${join(outDir, "results.json")} and RESULTS.md; ${TARGETS.length} targets checked`);
if (failures.length) {
  console.error(`benchmarks that failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}

function flatten(value: unknown, prefix = ""): [string, string][] {
  if (value === null || typeof value !== "object") return [[prefix || "value", String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    flatten(v, prefix ? `${prefix}.${k}` : k),
  );
}
