/**
 * What the workers say, in words: a node accepting a job, its sandbox run (exit code, wall
 * time, output digest), a refusal. Read from the workers' own structured log lines, so it
 * is what the sandbox really did.
 */
import { c, event, warn } from "./console.ts";
import { eth, type Names } from "./watch.ts";
import type { WorkerLine } from "./workers.ts";

const short = (hex: unknown): string => `${String(hex).slice(0, 10)}…`;

/** Prints one worker line when it tells the newcomer something. */
export function showWorkerLine(line: WorkerLine, names: Names, dishonest: ReadonlySet<string>): void {
  const f = line.fields;
  const who = c.bold(names.nodes.get(line.nodeId ?? "") ?? `node ${line.nodeId ?? "?"}`);
  switch (line.msg) {
    case "accepted job":
      return event(
        "worker",
        `${who} decides to take job ${String(f.jobId)} (its price: ${eth(BigInt(String(f.quote)))})`,
      );
    case "job executed": {
      const lie = line.nodeId !== undefined && dishonest.has(line.nodeId);
      return event(
        "sandbox",
        `${who} ran job ${String(f.jobId)}: exit ${String(f.exitCode)} in ${Math.round(Number(f.wallMs))} ms, digest ${short(f.digest)}` +
          (lie ? c.red(" (corrupted on purpose)") : ""),
      );
    }
    case "job refused":
      return event("sandbox", c.yellow(`${who} refused job ${String(f.jobId)}: ${String(f.err)}`));
    default:
      // Warnings and errors are worth a line; routine info is not.
      if (line.level >= 50) warn(`${who} worker: ${line.msg}${f.err ? ` (${String(f.err)})` : ""}`);
  }
}
