/**
 * Sizes as the design writes them: a number (already in the field's unit) or a string with a
 * unit — `'24GB'`, `'80GB'`, `'4TB'`, `'512MB'`, `'1.5 TB'`.
 *
 * Units: `MB`, `GB`, `TB`, `PB`, decimal (×1000, as storage and GPU vendors quote them; a
 * binary unit such as GiB would make '24GB' and 24 disagree). Conversion is exact in integer megabytes; the result
 * is returned in gigabytes as a number with at most three decimals (1 MB = 0.001 GB).
 */
import { InvalidUnitError } from "../errors/input.ts";

const MB_PER: Readonly<Record<string, bigint>> = {
  MB: 1n,
  GB: 1000n,
  TB: 1000_000n,
  PB: 1000_000_000n,
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\s*$/;

/**
 * Parses a size into whole megabytes.
 *
 * @param value - a non-negative number of `defaultUnit`s, or a string with a unit
 * @param field - the field name, for the error
 * @param defaultUnit - the unit of a bare number (the design's fields are in GB)
 * @throws InvalidUnitError
 * @example
 * ```ts
 * import { parseSizeMB } from "sandrun/client/node/units.ts";
 * parseSizeMB("4TB", "storage.capacity"); // 4000000n
 * parseSizeMB(64, "memory.total"); // 64000n
 * ```
 */
export function parseSizeMB(value: unknown, field: string, defaultUnit: "GB" | "MB" = "GB"): bigint {
  let digits: string;
  let unit: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0)
      throw new InvalidUnitError(field, value, "must be a non-negative number");
    digits = String(value);
    if (/e/i.test(digits)) throw new InvalidUnitError(field, value, "out of range");
    unit = defaultUnit;
  } else if (typeof value === "string") {
    const m = SIZE.exec(value);
    if (!m) throw new InvalidUnitError(field, value, "expected a size such as '24GB', '4TB' or '512MB'");
    digits = m[1]!;
    unit = (m[2] ?? defaultUnit).toUpperCase();
    if (unit === "G" || unit === "T" || unit === "M") unit += "B";
  } else throw new InvalidUnitError(field, value, "expected a number or a size string such as '24GB'");
  const per = MB_PER[unit];
  if (per === undefined)
    throw new InvalidUnitError(field, value, `unknown unit "${unit}" (use MB, GB, TB or PB)`);
  const [int, frac = ""] = digits.split(".");
  // Exact: scale the decimal digits by the unit, then require a whole number of megabytes.
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt(int! + frac) * per;
  if (scaled % scale !== 0n) throw new InvalidUnitError(field, value, "not a whole number of megabytes");
  return scaled / scale;
}

/**
 * Parses a size into gigabytes (decimal), exact to the megabyte.
 *
 * @example
 * ```ts
 * import { parseSizeGB } from "sandrun/client/node/units.ts";
 * parseSizeGB("24GB", "gpu.memory"); // 24
 * parseSizeGB("512MB", "memory.total"); // 0.512
 * ```
 */
export function parseSizeGB(value: unknown, field: string): number {
  const mb = parseSizeMB(value, field);
  return Number(mb) / 1000;
}
