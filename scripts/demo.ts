/**
 * `npm start`: Sandrun end to end in under a minute. Starts a chain (Hardhat's in-process one,
 * or `--rpc <url>` for an external one such as `npx hardhat node`), deploys the protocol with
 * Ignition, registers a fleet of nodes (one dishonest), builds pools from the original design's
 * patterns, runs real jobs in real sandboxes, and shows every step from the chain's events.
 *
 *   npm start
 *   npm start -- --rpc http://127.0.0.1:8545
 */
import { parseArgs } from "node:util";

import { SandrunError } from "../client/errors.ts";
import { cleanUp, runDemo } from "./demo/run.ts";

const USAGE = `usage: npm start [-- --rpc <url>]

  (no options)   run on Hardhat's in-process chain; workers run in this process
  --rpc <url>    run against an external chain (e.g. \`npx hardhat node\`, which serves
                 http://127.0.0.1:8545); workers run as separate processes. The chain must
                 fund Hardhat's default development accounts.`;

let rpcUrl: string | undefined;
try {
  const { values } = parseArgs({
    options: { rpc: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  rpcUrl = values.rpc;
  if (rpcUrl !== undefined && !/^(https?|wss?):\/\//u.test(rpcUrl))
    throw new Error(`--rpc must be an http(s) or ws(s) URL, got ${rpcUrl}`);
} catch (e) {
  console.error(`demo: ${(e as Error).message}\n\n${USAGE}`);
  process.exit(2);
}

process.once("SIGINT", () => {
  console.error("\ninterrupted: stopping the workers and cleaning up...");
  void cleanUp().finally(() => process.exit(130));
});

try {
  await runDemo({ rpcUrl });
  process.exit(0);
} catch (e) {
  // A newcomer gets one clear line, not a stack trace (SANDRUN_DEBUG=1 shows it).
  const message =
    e instanceof SandrunError
      ? e.shortMessage
      : e instanceof Error
        ? (e.message.split("\n")[0] ?? "")
        : String(e);
  console.error(`\ndemo failed: ${message}`);
  if (rpcUrl && /connect/iu.test(message))
    console.error(`is a chain listening at ${rpcUrl}? Start one with \`npx hardhat node\`.`);
  if (process.env.SANDRUN_DEBUG) console.error(e);
  process.exit(1);
}
