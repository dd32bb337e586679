/**
 * Small field checks that record an issue instead of throwing, so validation reports every
 * problem at once.
 */
import { SandrunError } from "../errors/base.ts";
import type { ValidationIssue } from "../errors/input.ts";
import { parseSizeMB } from "./units.ts";

/**
 * Collects issues while reading fields, so a validator reads every field and reports all
 * problems in one ValidationError instead of stopping at the first.
 *
 * @example
 * ```ts
 * import { IssueList } from "sandrun/client/node/checks.ts";
 * const v = new IssueList();
 * const cores = v.int(input.cores, "cpu.cores", 1, 1024);
 * const arch = v.oneOf(input.architecture, "cpu.architecture", CPU_ARCHITECTURES, "x86_64");
 * if (v.issues.length > 0) throw new ValidationError("Capabilities", v.issues);
 * ```
 */
export class IssueList {
  readonly issues: ValidationIssue[] = [];

  /** Records a problem with `field`. */
  add(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  /**
   * An integer in [min, max], or `fallback` when absent. Records an issue and returns
   * `fallback` when invalid.
   */
  int(value: unknown, field: string, min: number, max: number, fallback?: number): number {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.add(
        field,
        value === undefined ? "is required" : `must be an integer, got ${JSON.stringify(value)}`,
      );
      return fallback ?? min;
    }
    if (value < min || value > max) {
      this.add(field, `must be between ${min} and ${max}, got ${value}`);
      return fallback ?? min;
    }
    return value;
  }

  /** One of `options`, or `fallback` when absent. */
  oneOf<T extends string>(value: unknown, field: string, options: readonly T[], fallback?: T): T {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string" || !(options as readonly string[]).includes(value)) {
      this.add(
        field,
        `must be one of ${options.map((o) => `'${o}'`).join(", ")}, got ${JSON.stringify(value)}`,
      );
      return fallback ?? options[0]!;
    }
    return value as T;
  }

  /**
   * A size in whole GB (the registry stores GB): accepts numbers (GB) and unit strings; records
   * an issue for a malformed size or one that is not a whole number of GB.
   */
  wholeGB(value: unknown, field: string, max: number, required = true): number {
    if (value === undefined) {
      if (required) this.add(field, "is required");
      return 0;
    }
    let mb: bigint;
    try {
      mb = parseSizeMB(value, field);
    } catch (e) {
      this.add(field, e instanceof SandrunError ? e.shortMessage : String(e));
      return 0;
    }
    if (mb % 1000n !== 0n) {
      this.add(field, `the registry stores whole GB; ${JSON.stringify(value)} is ${Number(mb) / 1000} GB`);
      return 0;
    }
    const gb = mb / 1000n;
    if (gb > BigInt(max)) {
      this.add(field, `must be at most ${max} GB, got ${gb} GB`);
      return 0;
    }
    return Number(gb);
  }

  /** A short ASCII label that fits a `bytes16` (lower-case letters, digits, `-`, `_`, `.`). */
  label(value: unknown, field: string, required: boolean): string {
    if (value === undefined || value === "") {
      if (required) this.add(field, "is required");
      return "";
    }
    if (typeof value !== "string" || !/^[a-z0-9._-]{1,16}$/.test(value)) {
      this.add(field, "must be 1-16 lower-case letters, digits, '-', '_' or '.' (stored as bytes16)");
      return "";
    }
    return value;
  }
}
