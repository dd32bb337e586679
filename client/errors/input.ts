/**
 * Errors for bad input the client refuses before anything reaches the chain.
 */
import { SandrunError } from "./base.ts";

/**
 * An amount of money that is not a well-formed, non-negative decimal string exactly
 * representable in the token's base units (or in the registry's price unit).
 *
 * @example
 * ```ts
 * import { parseAmount } from "sandrun/client/money/index.ts";
 * parseAmount("0.1234567", { symbol: "USDC", decimals: 6 }); // throws InvalidAmountError
 * ```
 */
export class InvalidAmountError extends SandrunError {
  override name = "InvalidAmountError";
  /** The amount as given. */
  readonly amount: string;
  /** Why it was refused. */
  readonly reason: string;
  constructor(amount: unknown, reason: string) {
    super(`Invalid amount ${JSON.stringify(String(amount))}: ${reason}.`);
    this.amount = String(amount);
    this.reason = reason;
  }
}

/**
 * A token symbol (or address) the deployment does not know.
 *
 * @example
 * ```ts
 * import { TokenRegistry } from "sandrun/client/money/index.ts";
 * TokenRegistry.native().get("DOGE"); // throws UnknownTokenError
 * ```
 */
export class UnknownTokenError extends SandrunError {
  override name = "UnknownTokenError";
  /** The symbol or address asked for. */
  readonly token: string;
  /** The symbols that are known. */
  readonly known: readonly string[];
  constructor(token: string, known: readonly string[]) {
    super(`Unknown token "${token}".`, { details: `Known tokens: ${known.join(", ") || "none"}.` });
    this.token = token;
    this.known = known;
  }
}

/**
 * A size or quantity with a unit the client cannot read (e.g. `'24 parsecs'`).
 *
 * @example
 * ```ts
 * import { parseSizeGB } from "sandrun/client/node/units.ts";
 * parseSizeGB("24XB", "gpu.memory"); // throws InvalidUnitError
 * ```
 */
export class InvalidUnitError extends SandrunError {
  override name = "InvalidUnitError";
  /** The field the value was given for. */
  readonly field: string;
  /** The value as given. */
  readonly value: string;
  constructor(field: string, value: unknown, reason: string) {
    super(`Invalid ${field} ${JSON.stringify(value)}: ${reason}.`);
    this.field = field;
    this.value = String(value);
  }
}

/** One problem found by validation: the field (dot path) and what is wrong with it. */
export type ValidationIssue = { readonly field: string; readonly message: string };

/**
 * Input with one or more problems, every one listed field by field (validation never
 * stops at the first problem).
 *
 * @example
 * ```ts
 * import { ValidationError } from "sandrun/client/errors.ts";
 * try { await builder.register(); } catch (e) {
 *   if (e instanceof ValidationError) for (const i of e.issues) console.log(i.field, i.message);
 * }
 * ```
 */
export class ValidationError extends SandrunError {
  override name = "ValidationError";
  /** Every problem found. */
  readonly issues: readonly ValidationIssue[];
  constructor(subject: string, issues: readonly ValidationIssue[]) {
    super(`${subject} is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}).`, {
      metaMessages: issues.map((i) => `- ${i.field}: ${i.message}`),
    });
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
  }
}

/**
 * A method of the original design that this build cannot perform for real (yet). It names
 * the method so the caller knows exactly what is missing; it never pretends to succeed.
 *
 * @example
 * ```ts
 * import { NotSupportedError } from "sandrun/client/errors.ts";
 * throw new NotSupportedError("Node.executeJob", "attach the worker module: attachWorker(node, worker)");
 * ```
 */
export class NotSupportedError extends SandrunError {
  override name = "NotSupportedError";
  /** The method that is not available. */
  readonly method: string;
  constructor(method: string, hint?: string) {
    super(`${method} is not supported in this build.`, hint ? { details: hint } : {});
    this.method = method;
  }
}

/**
 * An action needs something the client was not given (a wallet, a deployment address,
 * an account on the wallet, ...).
 *
 * @example
 * ```ts
 * import { MissingConfigurationError } from "sandrun/client/errors.ts";
 * throw new MissingConfigurationError("walletClient", "register() sends a transaction");
 * ```
 */
export class MissingConfigurationError extends SandrunError {
  override name = "MissingConfigurationError";
  /** What is missing. */
  readonly missing: string;
  constructor(missing: string, why: string) {
    super(`Missing ${missing}: ${why}.`);
    this.missing = missing;
  }
}

/**
 * A resource reservation that exceeds what the node declared and has not yet reserved.
 *
 * @example
 * ```ts
 * await node.reserveResources({ gpus: 99 }); // throws CapacityExceededError
 * ```
 */
export class CapacityExceededError extends SandrunError {
  override name = "CapacityExceededError";
  /** The resource that is short. */
  readonly resource: string;
  /** What was asked for. */
  readonly requested: number;
  /** What is still free. */
  readonly available: number;
  constructor(resource: string, requested: number, available: number) {
    super(`Not enough ${resource}: requested ${requested}, available ${available}.`);
    this.resource = resource;
    this.requested = requested;
    this.available = available;
  }
}

/**
 * An id (reservation, invoice, node, ...) the client does not know.
 *
 * @example
 * ```ts
 * await node.releaseResources("res-404"); // throws UnknownIdError
 * ```
 */
export class UnknownIdError extends SandrunError {
  override name = "UnknownIdError";
  /** What kind of id. */
  readonly kind: string;
  /** The id given. */
  readonly id: string;
  constructor(kind: string, id: string) {
    super(`Unknown ${kind} "${id}".`);
    this.kind = kind;
    this.id = id;
  }
}

/**
 * An invoice the node must not send (amount above the job's per-node price, job not
 * found, already invoiced, ...).
 *
 * @example
 * ```ts
 * await node.submitInvoice("1", "1000"); // throws InvoiceRejectedError when above the cap
 * ```
 */
export class InvoiceRejectedError extends SandrunError {
  override name = "InvoiceRejectedError";
  /** The job id. */
  readonly jobId: string;
  constructor(jobId: string, reason: string) {
    super(`Invoice for job ${jobId} rejected: ${reason}.`);
    this.jobId = jobId;
  }
}

/**
 * A transaction was mined but reverted, or its receipt lacks the event the action
 * expected (which would mean the deployment is not the contract the client was built for).
 *
 * @example
 * ```ts
 * import { TransactionFailedError } from "sandrun/client/errors.ts";
 * throw new TransactionFailedError("0xabc…", "NodeRegistered event not found");
 * ```
 */
export class TransactionFailedError extends SandrunError {
  override name = "TransactionFailedError";
  /** The transaction hash. */
  readonly hash: string;
  constructor(hash: string, reason: string) {
    super(`Transaction ${hash} failed: ${reason}.`);
    this.hash = hash;
  }
}
