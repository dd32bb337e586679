/**
 * CLI output: `--json` prints exactly one JSON document on stdout (bigints as decimal strings);
 * otherwise a readable summary. Progress on long waits goes to stderr only, so it never mixes
 * into JSON a script parses.
 * @module
 */

/** JSON with bigints as decimal strings and byte arrays as 0x-hex. */
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

/** Prints a command's result. */
export function print(json: boolean, value: unknown, human?: string): void {
  process.stdout.write(`${json || human === undefined ? toJson(value) : human}\n`);
}

/** A progress line on stderr (rewritten in place on a terminal). */
export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message}`);
  else process.stderr.write(`${message}\n`);
}

/** Ends a progress line. */
export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write("\n");
}
