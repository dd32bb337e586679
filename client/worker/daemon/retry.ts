/**
 * RPC calls with exponential backoff: a dropped endpoint, a timeout or a 5xx is retried
 * with growing, jittered delays up to a cap; a contract revert is never retried (it
 * would revert again) and surfaces at once.
 * @module
 */
import { SandrunError } from "../../errors/base.ts";

/** Retry policy (see the daemon config's `retry`). */
export type RetryPolicy = { initialMs: number; maxMs: number; maxAttempts: number };

/**
 * The RPC endpoint stayed unreachable through every attempt of {@link withRetry}.
 *
 * @example
 * ```ts
 * import { RpcUnavailableError, withRetry } from "sandrun/client/worker/daemon/retry.ts";
 * try {
 *   await withRetry("getBlockNumber", () => client.getBlockNumber(), policy);
 * } catch (error) {
 *   if (error instanceof RpcUnavailableError) logger.warn({ attempts: error.attempts }, "RPC down");
 * }
 * ```
 */
export class RpcUnavailableError extends SandrunError {
  override name = "RpcUnavailableError";
  /** Attempts made. */
  readonly attempts: number;
  constructor(what: string, attempts: number, cause: unknown) {
    super(`RPC call "${what}" failed after ${attempts} attempts.`, { cause });
    this.attempts = attempts;
  }
}

const TRANSIENT = [
  /ECONNREFUSED/i,
  /ECONNRESET/i,
  /EPIPE/i,
  /ETIMEDOUT/i,
  /socket hang up/i,
  /fetch failed/i,
  /other side closed/i,
  /HTTP request failed/i,
  /took too long/i,
  /timed? ?out/i,
  /network/i,
  /status(?: code)?:? 5\d\d/i,
  /503|502|504/,
];

/**
 * Whether `error` looks like a transport failure worth retrying rather than an answer
 * (a revert, an invalid argument). Walks the `cause` chain.
 *
 * @example
 * ```ts
 * import { isTransient } from "sandrun/client/worker/daemon/retry.ts";
 * isTransient(new Error("connect ECONNREFUSED 127.0.0.1:8545")); // true
 * isTransient(new Error("execution reverted: NotInPool()")); // false
 * ```
 */
export function isTransient(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 8; depth++) {
    const name = (e as { name?: string }).name ?? "";
    if (/ContractFunctionRevertedError|ContractRevertedError|ExecutionRevertedError/.test(name)) return false;
    const msg = `${name} ${(e as { message?: string }).message ?? ""} ${(e as { code?: string }).code ?? ""}`;
    if (/HttpRequestError|TimeoutError|SocketClosedError|WebSocketRequestError/.test(name)) return true;
    if (TRANSIENT.some((re) => re.test(msg)) && !/revert/i.test(msg)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The delay in ms before attempt `attempt` (1-based): doubling from `initialMs` up to `maxMs`,
 * with ±25 % jitter so a fleet does not retry in step.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "sandrun/client/worker/daemon/retry.ts";
 * backoffDelay({ initialMs: 200, maxMs: 5_000, maxAttempts: 12 }, 3, () => 0.5); // 800
 * ```
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/**
 * Runs `fn`, retrying transient failures with exponential backoff.
 *
 * @throws {RpcUnavailableError} after `maxAttempts` transient failures; the original error
 *   at once when it is not transient; an `AbortError` when `signal` aborts.
 * @example
 * ```ts
 * import { withRetry } from "sandrun/client/worker/daemon/retry.ts";
 * const block = await withRetry("getBlockNumber", () => client.getBlockNumber(), policy);
 * ```
 */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  hooks: { onRetry?: (attempt: number, delayMs: number, error: unknown) => void; signal?: AbortSignal } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransient(e)) throw e;
      if (attempt >= policy.maxAttempts) throw new RpcUnavailableError(what, attempt, e);
      const delay = backoffDelay(policy, attempt);
      hooks.onRetry?.(attempt, delay, e);
      await sleep(delay, hooks.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
