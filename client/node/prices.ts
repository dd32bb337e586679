/**
 * Prices as an immutable, validated value object, and their exact encoding to the registry's
 * `Prices` struct: `uint64` base units of one token per unit (contracts/types/NodeTypes.sol).
 *
 * Mapping from the design's `PricingModel`: gpu.perHour → gpuHour, cpu.perCoreHour →
 * cpuCoreHour, memory.perGBHour → memoryGBHour, storage.perGBHour → storageGBHour,
 * network.perGBTransfer → networkGB, gpu.perJob → perJob, minimumJob → minimumJob,
 * currency → token. An item the model does not price is 0 on-chain. `gpu.perCompute` and the
 * discounts have no on-chain field: they travel in the metadata document.
 */
import type { Address } from "viem";
import { SandrunError } from "../errors/base.ts";
import { ValidationError } from "../errors/input.ts";
import type { ValidationIssue } from "../errors/input.ts";
import { fromBaseUnits, toBaseUnits } from "../money/amount.ts";
import { validateDiscounts } from "../money/discounts.ts";
import type { Discounts } from "../money/discounts.ts";
import type { Token, TokenRegistry } from "../money/tokens.ts";
import type { PricingModel } from "./types.ts";

/** The registry's `Prices` struct as viem reads and writes it. */
export type PricesStruct = {
  gpuHour: bigint;
  cpuCoreHour: bigint;
  memoryGBHour: bigint;
  storageGBHour: bigint;
  networkGB: bigint;
  perJob: bigint;
  minimumJob: bigint;
  token: Address;
};

/**
 * The on-chain price items, in the `Prices` struct's field order, for code that walks
 * every item of a {@link PricesStruct}.
 *
 * @example
 * ```ts
 * import { PRICE_ITEMS } from "sandrun/client/node/prices.ts";
 * const free = PRICE_ITEMS.every((item) => struct[item] === 0n);
 * ```
 */
export const PRICE_ITEMS = [
  "gpuHour",
  "cpuCoreHour",
  "memoryGBHour",
  "storageGBHour",
  "networkGB",
  "perJob",
  "minimumJob",
] as const;
/** One on-chain price item. */
export type PriceItem = (typeof PRICE_ITEMS)[number];

const UINT64_MAX = 2n ** 64n - 1n;

/** Validated prices: base units per item, plus the off-chain parts. */
export type PricesData = {
  readonly token: Token;
  readonly items: Readonly<Record<PriceItem, bigint>>;
  /** Off-chain: price per unit of compute (metadata only). */
  readonly perCompute: bigint | null;
  /** Volume and duration discounts, merged from top level and `gpu.discounts` (metadata only). */
  readonly discounts: Discounts;
};

/** Where each on-chain item sits in the design's model. */
const SOURCES: readonly (readonly [PriceItem, string, (m: PricingModel) => unknown])[] = [
  ["gpuHour", "pricing.gpu.perHour", (m) => m.gpu?.perHour],
  ["cpuCoreHour", "pricing.cpu.perCoreHour", (m) => m.cpu?.perCoreHour],
  ["memoryGBHour", "pricing.memory.perGBHour", (m) => m.memory?.perGBHour],
  ["storageGBHour", "pricing.storage.perGBHour", (m) => m.storage?.perGBHour],
  ["networkGB", "pricing.network.perGBTransfer", (m) => m.network?.perGBTransfer],
  ["perJob", "pricing.gpu.perJob", (m) => m.gpu?.perJob],
  ["minimumJob", "pricing.minimumJob", (m) => m.minimumJob],
];

function readAmount(value: unknown, field: string, token: Token, issues: ValidationIssue[]): bigint {
  if (value === undefined) return 0n;
  try {
    const raw = toBaseUnits(value as string, token.decimals);
    if (raw > UINT64_MAX) {
      issues.push({
        field,
        message: `at most ${fromBaseUnits(UINT64_MAX, token.decimals)} ${token.symbol} fits the registry's uint64 price`,
      });
      return 0n;
    }
    return raw;
  } catch (e) {
    issues.push({ field, message: e instanceof SandrunError ? e.shortMessage : String(e) });
    return 0n;
  }
}

/** Merges discounts given at the top level and inside `gpu` (the design's examples use both). */
function mergeDiscounts(model: PricingModel): Discounts {
  const top = model.discounts;
  const gpu = model.gpu?.discounts;
  return {
    volume: [...(top?.volume ?? []), ...(gpu?.volume ?? [])],
    duration: [...(top?.duration ?? []), ...(gpu?.duration ?? [])],
  };
}

/**
 * Reads and checks a pricing model against the known tokens, returning the data and every issue.
 *
 * @example
 * ```ts
 * import { readPrices } from "sandrun/client/node/prices.ts";
 * import { TokenRegistry } from "sandrun/client/money/index.ts";
 * const { data } = readPrices({ gpu: { perHour: "0.5" }, currency: "ETH" }, TokenRegistry.native());
 * data?.items.gpuHour; // 500000000000000000n
 * ```
 */
