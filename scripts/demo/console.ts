/**
 * How the demo talks to a newcomer: headings, short indented lines, aligned tables. Colours
 * only when stdout is a terminal (and NO_COLOR is unset), so logs and tests read plain text.
 */

const useColour = Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;

const paint =
  (code: number) =>
  (text: string): string =>
    useColour ? `\u001b[${code}m${text}\u001b[0m` : text;

/** Colour helpers (identity functions when stdout is not a TTY). */
export const c = {
  bold: paint(1),
  dim: paint(2),
  red: paint(31),
  green: paint(32),
  yellow: paint(33),
  blue: paint(34),
  magenta: paint(35),
  cyan: paint(36),
};

const started = Date.now();

/** Seconds since the demo started, as `  4.2s`. */
function clock(): string {
  return `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
}

/** A section heading. */
export function heading(title: string): void {
  console.log("");
  console.log(c.bold(c.cyan(`== ${title} `.padEnd(72, "="))));
}

/** A line of narration (what the demo does next, and why). */
export function say(text: string): void {
  console.log(`  ${text}`);
}

/** A timestamped line about something that happened (chain event, sandbox run). */
export function event(tag: string, text: string): void {
  console.log(`${c.dim(clock())}  ${tag.padEnd(10)} ${text}`);
}

/** A warning a newcomer should notice (e.g. a runtime that is skipped). */
export function warn(text: string): void {
  console.log(`  ${c.yellow("!")} ${text}`);
}

/** Strips colour codes (to measure printed width). */
function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/gu, "");
}

/** Prints rows as an aligned table under a header row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => plain(r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    ("  " + cells.map((cell, i) => cell + " ".repeat(widths[i]! - plain(cell).length)).join("  ")).trimEnd();
  console.log(c.bold(line(header)));
  console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}
