/**
 * Money: tokens, exact amounts and discounts.
 *
 * @example
 * ```ts
 * import { TokenRegistry, TokenAmount, toBaseUnits, applyDiscounts } from "sandrun/client/money/index.ts";
 * ```
 * @module
 */
export { ExactDecimal, fromBaseUnits, parseDecimal, toBaseUnits } from "./amount.ts";
export {
  applicableDiscounts,
  applyDiscounts,
  parseDiscount,
  validateDiscounts,
  type Discounts,
  type DurationDiscount,
  type VolumeDiscount,
} from "./discounts.ts";
export { TokenAmount } from "./token-amount.ts";
export { ETH, TokenRegistry, defineToken, type Token } from "./tokens.ts";
