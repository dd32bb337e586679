/**
 * Fails when the production contracts' line coverage is below the threshold. Reads the LCOV
 * report Hardhat writes on `hardhat test --coverage` (coverage/lcov.info), keeps the
 * production sources (contracts/, not the mocks under contracts/test/ nor `*.t.sol` tests),
 * prints each file's figure with its uncovered lines, then the total.
 *
 * Usage: node scripts/check-coverage.ts [--min 95] [--per-file-min 95] [--lcov coverage/lcov.info]
 *   --min           total line coverage required, percent (default 95)
 *   --per-file-min  line coverage every production file must reach, percent (default 95)
 * Exit status 1 when a threshold is missed or the report is missing or holds no contract.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

const root = join(import.meta.dirname, "..");

interface FileCoverage {
  path: string;
  /** Line number → whether any statement on it ran. */
  lines: Map<number, boolean>;
}

/** Parses LCOV `SF:` / `DA:line,count` / `end_of_record` records. */
function parseLcov(text: string): FileCoverage[] {
  const files: FileCoverage[] = [];
  let current: FileCoverage | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("SF:")) {
      current = { path: line.slice(3), lines: new Map() };
      files.push(current);
    } else if (line.startsWith("DA:") && current !== undefined) {
      const [n, count] = line.slice(3).split(",");
      const lineNo = Number(n);
      current.lines.set(lineNo, (current.lines.get(lineNo) ?? false) || Number(count) > 0);
    } else if (line === "end_of_record") {
      current = undefined;
    }
  }
  return files;
}

/** Production contracts: under contracts/, neither a mock under contracts/test/ nor a test. */
function isProduction(path: string): boolean {
  const p = path.replaceAll("\\", "/");
  return p.startsWith("contracts/") && !p.startsWith("contracts/test/") && !p.endsWith(".t.sol");
}

/** "3, 7-9, 12" from sorted line numbers. */
function ranges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

/** Percent with two decimals, rounded down so a figure printed as 95.00 really is ≥ 95. */
function percent(hit: number, total: number): string {
  return total === 0 ? "100.00" : (Math.floor((hit * 10_000) / total) / 100).toFixed(2);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      min: { type: "string", default: "95" },
      "per-file-min": { type: "string", default: "95" },
      lcov: { type: "string", default: join(root, "coverage", "lcov.info") },
    },
  });
  const min = Number(values.min);
  const perFileMin = Number(values["per-file-min"]);
  if (!Number.isFinite(min) || !Number.isFinite(perFileMin))
    throw new Error("--min and --per-file-min take numbers");
  if (!existsSync(values.lcov)) {
    console.error(
      `check-coverage: ${relative(root, values.lcov)} not found; run \`hardhat test --coverage\` first`,
    );
    process.exit(1);
  }
  const files = parseLcov(readFileSync(values.lcov, "utf8"))
    .filter((f) => isProduction(f.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  if (files.length === 0) {
    console.error("check-coverage: the report holds no production contract");
    process.exit(1);
  }

  let hitTotal = 0;
  let linesTotal = 0;
  const below: string[] = [];
  const width = Math.max(...files.map((f) => f.path.length));
  console.log(`\nContract line coverage (${relative(root, values.lcov)}, mocks and tests excluded)`);
  for (const f of files) {
    const missed = [...f.lines].filter(([, ran]) => !ran).map(([n]) => n);
    missed.sort((a, b) => a - b);
    const hit = f.lines.size - missed.length;
    hitTotal += hit;
    linesTotal += f.lines.size;
    // Compare in integers: hit / total >= perFileMin / 100.
    if (hit * 100 < perFileMin * f.lines.size) below.push(f.path);
    const pct = percent(hit, f.lines.size).padStart(6);
    const uncovered = missed.length === 0 ? "" : `  uncovered: ${ranges(missed)}`;
    console.log(`  ${f.path.padEnd(width)}  ${pct}%  ${hit}/${f.lines.size}${uncovered}`);
  }
  console.log(
    `  ${"Total".padEnd(width)}  ${percent(hitTotal, linesTotal).padStart(6)}%  ${hitTotal}/${linesTotal}\n`,
  );

  let failed = false;
  if (hitTotal * 100 < min * linesTotal) {
    console.error(`check-coverage: total line coverage ${percent(hitTotal, linesTotal)}% is below ${min}%`);
    failed = true;
  }
  for (const path of below) {
    console.error(`check-coverage: ${path} is below ${perFileMin}% line coverage`);
    failed = true;
  }
  if (failed) process.exit(1);
  console.log(`check-coverage: total ≥ ${min}% and every contract ≥ ${perFileMin}%`);
}

main();
