/**
 * Tokens the client can price and bond in: `ETH` (native, 18 decimals) plus the ERC-20s a
 * deployment knows (e.g. a MockERC20 `USDC` with 6 decimals).
 */
import { getAddress, isAddress, zeroAddress } from "viem";
import type { Address } from "viem";
import { UnknownTokenError } from "../errors/input.ts";
import { InvalidAmountError } from "../errors/input.ts";

/** A token: its symbol, address (`0x000…0` for the native coin) and decimals. */
export type Token = { readonly symbol: string; readonly address: Address; readonly decimals: number };

/**
 * The native coin.
 * @example
 * ```ts
 * import { ETH } from "sandrun/client/money/index.ts";
 * ETH.decimals; // 18
 * ```
 */
export const ETH: Token = Object.freeze({ symbol: "ETH", address: zeroAddress, decimals: 18 });

/**
 * Defines a token, checking its address and decimals.
 * @example
 * ```ts
 * const usdc = defineToken("USDC", "0x5FbDB2315678afecb367f032d93F642f64180aa3", 6);
 * ```
 */
export function defineToken(symbol: string, address: string, decimals: number): Token {
  if (!/^[A-Za-z0-9._-]{1,16}$/.test(symbol)) throw new UnknownTokenError(symbol, []);
  if (!isAddress(address, { strict: false })) throw new UnknownTokenError(`${symbol} at ${address}`, []);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36)
    throw new InvalidAmountError(decimals, `token ${symbol} decimals must be an integer in [0, 36]`);
  return Object.freeze({ symbol, address: getAddress(address), decimals });
}

/**
 * An immutable set of known tokens, looked up by symbol (case-insensitive) or address.
 *
 * @example
 * ```ts
 * import { TokenRegistry, defineToken } from "sandrun/client/money/index.ts";
 * const tokens = TokenRegistry.native().with(defineToken("USDC", usdcAddress, 6));
 * tokens.get("usdc").decimals; // 6
 * ```
 */
export class TokenRegistry {
  readonly #bySymbol: ReadonlyMap<string, Token>;

  private constructor(tokens: readonly Token[]) {
    const map = new Map<string, Token>();
    for (const t of tokens) map.set(t.symbol.toUpperCase(), t);
    this.#bySymbol = map;
    Object.freeze(this);
  }

  /** A registry that knows only ETH. */
  static native(): TokenRegistry {
    return new TokenRegistry([ETH]);
  }

  /** A new registry with `token` added (replacing one with the same symbol). */
  with(token: Token): TokenRegistry {
    return new TokenRegistry([...this.#bySymbol.values(), token]);
  }

  /** Every known token. */
  list(): readonly Token[] {
    return [...this.#bySymbol.values()];
  }

  /** Whether `symbolOrAddress` is known. */
  has(symbolOrAddress: string): boolean {
    return this.find(symbolOrAddress) !== undefined;
  }

  /** The token, or `undefined`. */
  find(symbolOrAddress: string): Token | undefined {
    if (isAddress(symbolOrAddress, { strict: false })) {
      const a = symbolOrAddress.toLowerCase();
      return [...this.#bySymbol.values()].find((t) => t.address.toLowerCase() === a);
    }
    return this.#bySymbol.get(symbolOrAddress.toUpperCase());
  }

  /** The token; throws {@link UnknownTokenError} when unknown. */
  get(symbolOrAddress: string): Token {
    const t = this.find(symbolOrAddress);
    if (!t)
      throw new UnknownTokenError(
        symbolOrAddress,
        [...this.#bySymbol.values()].map((x) => x.symbol),
      );
    return t;
  }
}