export function readPrices(
  model: PricingModel,
  tokens: TokenRegistry,
): { data: PricesData | null; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  if (model === null || typeof model !== "object")
    return { data: null, issues: [{ field: "pricing", message: "must be an object" }] };
  const token = typeof model.currency === "string" ? tokens.find(model.currency) : undefined;
  if (!token)
    issues.push({
      field: "pricing.currency",
      message:
        model.currency === undefined
          ? "is required (a token symbol such as 'ETH')"
          : `unknown token ${JSON.stringify(model.currency)}; known: ${tokens
              .list()
              .map((t) => t.symbol)
              .join(", ")}`,
    });
  const unit = token ?? tokens.get("ETH");
  const items = {} as Record<PriceItem, bigint>;
  for (const [item, field, get] of SOURCES) items[item] = readAmount(get(model), field, unit, issues);
  const perCompute =
    model.gpu?.perCompute === undefined
      ? null
      : readAmount(model.gpu.perCompute, "pricing.gpu.perCompute", unit, issues);
  if (model.gpu !== undefined && model.gpu.perHour === undefined)
    issues.push({ field: "pricing.gpu.perHour", message: "is required when gpu is priced" });
  issues.push(...validateDiscounts(model.discounts, "pricing.discounts"));
  issues.push(...validateDiscounts(model.gpu?.discounts, "pricing.gpu.discounts"));
  if (PRICE_ITEMS.every((i) => items[i] === 0n) && perCompute === null && issues.length === 0)
    issues.push({ field: "pricing", message: "prices nothing: give at least one price" });
  if (!token || issues.length > 0) return { data: null, issues };
  return {
    data: Object.freeze({
      token,
      items: Object.freeze(items),
      perCompute,
      discounts: Object.freeze(mergeDiscounts(model)),
    }),
    issues,
  };
}

/**
 * A node's prices: immutable, validated, convertible to and from the registry's struct.
 *
 * @example
 * ```ts
 * import { Prices } from "sandrun/client/node/prices.ts";
 * import { TokenRegistry } from "sandrun/client/money/index.ts";
 * const p = Prices.from({ gpu: { perHour: "0.5" }, cpu: { perCoreHour: "0.02" }, currency: "ETH" }, TokenRegistry.native());
 * p.format("cpuCoreHour"); // "0.02"
 * ```
 */
export class Prices {
  /** The validated data. */
  readonly data: PricesData;

  private constructor(data: PricesData) {
    this.data = data;
    Object.freeze(this);
  }

  /** Validates a model; throws {@link ValidationError} with every problem. */
  static from(model: PricingModel, tokens: TokenRegistry): Prices {
    const { data, issues } = readPrices(model, tokens);
    if (!data) throw new ValidationError("Pricing", issues);
    return new Prices(data);
  }

  /** Decodes the registry's struct; off-chain parts (discounts, perCompute) are taken from `extra`. */
  static fromStruct(
    s: PricesStruct,
    tokens: TokenRegistry,
    extra: { discounts?: Discounts; perCompute?: bigint | null } = {},
  ): Prices {
    const token = tokens.get(s.token);
    const items = {} as Record<PriceItem, bigint>;
    for (const item of PRICE_ITEMS) items[item] = s[item];
    return new Prices(
      Object.freeze({
        token,
        items: Object.freeze(items),
        perCompute: extra.perCompute ?? null,
        discounts: Object.freeze(extra.discounts ?? {}),
      }),
    );
  }

  /** The token the prices are in. */
  get token(): Token {
    return this.data.token;
  }

  /** One item in token units, e.g. `"0.5"`. */
  format(item: PriceItem): string {
    return fromBaseUnits(this.data.items[item], this.data.token.decimals);
  }

  /** The registry's struct. */
  toStruct(): PricesStruct {
    return { ...this.data.items, token: this.data.token.address };
  }

  /** The design's `PricingModel` (only the items that are priced). */
  toPricingModel(): PricingModel {
    const f = (i: PriceItem) => (this.data.items[i] > 0n ? this.format(i) : undefined);
    const model: PricingModel = { currency: this.data.token.symbol };
    const gpuHour = f("gpuHour");
    if (gpuHour !== undefined || f("perJob") !== undefined) {
      model.gpu = { perHour: gpuHour ?? "0" };
      if (f("perJob") !== undefined) model.gpu.perJob = f("perJob")!;
      if (this.data.perCompute !== null)
        model.gpu.perCompute = fromBaseUnits(this.data.perCompute, this.data.token.decimals);
    }
    if (f("cpuCoreHour")) model.cpu = { perCoreHour: f("cpuCoreHour")! };
    if (f("memoryGBHour")) model.memory = { perGBHour: f("memoryGBHour")! };
    if (f("storageGBHour")) model.storage = { perGBHour: f("storageGBHour")! };
    if (f("networkGB")) model.network = { perGBTransfer: f("networkGB")! };
    if (f("minimumJob")) model.minimumJob = f("minimumJob")!;
    const d = this.data.discounts;
    if ((d.volume?.length ?? 0) > 0 || (d.duration?.length ?? 0) > 0) model.discounts = d;
    return model;
  }
}
