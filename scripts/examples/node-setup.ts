/**
 * Shared set-up for the node examples: the in-process Hardhat chain, the whole protocol
 * deployed by the real Ignition module, and a Sandrun root for the operator's wallet.
 * A real deployment passes its own clients and the addresses Ignition wrote.
 *
 * The root is the Node.js one (client/worker/attach.ts): the worker is attached, so
 * `node.startListening()` really starts the node's daemon in this process. Its state lives in
 * a temporary directory that {@link localSandrun}'s `close()` removes, and its structured log
 * lines are kept in `workerLog` (not printed: the examples print one JSON summary).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { network } from "hardhat";
import pino from "pino";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { nodeRegistryAbi } from "../../client/abis/generated/NodeRegistry.ts";
import { createSandrun } from "../../client/worker/attach.ts";

/** One line of a worker's log: which node, what happened. */
export type WorkerLogLine = { nodeId: string | undefined; msg: string };

/** A pino logger whose JSON lines are parsed into `lines`. */
function collectingLogger(lines: WorkerLogLine[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString("utf8").split("\n")) {
        if (!text.trim()) continue;
        const o = JSON.parse(text) as { nodeId?: unknown; msg?: unknown };
        lines.push({ nodeId: o.nodeId === undefined ? undefined : String(o.nodeId), msg: String(o.msg) });
      }
      done();
    },
  });
  return pino({ name: "sandrun-worker", level: "info" }, sink);
}

/**
 * Deploys locally and returns the operator's `sandrun` root (worker attached) plus the chain
 * helpers, the workers' log, and `close()`, which removes the workers' state directory.
 */
export async function localSandrun() {
  const connection = await network.create();
  const { viem, ignition } = connection;
  const deployed = await ignition.deploy(SandrunModule);
  const publicClient = await viem.getPublicClient();
  const [, operator] = await viem.getWalletClients();
  const stateDir = mkdtempSync(join(tmpdir(), "sandrun-example-"));
  const workerLog: WorkerLogLine[] = [];
  const sandrun = createSandrun({
    publicClient,
    walletClient: operator!,
    deployment: deployed,
    worker: {
      config: { stateDir, pollIntervalMs: 200 },
      logger: collectingLogger(workerLog),
      scratchRoot: stateDir,
    },
  });

  /** Messages the worker of `nodeId` logged, in order ("worker starting", …, "worker stopped"). */
  const workerMessages = (nodeId: string) => workerLog.filter((l) => l.nodeId === nodeId).map((l) => l.msg);

  /** How many heartbeats the registry recorded for `nodeId` (each worker sends one as it starts). */
  const heartbeats = async (nodeId: string) =>
    (
      await publicClient.getContractEvents({
        address: deployed.nodeRegistry.address,
        abi: nodeRegistryAbi,
        eventName: "Heartbeat",
        args: { nodeId: BigInt(nodeId) },
        fromBlock: 0n,
      })
    ).length;

  const close = () => rmSync(stateDir, { recursive: true, force: true });
  return { sandrun, connection, deployed, publicClient, workerLog, workerMessages, heartbeats, close };
}
