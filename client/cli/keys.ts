/**
 * Where the CLI gets a private key: `--key-file <path>`, the `SANDRUN_PRIVATE_KEY` environment
 * variable, or Hardhat's keystore (`--keystore`: runs `hardhat keystore get SANDRUN_PRIVATE_KEY`,
 * which asks for the keystore's password on the terminal; store the key first with
 * `npx hardhat keystore set SANDRUN_PRIVATE_KEY`). Never from the command line: a key in argv is
 * visible to every user of the machine (`ps`) and lands in shell history.
 * @module
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { SandrunError } from "../errors/base.ts";

/**
 * The key could not be had, or was offered on the command line (where `ps` and shell history
 * would expose it).
 *
 * @example
 * ```ts
 * import { KeyUnavailableError, resolveKey } from "sandrun/client/cli/keys.ts";
 * try {
 *   resolveKey({ keyFile: "./node.key" });
 * } catch (error) {
 *   if (error instanceof KeyUnavailableError) console.error(error.shortMessage, error.details);
 * }
 * ```
 */
export class KeyUnavailableError extends SandrunError {
  override name = "KeyUnavailableError";
}

const KEY = /^0x[0-9a-fA-F]{64}$/;

/** Key sources the options name. */
export type KeyOptions = { keyFile?: string | undefined; keystore?: boolean | undefined };

/**
 * Refuses a key on the command line (`--private-key`, `--key`), whatever the command, before
 * anything is parsed.
 * @throws {KeyUnavailableError}
 * @example
 * ```ts
 * import { refuseKeyArguments } from "sandrun/client/cli/keys.ts";
 * refuseKeyArguments(process.argv.slice(2)); // throws for `sandrun withdraw --private-key 0x…`
 * ```
 */
export function refuseKeyArguments(argv: readonly string[]): void {
  const bad = argv.find((a) => /^--(private-?key|key)(=|$)/i.test(a));
  if (bad)
    throw new KeyUnavailableError(
      `${bad.split("=")[0]} is refused: never put a private key on the command line.`,
      {
        details:
          "Use --key-file <path> (mode 600), the SANDRUN_PRIVATE_KEY environment variable, or --keystore (npx hardhat keystore set SANDRUN_PRIVATE_KEY).",
      },
    );
}

/**
 * The private key, from the first source given: key file, keystore, environment.
 * @throws {KeyUnavailableError} when none yields a 32-byte hex key.
 * @example
 * ```ts
 * import { resolveKey } from "sandrun/client/cli/keys.ts";
 * const key = resolveKey({ keyFile: "./node.key" });
 * ```
 */
export function resolveKey(o: KeyOptions, env: NodeJS.ProcessEnv = process.env): Hex {
  let key: string | undefined;
  let source: string;
  if (o.keyFile) {
    source = `key file ${o.keyFile}`;
    try {
      key = readFileSync(o.keyFile, "utf8").trim();
    } catch (e) {
      throw new KeyUnavailableError(`Cannot read ${source}.`, { cause: e });
    }
  } else if (o.keystore) {
    source = "Hardhat keystore (SANDRUN_PRIVATE_KEY)";
    const cli = join(import.meta.dirname, "..", "..", "node_modules", "hardhat", "dist", "src", "cli.js");
    const r = spawnSync(process.execPath, [cli, "keystore", "get", "SANDRUN_PRIVATE_KEY"], {
      stdio: ["inherit", "pipe", "inherit"],
      encoding: "utf8",
    });
    key = r.status === 0 ? r.stdout.trim().split("\n").at(-1)?.trim() : undefined;
  } else {
    source = "SANDRUN_PRIVATE_KEY";
    key = env.SANDRUN_PRIVATE_KEY?.trim();
  }
  if (!key || !KEY.test(key))
    throw new KeyUnavailableError(`No 32-byte hex private key from ${source}.`, {
      details: "Give --key-file <path>, set SANDRUN_PRIVATE_KEY, or use --keystore.",
    });
  return key as Hex;
}
