/**
 * A worker process: `node scripts/worker.ts --rpc <url> --deployment <file> --key-file <file>
 * [--state-dir <dir>] [--node-id <id>] [--poll-ms <ms>] [--max-jobs <n>] [--dishonest-digest]
 * [--never-reveal]`. Logs JSON lines (pino) to stdout; SIGTERM/SIGINT drain and exit 0.
 * The key is read from a file (or SANDRUN_PRIVATE_KEY), never from the command line.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pino from "pino";
import type { Hex } from "viem";
import { readDeployment } from "../client/worker/daemon/deployment.ts";
import { startWorker } from "../client/worker/daemon/start.ts";

const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    deployment: { type: "string" },
    "key-file": { type: "string" },
    "state-dir": { type: "string", default: ".worker-state" },
    "node-id": { type: "string" },
    "poll-ms": { type: "string", default: "250" },
    "max-jobs": { type: "string", default: "2" },
    "heartbeat-ms": { type: "string", default: "60000" },
    "dishonest-digest": { type: "boolean", default: false },
    "never-reveal": { type: "boolean", default: false },
    "log-level": { type: "string", default: "info" },
  },
});

function fail(message: string): never {
  console.error(`worker: ${message}`);
  process.exit(2);
}

if (!values.rpc) fail("--rpc <url> is required");
if (!values.deployment) fail("--deployment <file> is required");
const key = (
  values["key-file"] ? readFileSync(values["key-file"], "utf8") : (process.env.SANDRUN_PRIVATE_KEY ?? "")
).trim();
if (!/^0x[0-9a-fA-F]{64}$/.test(key))
  fail("a 32-byte hex private key is required (--key-file or SANDRUN_PRIVATE_KEY)");

const logger = pino({ name: "sandrun-worker", level: values["log-level"] });
const deployment = readDeployment(values.deployment);
const worker = await startWorker({
  rpcUrl: values.rpc,
  deployment,
  privateKey: key as Hex,
  nodeId: values["node-id"] ? BigInt(values["node-id"]) : undefined,
  logger,
  config: {
    stateDir: values["state-dir"],
    pollIntervalMs: Number(values["poll-ms"]),
    maxConcurrentJobs: Number(values["max-jobs"]),
    heartbeatIntervalMs: Number(values["heartbeat-ms"]),
    fromBlock: deployment.deployBlock,
    dishonestCorruptDigest: values["dishonest-digest"],
    dishonestNeverReveal: values["never-reveal"],
  },
});
logger.info({ nodeId: worker.nodeId.toString() }, "worker ready");

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, "draining");
    void worker.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: String(e) }, "stop failed");
        process.exit(1);
      },
    );
  });
}
