/**
 * The demo's jobs, submitted with the client's JobBuilder: one to the quick pool
 * (`sandrun.job()…with(pool).submit()`), two to the high-reliability pool (the dishonest node
 * is one of its three members), and a batch to the budget pool through `Pool.schedule(jobs,
 * { post: true })`. Then every execution is followed to its end (`execution.wait()`) and its
 * agreed output fetched and checked against the agreed digest (`execution.download()`).
 */
import type { Job } from "../../client/job/JobBuilder.ts";
import type { JobExecution, JobResult } from "../../client/job/JobExecution.ts";
import type { DemoPools } from "./pools.ts";
import type { requesterRoot } from "./roots.ts";
import { c, say, warn } from "./console.ts";
import {
  ANSWER_SH,
  FIBONACCI_JS,
  PRIMES_JS,
  WORDS_PY,
  hasBubblewrap,
  hasPython,
  type WasmPrograms,
} from "./programs.ts";
import { eth, type Names } from "./watch.ts";

type Root = ReturnType<typeof requesterRoot>;

/** Every job gets this wall-time limit; the quote and the node's metering use it. */
const TIMEOUT = "20s";
/** What a node in the high-reliability pool stakes per job, and loses if it lies. */
const RELIABLE_COLLATERAL = "0.05";

/** A submitted job and what the summary says about it. */
export type DemoJob = {
  readonly label: string;
  readonly runtime: string;
  readonly pool: string;
  readonly strategy: string;
  readonly execution: JobExecution;
  result?: JobResult;
  output?: string;
  error?: string;
};

/** Submits every job; returns them in submission order. */
export async function submitJobs(
  sandrun: Root,
  pools: DemoPools,
  wasm: WasmPrograms,
  names: Names,
  onSubmitted: () => Promise<void>,
): Promise<DemoJob[]> {
  const jobs: DemoJob[] = [];
  const process = hasBubblewrap();
  if (!process)
    warn(
      "bubblewrap (/usr/bin/bwrap) is missing: the Python and bash jobs are skipped (apt-get install bubblewrap)",
    );
  const add = async (
    label: string,
    runtime: string,
    pool: DemoPools[keyof DemoPools],
    execution: JobExecution,
  ) => {
    jobs.push({
      label,
      runtime,
      pool: names.pools.get(pool.id) ?? pool.id,
      strategy: pool.consensus,
      execution,
    });
    say(`submitted job ${execution.id}: ${label} (${runtime}) to ${names.pools.get(pool.id)}`);
    await onSubmitted();
  };

  // Quick pool: a JavaScript job, the first result wins.
  await add(
    "count primes",
    "js",
    pools.quick,
    await sandrun.job().code(PRIMES_JS).runtime("js").timeout(TIMEOUT).with(pools.quick).submit(),
  );

  // High-reliability pool: three nodes each run it; one of them lies.
  await add(
    "sum of squares",
    "wasm",
    pools.reliable,
    await sandrun
      .job()
      .code(wasm.sumOfSquares)
      .timeout(TIMEOUT)
      .collateral(RELIABLE_COLLATERAL)
      .with(pools.reliable)
      .submit(),
  );
  const python = process && hasPython();
  if (process && !python) warn("python3 is not installed: the Python job is skipped");
  if (python)
    await add(
      "word count",
      "process (python3)",
      pools.reliable,
      await sandrun
        .job()
        .code(WORDS_PY)
        .runtime("process", "python3")
        .timeout(TIMEOUT)
        .collateral(RELIABLE_COLLATERAL)
        .with(pools.reliable)
        .submit(),
    );

  // Budget pool: a batch, assigned to the cheapest machines by Pool.schedule and posted at once.
  const batch: { label: string; runtime: string; job: Job }[] = [
    {
      label: "fibonacci",
      runtime: "js",
      job: await sandrun.job().code(FIBONACCI_JS).timeout(TIMEOUT).build(),
    },
    {
      label: "shout",
      runtime: "wasm",
      job: await sandrun
        .job()
        .code(wasm.upper)
        .input("hello from the budget pool\n")
        .timeout(TIMEOUT)
        .build(),
    },
  ];
  if (process)
    batch.push({
      label: "answer",
      runtime: "process (bash)",
      job: await sandrun.job().code(ANSWER_SH).runtime("process", "bash").timeout(TIMEOUT).build(),
    });
  // Each machine offers 40 s of job time to this batch (two 20 s jobs), so the cheapest one
  // cannot take everything and the scheduler spreads the rest at the least extra cost.
  const schedule = await pools.budget.schedule(
    batch.map((b) => b.job),
    { post: true, capacitySeconds: 40 },
  );
  say(
    `Pool.schedule placed ${schedule.assignments.length} job(s) for ${schedule.totalCostFormatted} ${schedule.tokenSymbol} in total, done in ${schedule.makespan} s at worst:`,
  );
  for (const a of schedule.assignments) {
    const b = batch[Number(a.jobId)]!;
    const who = a.nodeIds.map((id) => names.nodes.get(id.toString()) ?? id.toString()).join(", ");
    say(`  ${b.label} -> ${who} (${eth(a.nodeCosts.reduce((x, y) => x + y, 0n))})`);
  }
  for (const u of schedule.unassigned) warn(`could not place ${batch[Number(u.jobId)]!.label}: ${u.reason}`);
  for (const [i, execution] of (schedule.executions ?? []).entries()) {
    const b = batch[Number(schedule.assignments[i]!.jobId)]!;
    await add(b.label, b.runtime, pools.budget, execution);
  }
  return jobs;
}

/**
 * Whether a job has ended. The settled JobSettled record is the evidence: JobExecution's phase
 * reads "expired" for a settled job once the market clears its slot count at settlement.
 */
export function ended(j: DemoJob): boolean {
  const phase = j.result?.phase;
  return phase === "settled" || phase === "expired" || phase === "cancelled";
}

/** Follows every job to its end and fetches its agreed output. */
export async function finishJobs(jobs: readonly DemoJob[], timeoutMs: number): Promise<void> {
  await Promise.all(
    jobs.map(async (j) => {
      try {
        j.result = await j.execution.wait({ timeoutMs });
        if (j.result.consensus) j.output = new TextDecoder().decode(await j.execution.download()).trim();
      } catch (e) {
        j.error = e instanceof Error ? e.message.split("\n")[0] : String(e);
      }
    }),
  );
}

/** Prints each job's agreed output (or why there is none). */
export function printResults(jobs: readonly DemoJob[]): void {
  for (const j of jobs)
    say(
      j.output !== undefined
        ? `job ${j.execution.id} (${j.label}): ${c.green(j.output)}`
        : `job ${j.execution.id} (${j.label}): ${c.yellow(j.error ?? `no agreed output (${j.result?.phase})`)}`,
    );
}
