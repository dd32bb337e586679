/**
 * Volume and duration discounts, applied exactly.
 *
 * A discount is a fraction in [0, 1) given as a decimal string (`'0.1'`) or a number (`0.1`);
 * a number is converted through its shortest decimal string (`String(0.1) === "0.1"`), never
 * through float arithmetic. For each kind the best applicable tier wins (the largest discount
 * among tiers whose threshold the job reaches). Volume and duration discounts compound:
 * `price × (1 − volume) × (1 − duration)`, rounded down to a whole base unit (in the
 * requester's favour, so a quoted discounted price is never exceeded).
 */
import type { Decimal } from "decimal.js";
import { ValidationError } from "../errors/input.ts";
import type { ValidationIssue } from "../errors/input.ts";
import { ExactDecimal } from "./amount.ts";

/** A volume tier: from `threshold` jobs on, `discount` off. */
export type VolumeDiscount = { readonly threshold: number; readonly discount: number | string };
/** A duration tier: for jobs of at least `hours`, `discount` off. */
export type DurationDiscount = { readonly hours: number; readonly discount: number | string };
/** Both kinds, as the design's `PricingModel.discounts`. */
export type Discounts = {
  readonly volume?: readonly VolumeDiscount[] | undefined;
  readonly duration?: readonly DurationDiscount[] | undefined;
};

const FRACTION = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/;

/**
 * Parses a discount fraction exactly; returns an issue instead of throwing, so validation can
 * collect every problem at once.
 *
 * @example
 * ```ts
 * import { parseDiscount } from "sandrun/client/money/index.ts";
 * parseDiscount(0.15, "d").value?.toString(); // "0.15"
 * ```
 */
export function parseDiscount(
  discount: unknown,
  field: string,
): { value?: Decimal; issue?: ValidationIssue } {
  let text: string;
  if (typeof discount === "number") {
    if (!Number.isFinite(discount)) return { issue: { field, message: "must be a finite number" } };
    text = String(discount);
    if (/e/i.test(text))
      return { issue: { field, message: `${text} is too small or large to be a discount` } };
  } else if (typeof discount === "string") text = discount;
  else return { issue: { field, message: "must be a number or decimal string in [0, 1)" } };
  if (!FRACTION.test(text))
    return { issue: { field, message: `${JSON.stringify(text)} is not a fraction in [0, 1)` } };
  const value = new ExactDecimal(text);
  if (value.gte(1)) return { issue: { field, message: "a discount of 100% or more is not a price" } };
  return { value };
}

/**
 * Lists every problem of a discounts object (field paths under `prefix`).
 *
 * @example
 * ```ts
 * validateDiscounts({ volume: [{ threshold: -1, discount: 2 }] }, "pricing.discounts"); // 2 issues
 * ```
 */
export function validateDiscounts(discounts: unknown, prefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (discounts === undefined) return issues;
  if (discounts === null || typeof discounts !== "object")
    return [{ field: prefix, message: "must be an object" }];
  const d = discounts as Record<string, unknown>;
  for (const key of Object.keys(d))
    if (key !== "volume" && key !== "duration")
      issues.push({ field: `${prefix}.${key}`, message: "unknown discount kind" });
  for (const [kind, thresholdKey] of [
    ["volume", "threshold"],
    ["duration", "hours"],
  ] as const) {
    const tiers = d[kind];
    if (tiers === undefined) continue;
    if (!Array.isArray(tiers)) {
      issues.push({ field: `${prefix}.${kind}`, message: "must be an array of tiers" });
      continue;
    }
    tiers.forEach((tier: unknown, i) => {
      const f = `${prefix}.${kind}[${i}]`;
      if (tier === null || typeof tier !== "object") {
        issues.push({ field: f, message: "must be an object" });
        return;
      }
      const t = tier as Record<string, unknown>;
      const th = t[thresholdKey];
      if (typeof th !== "number" || !Number.isInteger(th) || th < 1)
        issues.push({ field: `${f}.${thresholdKey}`, message: "must be a positive integer" });
      const p = parseDiscount(t.discount, `${f}.discount`);
      if (p.issue) issues.push(p.issue);
    });
  }
  return issues;
}

function best(
  tiers: readonly { at: number; discount: number | string }[] | undefined,
  reached: number,
  field: string,
): Decimal {
  let top = new ExactDecimal(0);
  for (const [i, tier] of (tiers ?? []).entries()) {
    if (reached < tier.at) continue;
    const p = parseDiscount(tier.discount, `${field}[${i}].discount`);
    if (p.issue) throw new ValidationError("Discount", [p.issue]);
    if (p.value!.gt(top)) top = p.value!;
  }
  return top;
}

/**
 * The best discount fractions that apply to a job (volume by the number of jobs the
 * requester has run or batches, duration by the job's hours).
 *
 * @example
 * ```ts
 * import { applicableDiscounts } from "sandrun/client/money/index.ts";
 * applicableDiscounts({ volume: [{ threshold: 100, discount: 0.1 }] }, { jobs: 150, hours: 1 }).volume.toString(); // "0.1"
 * ```
 */
export function applicableDiscounts(
  discounts: Discounts | undefined,
  usage: { readonly jobs?: number; readonly hours?: number },
): { volume: Decimal; duration: Decimal } {
  return {
    volume: best(
      discounts?.volume?.map((t) => ({ at: t.threshold, discount: t.discount })),
      usage.jobs ?? 0,
      "discounts.volume",
    ),
    duration: best(
      discounts?.duration?.map((t) => ({ at: t.hours, discount: t.discount })),
      usage.hours ?? 0,
      "discounts.duration",
    ),
  };
}

/**
 * Applies the best volume and duration tiers to a price in base units, exactly, rounding the
 * result down to a whole base unit.
 *
 * @param price - base units before discounts
 * @returns base units after discounts
 * @example
 * ```ts
 * import { applyDiscounts, toBaseUnits } from "sandrun/client/money/index.ts";
 * const d = { volume: [{ threshold: 100, discount: 0.1 }], duration: [{ hours: 24, discount: 0.05 }] };
 * applyDiscounts(toBaseUnits("4.0", 18), d, { jobs: 100, hours: 24 }); // 3.42 ETH in wei
 * ```
 */
export function applyDiscounts(
  price: bigint,
  discounts: Discounts | undefined,
  usage: { readonly jobs?: number; readonly hours?: number },
): bigint {
  if (price < 0n) throw new ValidationError("Price", [{ field: "price", message: "must not be negative" }]);
  const { volume, duration } = applicableDiscounts(discounts, usage);
  const factor = new ExactDecimal(1).minus(volume).times(new ExactDecimal(1).minus(duration));
  // factor has at most a few dozen digits, so price × factor is exact at 100 digits of precision; floor it.
  const result = new ExactDecimal(price.toString()).times(factor).floor();
  return BigInt(result.toFixed(0));
}
