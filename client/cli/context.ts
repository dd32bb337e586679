/**
 * What every CLI command starts from: viem clients for `--rpc`, the deployment of
 * `--deployment` (plain addresses or Ignition's deployed_addresses.json), the key, and a
 * Sandrun root with the pool and job builders and the worker plugged in.
 * @module
 */
import pino from "pino";
import { privateKeyToAccount } from "viem/accounts";
import type { SandrunClient } from "../chain/clients.ts";
import { ValidationError } from "../errors/input.ts";
import { jobBuilderFactory, poolBuilderFactory } from "../pool/factory.ts";
import { createSandrun } from "../worker/attach.ts";
import { readDeployment, type DeploymentFile } from "../worker/daemon/deployment.ts";
import { createWorkerClients } from "../worker/daemon/start.ts";
import { resolveKey, type KeyOptions } from "./keys.ts";

/** Options every command accepts. */
export type GlobalOptions = KeyOptions & {
  rpc?: string | undefined;
  deployment?: string | undefined;
  json?: boolean | undefined;
};

/** A command's context. */
export type CliContext = Awaited<ReturnType<typeof cliContext>>;

/**
 * Builds a command's context (clients, deployment, key, Sandrun root with the worker attached);
 * `needKey: false` for read-only commands (no key is asked for).
 * @throws {ValidationError} when --rpc or --deployment is missing.
 * @example
 * ```ts
 * import { cliContext } from "sandrun/client/cli/context.ts";
 * const ctx = await cliContext({ rpc: "http://127.0.0.1:8545", deployment: "./deployment.json" }, false);
 * const node = await ctx.sandrun.node().attach("3");
 * console.log(await node.status());
 * ```
 */
export async function cliContext(o: GlobalOptions, needKey = true) {
  const issues = [];
  if (!o.rpc) issues.push({ field: "--rpc", message: "the JSON-RPC URL is required (or SANDRUN_RPC_URL)" });
  if (!o.deployment)
    issues.push({
      field: "--deployment",
      message: "the deployment JSON file is required (or SANDRUN_DEPLOYMENT)",
    });
  if (issues.length) throw new ValidationError("command line", issues);
  const deployment: DeploymentFile = readDeployment(o.deployment!);
  // Read-only commands still need an account object for the client helpers: a throwaway one.
  const key = needKey ? resolveKey(o) : (("0x" + "11".repeat(32)) as `0x${string}`);
  const account = privateKeyToAccount(key);
  const { publicClient, walletClient, chainId } = await createWorkerClients(o.rpc!, account, {
    pollingInterval: 200,
  });
  const client: SandrunClient = needKey ? { publicClient, walletClient } : { publicClient };
  const sandrun = createSandrun({
    publicClient,
    walletClient: needKey ? walletClient : undefined,
    deployment: { ...deployment },
    pool: poolBuilderFactory,
    job: jobBuilderFactory,
    worker: { logger: pino({ level: "warn" }, pino.destination(2)) },
  });
  return { client, sandrun, deployment, account, key, chainId, rpcUrl: o.rpc!, json: o.json === true };
}
