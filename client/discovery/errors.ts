/**
 * Errors raised by discovery, cost estimation and scheduling, on the client's one base
 * (`SandrunError`: `shortMessage`, `details`, `cause`).
 */
import { SandrunError } from "../errors/base.ts";

/**
 * Options every discovery error accepts.
 *
 * @example
 * ```ts
 * throw new DiscoveryError("Index is empty.", { details: "call upsert first" });
 * ```
 */
export interface DiscoveryErrorOptions {
  /** Extra facts for the reader (values, what was expected). */
  details?: string;
  /** The underlying error, when one caused this one. */
  cause?: unknown;
}

/**
 * Base class of every discovery/scheduling error.
 *
 * @example
 * ```ts
 * import { DiscoveryError } from "./client/discovery/errors.ts";
 * try { run(); } catch (e) { if (e instanceof DiscoveryError) console.log(e.shortMessage, e.details); }
 * ```
 */
export class DiscoveryError extends SandrunError {
  override name = "DiscoveryError";

  constructor(shortMessage: string, options: DiscoveryErrorOptions = {}) {
    super(shortMessage, { details: options.details ?? "", cause: options.cause });
  }
}

/**
 * A criterion or filter argument is malformed (negative count, unparseable size, unknown enum).
 *
 * @example
 * ```ts
 * import { InvalidCriteriaError } from "./client/discovery/errors.ts";
 * throw new InvalidCriteriaError("minGPUs", "count must be a positive integer", -1);
 * ```
 */
export class InvalidCriteriaError extends DiscoveryError {
  override name = "InvalidCriteriaError";
  /** Which criterion was bad (e.g. "minGPUs", "capabilities[0].specs.memory"). */
  readonly criterion: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(criterion: string, problem: string, value: unknown, cause?: unknown) {
    super(`Invalid discovery criterion ${criterion}: ${problem}.`, {
      details: `value: ${safeString(value)}`,
      cause,
    });
    this.criterion = criterion;
    this.value = value;
  }
}

/**
 * Scheduling input is malformed (bad redundancy, duration, duplicate ids, mixed price tokens).
 *
 * @example
 * ```ts
 * import { InvalidScheduleInputError } from "./client/discovery/errors.ts";
 * throw new InvalidScheduleInputError("jobs[3].redundancy", "must be a positive integer", 0);
 * ```
 */
export class InvalidScheduleInputError extends DiscoveryError {
  override name = "InvalidScheduleInputError";
  /** Where in the input the problem is. */
  readonly field: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(field: string, problem: string, value: unknown) {
    super(`Invalid schedule input ${field}: ${problem}.`, { details: `value: ${safeString(value)}` });
    this.field = field;
    this.value = value;
  }
}

/**
 * Stringifies values for error details, bigint-safe.
 *
 * @example
 * ```ts
 * safeString({ amount: 5n }); // '{"amount":"5n"}'
 * ```
 */
export function safeString(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Prices in different tokens were about to be added together.
 *
 * @example
 * ```ts
 * import { MixedPriceTokensError } from "./client/discovery/errors.ts";
 * throw new MixedPriceTokensError(["0x0000000000000000000000000000000000000000", "0x1111111111111111111111111111111111111111"]);
 * ```
 */
export class MixedPriceTokensError extends DiscoveryError {
  override name = "MixedPriceTokensError";
  /** The distinct tokens found. */
  readonly tokens: readonly string[];

  constructor(tokens: readonly string[]) {
    super("Nodes price in different tokens; costs cannot be added across tokens.", {
      details: `tokens: ${tokens.join(", ")} (pass a token to keep only nodes priced in it)`,
    });
    this.tokens = tokens;
  }
}

/**
 * A discovery query found fewer nodes than it needs. Built from `evaluate(...).shortfall`.
 *
 * @example
 * ```ts
 * import { CriteriaUnmetError } from "./client/discovery/errors.ts";
 * const r = index.query(query, options);
 * if (r.shortfall) throw new CriteriaUnmetError(r.shortfall);
 * ```
 */
export class CriteriaUnmetError extends DiscoveryError {
  override name = "CriteriaUnmetError";
  /** Nodes required (minNodes). */
  readonly required: number;
  /** Nodes that matched every criterion. */
  readonly found: number;
  /** Key of the binding criterion ("minGPUs"), when one binds. */
  readonly criterion: string | undefined;
  /** Label of the binding criterion ("minGPUs(4, 'a100')"). */
  readonly label: string | undefined;
  /** Nodes that would match without the binding criterion. */
  readonly withoutIt: number | undefined;
  /** Best value a near-missing node offers on the binding criterion, and what was required. */
  readonly best: number | bigint | undefined;
  readonly requiredValue: number | bigint | undefined;

  constructor(shortfall: {
    required: number;
    found: number;
    message: string;
    binding?: {
      key: string;
      label: string;
      passedWithoutIt: number;
      bestNearMiss?: number | bigint;
      required?: number | bigint;
    };
  }) {
    super(`Discovery criteria cannot be met: ${shortfall.found} of ${shortfall.required} required nodes.`, {
      details: shortfall.message,
    });
    this.required = shortfall.required;
    this.found = shortfall.found;
    this.criterion = shortfall.binding?.key;
    this.label = shortfall.binding?.label;
    this.withoutIt = shortfall.binding?.passedWithoutIt;
    this.best = shortfall.binding?.bestNearMiss;
    this.requiredValue = shortfall.binding?.required;
  }
}
