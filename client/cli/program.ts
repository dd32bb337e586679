/**
 * The `sandrun` command line (commander). Every command takes `--rpc <url>`,
 * `--deployment <json file>` and `--json`; commands that send transactions take the key from
 * `--key-file`, `SANDRUN_PRIVATE_KEY` or `--keystore` (Hardhat's keystore), never from argv.
 * Errors print one line (`error: <message>`, or `{"error": …}` with --json) and exit 1.
 * @module
 */
import { Command, CommanderError } from "commander";
import { SandrunError } from "../errors/base.ts";
import type { GlobalOptions } from "./context.ts";
import { jobCommands } from "./job-commands.ts";
import { refuseKeyArguments } from "./keys.ts";
import { nodeCommands } from "./node-commands.ts";
import { toJson } from "./output.ts";
import { poolCommands } from "./pool-commands.ts";
import { withdrawCommand } from "./withdraw-command.ts";
import { workerCommands } from "./worker-command.ts";

/**
 * Builds the `sandrun` commander program with every command (exported for tests that want to
 * inspect it); it throws a CommanderError instead of exiting.
 *
 * @example
 * ```ts
 * import { buildProgram } from "sandrun/client/cli/program.ts";
 * const names = buildProgram().commands.map((c) => c.name()); // ["node", "worker", "pool", "job", "withdraw"]
 * ```
 */
export function buildProgram(): Command {
  const program = new Command("sandrun")
    .description("Sandrun: a compute marketplace on Ethereum")
    .option("--rpc <url>", "JSON-RPC endpoint", process.env.SANDRUN_RPC_URL)
    .option(
      "--deployment <file>",
      "deployment addresses (JSON; Ignition's deployed_addresses.json works)",
      process.env.SANDRUN_DEPLOYMENT,
    )
    .option("--key-file <path>", "file holding the private key (0x + 64 hex)")
    .option("--keystore", "read SANDRUN_PRIVATE_KEY from Hardhat's keystore (asks for its password)")
    .option("--json", "print one JSON document on stdout")
    .enablePositionalOptions(false)
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  nodeCommands(program, globals);
  workerCommands(program, globals);
  poolCommands(program, globals);
  jobCommands(program, globals);
  withdrawCommand(program, globals);
  return program;
}

/**
 * Runs the CLI on `argv` (process.argv form) and returns the exit code: 0 success, 1 a failed
 * command (one-line error), 2 a usage error.
 *
 * @example
 * ```ts
 * import { runCli } from "sandrun/client/cli/program.ts";
 * process.exitCode = await runCli(["node", "sandrun", "job", "status", "7", "--json"]);
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  try {
    refuseKeyArguments(argv.slice(2));
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const message = e instanceof SandrunError ? e.shortMessage : e instanceof Error ? e.message : String(e);
    const details = e instanceof SandrunError ? e.details : undefined;
    if (json) process.stdout.write(`${toJson({ error: { name: (e as Error).name, message, details } })}\n`);
    else process.stderr.write(`error: ${message}${details ? `\n  ${details}` : ""}\n`);
    return 1;
  }
}
