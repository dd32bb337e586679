/**
 * `sandrun worker start`: the worker daemon in the foreground; SIGTERM/SIGINT drain and exit 0.
 * @module
 */
import type { Command } from "commander";
import pino from "pino";
import { startWorker } from "../worker/daemon/start.ts";
import { readDeployment } from "../worker/daemon/deployment.ts";
import { ValidationError } from "../errors/input.ts";
import { resolveKey } from "./keys.ts";
import type { GlobalOptions } from "./context.ts";
import { print } from "./output.ts";

type WorkerOptions = GlobalOptions & {
  nodeId?: string;
  stateDir: string;
  pollMs: string;
  maxJobs: string;
  heartbeatMs: string;
  logLevel: string;
  withdrawThreshold: string;
};

/**
 * Adds `worker start` to `program`: the daemon runs in the foreground until SIGTERM/SIGINT,
 * which drain in-flight jobs and exit 0.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import type { GlobalOptions } from "sandrun/client/cli/context.ts";
 * import { workerCommands } from "sandrun/client/cli/worker-command.ts";
 * const program = new Command("sandrun").option("--rpc <url>").option("--deployment <file>");
 * workerCommands(program, () => program.opts<GlobalOptions>());
 * await program.parseAsync(["worker", "start", "--node-id", "3", "--max-jobs", "2"], { from: "user" });
 * ```
 */
export function workerCommands(program: Command, globals: () => GlobalOptions): void {
  const worker = program.command("worker").description("run the worker daemon");
  worker
    .command("start")
    .description(
      "follow the chain, take jobs, run them in the sandbox, commit, reveal, get paid (logs: JSON lines on stderr)",
    )
    .option("--node-id <id>", "the node to work for (default: the node the key owns or signs for)")
    .option("--state-dir <dir>", "block cursor and job records", ".sandrun/worker")
    .option("--poll-ms <ms>", "poll interval", "500")
    .option("--max-jobs <n>", "jobs run at once", "2")
    .option("--heartbeat-ms <ms>", "heartbeat period (0 = off)", "60000")
    .option("--log-level <level>", "pino level", "info")
    .option("--withdraw-threshold <wei>", "withdraw earnings once they reach this many wei", "0")
    .action(async (o: WorkerOptions) => {
      const g = { ...globals(), ...o };
      if (!g.rpc || !g.deployment)
        throw new ValidationError("command line", [
          { field: "--rpc/--deployment", message: "both are required" },
        ]);
      const deployment = readDeployment(g.deployment);
      const logger = pino({ name: "sandrun-worker", level: o.logLevel }, pino.destination(2));
      const w = await startWorker({
        rpcUrl: g.rpc,
        deployment,
        privateKey: resolveKey(g),
        nodeId: o.nodeId ? BigInt(o.nodeId) : undefined,
        logger,
        config: {
          stateDir: o.stateDir,
          pollIntervalMs: Number(o.pollMs),
          maxConcurrentJobs: Number(o.maxJobs),
          heartbeatIntervalMs: Number(o.heartbeatMs),
          fromBlock: deployment.deployBlock,
          withdrawThreshold: BigInt(o.withdrawThreshold),
        },
      });
      print(
        g.json === true,
        { ready: true, nodeId: w.nodeId.toString(), pid: process.pid },
        `worker for node ${w.nodeId} ready`,
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        for (const sig of ["SIGTERM", "SIGINT"] as const)
          process.on(sig, () => {
            if (stopping) return;
            stopping = true;
            void w.stop().then(resolve, resolve);
          });
      });
      print(
        g.json === true,
        { stopped: true, nodeId: w.nodeId.toString(), ...w.daemon.stats },
        "worker stopped",
      );
    });
}
