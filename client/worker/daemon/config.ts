/**
 * The worker daemon's configuration, validated once at start-up (zod): a daemon that
 * starts runs with sane values, and a bad value is a {@link ValidationError} naming every
 * problem at once instead of a surprise an hour later.
 * @module
 */
import { z } from "zod";
import { ValidationError } from "../../errors/input.ts";

/**
 * The zod schema of {@link DaemonConfig}; defaults fill whatever is omitted (use
 * {@link parseDaemonConfig} for a typed {@link ValidationError} instead of a ZodError).
 *
 * @example
 * ```ts
 * import { daemonConfigSchema } from "sandrun/client/worker/daemon/config.ts";
 * const config = daemonConfigSchema.parse({ stateDir: "./.sandrun" });
 * config.pollIntervalMs; // 500
 * ```
 */
export const daemonConfigSchema = z.object({
  /** Directory for the block cursor and per-job records (created if missing). */
  stateDir: z.string().min(1),
  /** How often to poll for new blocks, in ms. */
  pollIntervalMs: z.number().int().min(10).max(600_000).default(500),
  /** Blocks to scan per getLogs call (bounded so a far-behind cursor cannot overload the RPC). */
  maxBlockRange: z.number().int().min(1).max(100_000).default(2_000),
  /** First block to scan when no cursor is persisted (usually the deployment block). */
  fromBlock: z.bigint().min(0n).default(0n),
  /** Jobs executed at the same time. */
  maxConcurrentJobs: z.number().int().min(1).max(256).default(2),
  /** Heartbeat period in ms (0 disables heartbeats). */
  heartbeatIntervalMs: z.number().int().min(0).default(60_000),
  /** Seconds of slack a job must leave between its timeout and its commit deadline. */
  marginSeconds: z.number().int().min(0).default(5),
  /** Outputs up to this size travel inline as a data URI; larger ones are served over HTTP. */
  inlineOutputMaxBytes: z.number().int().min(0).max(1_000_000).default(4_096),
  /** Host of the output server (loopback unless an operator exposes it deliberately). */
  outputHost: z.string().default("127.0.0.1"),
  /** Port of the output server (0 = any free port). */
  outputPort: z.number().int().min(0).max(65_535).default(0),
  /** Withdraw credited earnings once they reach this many base units (0 = after every payout). */
  withdrawThreshold: z.bigint().min(0n).default(0n),
  /** RPC retry policy. */
  retry: z
    .object({
      initialMs: z.number().int().min(1).default(200),
      maxMs: z.number().int().min(1).default(5_000),
      maxAttempts: z.number().int().min(1).default(12),
    })
    .prefault({}),
  /** On stop: wait this long for in-flight jobs before abandoning them. */
  drainTimeoutMs: z.number().int().min(0).default(30_000),
  /**
   * TEST/DEMO ONLY. Corrupts this worker's output digest so the protocol's slashing can be
   * shown; never enable on a real node: it loses collateral on every job.
   */
  dishonestCorruptDigest: z.boolean().default(false),
  /** TEST/DEMO ONLY. Commits but never reveals (shows the no-show penalty). */
  dishonestNeverReveal: z.boolean().default(false),
});

/** Validated daemon configuration. */
export type DaemonConfig = z.output<typeof daemonConfigSchema>;
/** What callers may pass (defaults fill the rest). */
export type DaemonConfigInput = z.input<typeof daemonConfigSchema>;

/**
 * Validates `input` and fills defaults.
 *
 * @throws {ValidationError} listing every bad field.
 * @example
 * ```ts
 * import { parseDaemonConfig } from "sandrun/client/worker/daemon/config.ts";
 * const cfg = parseDaemonConfig({ stateDir: "./.sandrun/worker" });
 * ```
 */
export function parseDaemonConfig(input: DaemonConfigInput): DaemonConfig {
  const r = daemonConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(
    "worker daemon configuration",
    r.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", message: i.message })),
  );
}
