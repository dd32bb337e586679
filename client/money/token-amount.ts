/**
 * An amount of a token as an immutable value object: exact base units underneath, a decimal
 * string in token units on the outside (like sdk-core's `CurrencyAmount`).
 */
import { InvalidAmountError } from "../errors/input.ts";
import { fromBaseUnits, toBaseUnits } from "./amount.ts";
import type { Token } from "./tokens.ts";

/**
 * An exact, non-negative amount of one token.
 *
 * @example
 * ```ts
 * import { TokenAmount, ETH } from "sandrun/client/money/index.ts";
 * const a = TokenAmount.parse("0.5", ETH);
 * a.raw; // 500000000000000000n
 * a.add(TokenAmount.parse("0.25", ETH)).toString(); // "0.75"
 * ```
 */
export class TokenAmount {
  /** The token. */
  readonly token: Token;
  /** Integer base units. */
  readonly raw: bigint;

  private constructor(token: Token, raw: bigint) {
    if (raw < 0n) throw new InvalidAmountError(fromBaseUnits(raw, token.decimals), "negative");
    this.token = token;
    this.raw = raw;
    Object.freeze(this);
  }

  /** Parses a decimal string in token units. */
  static parse(amount: string, token: Token): TokenAmount {
    return new TokenAmount(token, toBaseUnits(amount, token.decimals));
  }

  /** Wraps base units. */
  static fromRaw(raw: bigint, token: Token): TokenAmount {
    return new TokenAmount(token, raw);
  }

  /** Zero of `token`. */
  static zero(token: Token): TokenAmount {
    return new TokenAmount(token, 0n);
  }

  #same(other: TokenAmount): void {
    if (other.token.address !== this.token.address)
      throw new InvalidAmountError(
        other.toString(),
        `cannot combine ${other.token.symbol} with ${this.token.symbol}`,
      );
  }

  /** The sum. */
  add(other: TokenAmount): TokenAmount {
    this.#same(other);
    return new TokenAmount(this.token, this.raw + other.raw);
  }

  /** The difference; throws when it would be negative. */
  sub(other: TokenAmount): TokenAmount {
    this.#same(other);
    return new TokenAmount(this.token, this.raw - other.raw);
  }

  /** Whether this is greater than `other`. */
  gt(other: TokenAmount): boolean {
    this.#same(other);
    return this.raw > other.raw;
  }

  /** The amount in token units, e.g. `"0.5"`. */
  toString(): string {
    return fromBaseUnits(this.raw, this.token.decimals);
  }

  /** `"0.5 ETH"`. */
  toDisplay(): string {
    return `${this.toString()} ${this.token.symbol}`;
  }
}
