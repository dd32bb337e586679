/**
 * `sandrun job submit`, `sandrun job status`, `sandrun job download`.
 * @module
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { zeroAddress, toHex } from "viem";
import { postJob } from "../actions/market/postJob.ts";
import { getPool } from "../actions/pools/getPool.ts";
import { JobBuilder } from "../job/JobBuilder.ts";
import { JobExecution } from "../job/JobExecution.ts";
import { toBaseUnits } from "../money/amount.ts";
import { cliContext, type CliContext, type GlobalOptions } from "./context.ts";
import { print, progress, progressDone } from "./output.ts";

type SubmitOptions = GlobalOptions & {
  pool: string;
  code?: string;
  script?: string;
  runtime?: string;
  payment: string;
  collateral: string;
  timeout: string;
  memory: string;
  commitWindow?: string;
  revealWindow?: string;
  wait?: boolean;
  waitTimeout: string;
};

function execution(ctx: CliContext, jobId: string): JobExecution {
  return new JobExecution(
    { client: ctx.client, jobMarket: ctx.deployment.jobMarket, pollingInterval: 250 },
    jobId,
  );
}

/** Waits for a job to settle, reporting progress on stderr. */
async function waitFor(ctx: CliContext, e: JobExecution, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const s = await e.status();
    const line = `job ${e.id}: ${s.phase} (${s.job.taken}/${s.job.n} slots, ${s.job.revealed} results)`;
    if (line !== last) progress(line);
    last = line;
    if (s.phase === "settled" || s.phase === "cancelled" || s.phase === "expired") break;
    if (Date.now() > end) {
      progressDone();
      throw new Error(`job ${e.id} did not settle within ${timeoutMs} ms (phase ${s.phase})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  progressDone();
  return e.result();
}

/**
 * Adds `job submit`, `job status <jobId>` and `job download <jobId>` to `program`.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import type { GlobalOptions } from "sandrun/client/cli/context.ts";
 * import { jobCommands } from "sandrun/client/cli/job-commands.ts";
 * const program = new Command("sandrun").option("--rpc <url>").option("--deployment <file>");
 * jobCommands(program, () => program.opts<GlobalOptions>());
 * await program.parseAsync(["job", "submit", "--pool", "1", "--code", "console.log(42)", "--wait"], { from: "user" });
 * ```
 */
export function jobCommands(program: Command, globals: () => GlobalOptions): void {
  const job = program.command("job").description("submit jobs and fetch their results");
  job
    .command("submit")
    .description("post a job to a pool with its payment in escrow")
    .requiredOption("--pool <id>", "the pool id")
    .option("--code <source>", "program source (js) — or use --script")
    .option("--script <path>", "program file (.js, .wasm, .py, .sh)")
    .option("--runtime <name>", "wasm, js, process")
    .option("--payment <eth>", "price per node, ETH", "0.01")
    .option("--collateral <eth>", "collateral each node locks, ETH", "0")
    .option("--timeout <ms>", "wall-time limit", "10000")
    .option("--memory <size>", "memory limit", "128MB")
    .option("--commit-window <s>", "seconds until commits close")
    .option("--reveal-window <s>", "seconds for reveals after that")
    .option("--wait", "wait until the job settles (progress on stderr)")
    .option("--wait-timeout <ms>", "how long --wait waits", "300000")
    .action(async (o: SubmitOptions) => {
      const ctx = await cliContext({ ...globals(), ...o });
      let b = new JobBuilder().timeout(Number(o.timeout)).memory(o.memory);
      if (o.code !== undefined) b = b.code(o.code);
      if (o.script) b = b.script(o.script);
      if (o.runtime) b = b.runtime(o.runtime as "js");
      const built = await b.build();
      const pool = await getPool(ctx.client, {
        poolRegistry: ctx.deployment.poolRegistry,
        poolId: BigInt(o.pool),
      });
      const { jobId, hash, escrow } = await postJob(ctx.client, {
        jobMarket: ctx.deployment.jobMarket,
        request: {
          poolId: BigInt(o.pool),
          specHash: built.specHash,
          runtime: built.spec.runtime,
          redundancy: pool.policy.redundancy,
          resources: built.resources,
          token: zeroAddress,
          pricePerNode: toBaseUnits(o.payment, 18),
          collateralPerNode: toBaseUnits(o.collateral, 18),
          commitWindow: Number(o.commitWindow ?? built.commitWindow),
          revealWindow: Number(o.revealWindow ?? built.revealWindow),
          ...(built.specUri ? { specURI: built.specUri } : { inlineSpec: toHex(built.specBytes) }),
        },
      });
      const out: Record<string, unknown> = {
        jobId: jobId.toString(),
        txHash: hash,
        escrow,
        specHash: built.specHash,
      };
      if (o.wait) out.result = await waitFor(ctx, execution(ctx, jobId.toString()), Number(o.waitTimeout));
      print(
        ctx.json,
        out,
        `posted job ${jobId}${o.wait ? ` (${(out.result as { phase: string }).phase})` : ""}`,
      );
    });
  job
    .command("status <jobId>")
    .description("where a job stands (reads only)")
    .action(async (jobId: string, o: GlobalOptions) => {
      const ctx = await cliContext({ ...globals(), ...o }, false);
      const s = await execution(ctx, jobId).status();
      print(
        ctx.json,
        s,
        `job ${jobId}: ${s.phase} (${s.job.taken}/${s.job.n} slots, ${s.job.revealed} results)`,
      );
    });
  job
    .command("download <jobId>")
    .description("the agreed output, checked against the consensus digest")
    .option("--out <file>", "write the output here (default: stdout, or a JSON field with --json)")
    .option("--wait", "wait until the job settles first (progress on stderr)")
    .option("--wait-timeout <ms>", "how long --wait waits", "300000")
    .action(
      async (jobId: string, o: GlobalOptions & { out?: string; wait?: boolean; waitTimeout: string }) => {
        const ctx = await cliContext({ ...globals(), ...o }, false);
        const e = execution(ctx, jobId);
        if (o.wait) await waitFor(ctx, e, Number(o.waitTimeout));
        const bytes = await e.download();
        if (o.out) writeFileSync(o.out, bytes);
        if (ctx.json)
          print(true, {
            jobId,
            bytes: bytes.length,
            ...(o.out ? { file: o.out } : { output: new TextDecoder().decode(bytes) }),
          });
        else if (!o.out) process.stdout.write(bytes);
        else print(false, {}, `wrote ${bytes.length} bytes to ${o.out}`);
      },
    );
}
