/**
 * The one base class of every error the Sandrun client throws. Modelled on viem's
 * `BaseError`: a one-line `shortMessage` for UIs, `details` for logs, the original `cause`,
 * and a stable `name` per subclass so callers can branch on `err.name` or `instanceof`.
 */

/** Options every {@link SandrunError} accepts. */
export type SandrunErrorParameters = {
  /** A longer explanation (defaults to the cause's message). */
  details?: string | undefined;
  /** The error that led to this one. */
  cause?: unknown;
  /** Extra lines shown between the short message and the details. */
  metaMessages?: readonly string[] | undefined;
};

/**
 * Base of every error of the Sandrun client.
 *
 * @example
 * ```ts
 * import { SandrunError } from "sandrun/client/errors.ts";
 * try { await node.heartbeat(); } catch (e) {
 *   if (e instanceof SandrunError) console.error(e.shortMessage, e.details);
 * }
 * ```
 */
export class SandrunError extends Error {
  /** One line, safe to show to a user. */
  readonly shortMessage: string;
  /** A longer explanation or the underlying error's message. */
  readonly details: string;
  /** Extra context lines. */
  readonly metaMessages: readonly string[];
  override name = "SandrunError";

  constructor(shortMessage: string, parameters: SandrunErrorParameters = {}) {
    const cause = parameters.cause;
    const details =
      parameters.details ??
      (cause instanceof SandrunError
        ? cause.details
        : cause instanceof Error
          ? ((cause as { shortMessage?: string }).shortMessage ?? cause.message)
          : cause !== undefined
            ? String(cause)
            : "");
    const meta = parameters.metaMessages ?? [];
    const message = [
      shortMessage,
      ...(meta.length > 0 ? ["", ...meta] : []),
      ...(details ? ["", `Details: ${details}`] : []),
    ].join("\n");
    super(message, cause !== undefined ? { cause } : undefined);
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = meta;
  }

  /**
   * Follows the `cause` chain and returns the first error `predicate` accepts (or the
   * innermost error when no predicate is given).
   *
   * @example
   * ```ts
   * const revert = err.walk((e) => e instanceof ContractRevertedError);
   * ```
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    let current: unknown = this as unknown;
    for (;;) {
      if (predicate?.(current)) return current;
      const next =
        current !== null && typeof current === "object" && "cause" in current
          ? (current as { cause?: unknown }).cause
          : undefined;
      if (next === undefined) return predicate ? null : current;
      current = next;
    }
  }
}
