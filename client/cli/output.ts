/**
 * CLI output: `--json` prints exactly one JSON document on stdout (bigints as decimal strings);
 * otherwise a readable summary. Progress on long waits goes to stderr only, so it never mixes
 * into JSON a script parses.
 * @module
 */

/**
 * Serializes to indented JSON with bigints as decimal strings and byte arrays as 0x-hex (plain
 * `JSON.stringify` throws on bigints).
 *
 * @example
 * ```ts
 * import { toJson } from "sandrun/client/cli/output.ts";
 * toJson({ jobId: 7n, output: new Uint8Array([1, 2]) }); // '{\n  "jobId": "7",\n  "output": "0x0102"\n}'
 * ```
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === "bigint"
        ? v.toString()
        : v instanceof Uint8Array
          ? `0x${Buffer.from(v).toString("hex")}`
          : v,
    2,
  );
}

/**
 * Prints a command's result on stdout: the `human` line, or `value` as JSON with `--json` (or
 * when there is no human form).
 *
 * @example
 * ```ts
 * import { print } from "sandrun/client/cli/output.ts";
 * print(ctx.json, { jobId, txHash: hash }, `job ${jobId} posted`);
 * ```
 */
export function print(json: boolean, value: unknown, human?: string): void {
  process.stdout.write(`${json || human === undefined ? toJson(value) : human}\n`);
}

/**
 * Writes a progress line on stderr (rewritten in place on a terminal), never on stdout where it
 * would mix into JSON.
 *
 * @example
 * ```ts
 * import { progress, progressDone } from "sandrun/client/cli/output.ts";
 * progress(`job ${jobId}: 2/3 reveals`);
 * progressDone();
 * ```
 */
export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message}`);
  else process.stderr.write(`${message}\n`);
}

/**
 * Ends a progress line (a newline on a terminal, so the next output starts on its own line).
 *
 * @example
 * ```ts
 * import { progressDone } from "sandrun/client/cli/output.ts";
 * progressDone();
 * ```
 */
export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write("\n");
}
