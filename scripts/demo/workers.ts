/**
 * The fleet's workers. On the embedded chain each node's worker runs in this process
 * (`node.startListening()`, client/worker/attach.ts, on the Node's own viem clients); with
 * `--rpc` each runs as a separate process (`scripts/worker.ts`), as an operator would run it.
 * Either way the worker's structured log lines come back here as {@link WorkerLine}s, so the
 * demo can show what each sandbox did.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

import type { WorkerOptions } from "../../client/worker/attach.ts";
import type { DemoChain } from "./chain.ts";
import type { FleetNode } from "./fleet.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** One structured log line of a worker (pino JSON). */
export type WorkerLine = {
  readonly nodeId: string | undefined;
  readonly level: number;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
};

/** Where worker lines go. */
export type WorkerSink = (line: WorkerLine) => void;

/** Daemon settings shared by both modes: fast polling (a demo chain is local), no heartbeat spam. */
export const DAEMON = { pollIntervalMs: 200, maxConcurrentJobs: 2, heartbeatIntervalMs: 0 } as const;

function parse(text: string, fallbackNodeId?: string): WorkerLine | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    return {
      nodeId: o.nodeId === undefined ? fallbackNodeId : String(o.nodeId),
      level: Number(o.level ?? 30),
      msg: String(o.msg ?? ""),
      fields: o,
    };
  } catch {
    return undefined; // not a JSON line (e.g. a stray warning): not ours to show
  }
}

/** A pino logger whose lines are parsed and handed to `sink` (in-process workers). */
export function sinkLogger(sink: WorkerSink): Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString("utf8").split("\n")) {
        const line = text.trim() ? parse(text) : undefined;
        if (line) sink(line);
      }
      done();
    },
  });
  return pino({ name: "sandrun-worker", level: "info" }, stream);
}

/** Worker options of an in-process node (`createSandrun({ …, worker })` of client/worker/attach.ts). */
export function inProcessWorker(stateRoot: string, dishonest: boolean, sink: WorkerSink): WorkerOptions {
  return {
    config: { stateDir: stateRoot, ...DAEMON, dishonestCorruptDigest: dishonest },
    logger: sinkLogger(sink),
    scratchRoot: join(stateRoot, "scratch"),
  };
}

/** Worker processes started for `--rpc` mode. */
export type WorkerProcesses = { stop(): Promise<void>; ready(): Promise<void> };

/**
 * Starts one `scripts/worker.ts` process per node, keyed by its operator's dev account (the key
 * goes through a 0600 file, never the command line).
 */
export function startWorkerProcesses(
  chain: DemoChain,
  fleet: readonly FleetNode[],
  stateRoot: string,
  sink: WorkerSink,
): WorkerProcesses {
  mkdirSync(stateRoot, { recursive: true });
  const deploymentFile = join(stateRoot, "deployment.json");
  writeFileSync(
    deploymentFile,
    JSON.stringify({ ...chain.deployment, deployBlock: chain.deployBlock.toString() }),
  );
  const children: { child: ChildProcess; ready: Promise<void> }[] = fleet.map((f) => {
    const keyFile = join(stateRoot, `${f.spec.alias}.key`);
    writeFileSync(keyFile, chain.keyOf(f.accountIndex), { mode: 0o600 });
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "scripts", "worker.ts"),
        "--rpc",
        chain.rpcUrl!,
        "--deployment",
        deploymentFile,
        "--key-file",
        keyFile,
        "--node-id",
        f.id,
        "--state-dir",
        join(stateRoot, f.spec.alias),
        "--poll-ms",
        String(DAEMON.pollIntervalMs),
        "--max-jobs",
        String(DAEMON.maxConcurrentJobs),
        "--heartbeat-ms",
        String(DAEMON.heartbeatIntervalMs),
        ...(f.spec.dishonest ? ["--dishonest-digest"] : []),
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let resolveReady!: () => void;
    const ready = new Promise<void>((r) => (resolveReady = r));
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("utf8");
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const line = parse(text, f.id);
        if (!line) continue;
        if (line.msg === "worker ready") resolveReady();
        sink(line);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", () => resolveReady());
    return { child, ready };
  });
  return {
    async ready() {
      await Promise.all(children.map((c) => c.ready));
    },
    async stop() {
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
              child.once("exit", () => {
                clearTimeout(t);
                resolve();
              });
              child.kill("SIGTERM"); // the worker drains and exits 0
            }),
        ),
      );
    },
  };
}
