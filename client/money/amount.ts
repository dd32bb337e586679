/**
 * Exact conversion between decimal strings in token units (`'0.5'`) and integer base units
 * (`bigint`). Never touches a JavaScript float: the string is checked by a strict grammar and
 * split into integer and fraction digits, so every accepted input converts exactly.
 */
import { Decimal } from "decimal.js";
import { InvalidAmountError } from "../errors/input.ts";

/**
 * A Decimal constructor with enough precision that no money calculation rounds:
 * 100 significant digits cover any uint256 in base units.
 * @example
 * ```ts
 * new ExactDecimal("0.1").plus("0.2").toString(); // "0.3"
 * ```
 */
export const ExactDecimal = Decimal.clone({
  precision: 100,
  rounding: Decimal.ROUND_DOWN,
  toExpNeg: -100,
  toExpPos: 100,
});

/** The strict grammar of an amount: digits, optionally a point and more digits. No sign, exponent or spaces. */
const AMOUNT = /^(\d+)(?:\.(\d+))?$/;

/** Largest number of digits accepted, so a hostile string cannot make a huge bigint. */
const MAX_DIGITS = 80;

function checkString(amount: unknown): { int: string; frac: string } {
  if (typeof amount !== "string")
    throw new InvalidAmountError(
      amount,
      "amounts are decimal strings in token units, e.g. '0.5' (not numbers)",
    );
  if (amount.length === 0) throw new InvalidAmountError(amount, "empty");
  if (amount.length > MAX_DIGITS)
    throw new InvalidAmountError(amount, `longer than ${MAX_DIGITS} characters`);
  if (amount.startsWith("-")) throw new InvalidAmountError(amount, "negative");
  if (/^[+-]?(nan|infinity)$/i.test(amount)) throw new InvalidAmountError(amount, "not a finite number");
  if (/e/i.test(amount))
    throw new InvalidAmountError(amount, "exponent notation is not accepted; write the digits");
  const m = AMOUNT.exec(amount);
  if (!m)
    throw new InvalidAmountError(
      amount,
      "not a plain decimal number (digits with an optional '.' and digits)",
    );
  return { int: m[1]!, frac: m[2] ?? "" };
}

/**
 * Converts a decimal string to integer base units with `decimals` fraction digits, exactly.
 * Refuses more significant fraction digits than `decimals` (trailing zeros are fine).
 *
 * @param amount - e.g. `'0.5'`
 * @param decimals - the unit's fraction digits (18 for ETH, 6 for USDC)
 * @returns base units
 * @throws InvalidAmountError
 * @example
 * ```ts
 * import { toBaseUnits } from "sandrun/client/money/index.ts";
 * toBaseUnits("0.5", 18); // 500000000000000000n
 * toBaseUnits("1.0000001", 6); // throws: more than 6 decimals
 * ```
 */
export function toBaseUnits(amount: string, decimals: number): bigint {
  const { int, frac } = checkString(amount);
  const significant = frac.replace(/0+$/, "");
  if (significant.length > decimals)
    throw new InvalidAmountError(
      amount,
      `more than ${decimals} decimal places cannot be represented exactly`,
    );
  return BigInt(int) * 10n ** BigInt(decimals) + BigInt(significant.padEnd(decimals, "0") || "0");
}

/**
 * Formats integer base units as a canonical decimal string (no trailing zeros, `'0'` for zero).
 *
 * @example
 * ```ts
 * import { fromBaseUnits } from "sandrun/client/money/index.ts";
 * fromBaseUnits(1500000n, 6); // "1.5"
 * ```
 */
export function fromBaseUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const int = abs / base;
  const frac = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/**
 * Checks that `amount` is a well-formed non-negative amount and returns it as a Decimal
 * (for exact arithmetic such as discounts), without a token.
 *
 * @example
 * ```ts
 * import { parseDecimal } from "sandrun/client/money/index.ts";
 * parseDecimal("4.0").mul("0.9").toString(); // "3.6"
 * ```
 */
export function parseDecimal(amount: string): Decimal {
  checkString(amount);
  return new ExactDecimal(amount);
}
