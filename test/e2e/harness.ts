/**
 * End-to-end harness: a real `hardhat node` on a free loopback port, the protocol deployed by
 * the Ignition module (through test/market/fixture.ts), nodes whose owner keys are the
 * hardhat node's well-known accounts, and worker processes (`scripts/worker.ts`) started and
 * killed like an operator would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { toHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { encodeJobSpec, specHash, type JobSpec } from "../../client/job/spec.ts";
import { deployMarket, type Market } from "../market/fixture.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const MNEMONIC = "test test test test test test test test test test test junk";
/** deployMarket's node owners are wallets 5.. of the hardhat node. */
const FIRST_NODE_ACCOUNT = 5;

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers eth_chainId. */
export async function waitForRpc(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`RPC ${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `hardhat node` on `port`; resolves once it answers. */
export async function startHardhatNode(port: number, logDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"), "node", "--port", String(port)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  const log = createWriteStream(join(logDir, `hardhat-node-${port}.log`), { flags: "a" });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  await waitForRpc(`http://127.0.0.1:${port}`);
  return child;
}

/** Sends `signal` and waits for the process to exit. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
  timeoutMs = 20_000,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return await new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** A worker process and its log lines. */
export type WorkerProcess = {
  child: ChildProcess;
  lines: string[];
  nodeIndex: number;
  stateDir: string;
  /** Resolves when a log line matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
};

/** The private key of the hardhat node account that owns node `i` (0-based) of deployMarket. */
export function nodeOwnerKey(i: number): Hex {
  const hd = mnemonicToAccount(MNEMONIC, { addressIndex: FIRST_NODE_ACCOUNT + i }).getHdKey();
  return toHex(hd.privateKey!);
}

/** Everything an e2e scenario uses. */
export type E2E = {
  rpcUrl: string;
  dir: string;
  deploymentFile: string;
  market: Market;
  hardhat: ChildProcess;
  workers: WorkerProcess[];
  startWorker(i: number, extra?: string[], rpcUrl?: string): WorkerProcess;
  /**
   * Kills the hardhat node and starts a fresh one (a new chain from genesis) on the same port,
   * then deploys again with Ignition and registers the same nodes: same deployer, same nonces,
   * so the same addresses (checked). Replaces `market` and `hardhat`; workers keep running.
   */
  restartChain(): Promise<Market>;
  close(): Promise<void>;
};

/**
 * Starts a hardhat node, deploys, registers `nodes` nodes (owner keys known), and returns
 * helpers to start workers for them.
 */
export async function setupE2E(nodes: number, params: Record<string, unknown> = {}): Promise<E2E> {
  const dir = mkdtempSync(join(tmpdir(), "sandrun-e2e-"));
  const port = await freePort();
  const hardhat = await startHardhatNode(port, dir);
  const rpcUrl = `http://127.0.0.1:${port}`;
  // Ignition keeps a journal per chain id for HTTP networks; every `hardhat node` here is a
  // fresh chain with id 31337, so a journal from an earlier run would point at contracts that
  // do not exist. (The in-process chain keeps no journal; nothing else uses this directory.)
  let connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
  const deploy = async () => {
    rmSync(join(ROOT, "ignition", "deployments", "chain-31337"), { recursive: true, force: true });
    return await deployMarket(connection, nodes, { challengeWindow: 0, ...params });
  };
  const market = await deploy();
  const deployBlock = 0n;
  const deploymentFile = join(dir, "deployment.json");
  writeFileSync(
    deploymentFile,
    JSON.stringify({
      nodeRegistry: market.registry.address,
      poolRegistry: market.pools.address,
      jobMarket: market.market.address,
      deployBlock: deployBlock.toString(),
    }),
  );
  const workers: WorkerProcess[] = [];
  const e2e: E2E = {
    rpcUrl,
    dir,
    deploymentFile,
    market,
    hardhat,
    workers,
    startWorker(i, extra = [], url = rpcUrl) {
      const keyFile = join(dir, `node-${i}.key`);
      writeFileSync(keyFile, nodeOwnerKey(i), { mode: 0o600 });
      const stateDir = join(dir, `state-${i}`);
      const child = spawn(
        process.execPath,
        [
          join(ROOT, "scripts", "worker.ts"),
          "--rpc",
          url,
          "--deployment",
          deploymentFile,
          "--key-file",
          keyFile,
          "--state-dir",
          stateDir,
          "--node-id",
          String(e2e.market.nodes[i]!.id),
          "--poll-ms",
          "100",
          ...extra,
        ],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      const lines: string[] = [];
      const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
      const log = createWriteStream(join(dir, `worker-${i}-${workers.length}.log`));
      let buf = "";
      const onData = (d: Buffer) => {
        log.write(d);
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          lines.push(line);
          for (const w of [...waiters])
            if (w.re.test(line)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(line);
            }
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      const wp: WorkerProcess = {
        child,
        lines,
        nodeIndex: i,
        stateDir,
        waitFor(re, timeoutMs = 60_000) {
          const hit = lines.find((l) => re.test(l));
          if (hit) return Promise.resolve(hit);
          return new Promise((resolve, reject) => {
            const t = setTimeout(
              () =>
                reject(
                  new Error(
                    `worker ${i}: no log line ${re} in ${timeoutMs} ms (log: ${join(dir, `worker-${i}-*.log`)})`,
                  ),
                ),
              timeoutMs,
            );
            waiters.push({
              re,
              resolve: (l) => {
                clearTimeout(t);
                resolve(l);
              },
            });
          });
        },
      };
      workers.push(wp);
      return wp;
    },
    async restartChain() {
      await stopProcess(e2e.hardhat, "SIGKILL");
      await connection.close?.();
      e2e.hardhat = await startHardhatNode(port, dir);
      connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
      const again = await deploy();
      for (const k of ["registry", "pools", "market"] as const)
        if (again[k].address !== e2e.market[k].address)
          throw new Error(`redeployed ${k} at ${again[k].address}, not ${e2e.market[k].address}`);
      e2e.market = again;
      return again;
    },
    async close() {
      await Promise.all(workers.map((w) => stopProcess(w.child, "SIGKILL")));
      await connection.close?.();
      await stopProcess(e2e.hardhat, "SIGKILL");
    },
  };
  return e2e;
}

/** A deterministic JS job: prints `expr`'s value. */
export function jsSpec(expr: string): JobSpec {
  return {
    version: 1,
    runtime: "js",
    code: `console.log(String(${expr}));`,
    limits: { timeoutMs: 5_000, memoryMb: 128, maxOutputBytes: 4_096 },
  };
}

/** `resources` packing: gpuCount | memoryMB << 8 | timeoutSeconds << 40. */
export function packResources(memoryMB: number, timeoutSeconds: number, gpus = 0): bigint {
  return BigInt(gpus) | (BigInt(memoryMB) << 8n) | (BigInt(timeoutSeconds) << 40n);
}

/** The JobRequest fields for an inline spec. */
export function inlineSpecFields(spec: JobSpec) {
  return {
    specHash: specHash(spec),
    inlineSpec: toHex(encodeJobSpec(spec)),
    specURI: "",
    runtime: spec.runtime === "wasm" ? 0 : spec.runtime === "js" ? 1 : 2,
    resources: packResources(spec.limits.memoryMb, Math.ceil(spec.limits.timeoutMs / 1000)),
  };
}

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
