/**
 * A posted job, as the requester follows it: `id`, `status()`, `wait()`, `logs()`,
 * `cancel()`, `download()`, `downloadTo(path)`. Everything is read from the chain (the job
 * view and the job's events), so an execution can be rebuilt from its id alone.
 * @module
 */
import { keccak256, type Address, type Hex } from "viem";

import { cancelJob } from "../actions/market/cancelJob.ts";
import { getJob } from "../actions/market/getJob.ts";
import { getJobEvents, type JobEvent } from "../actions/market/getJobEvents.ts";
import type { JobInfo } from "../actions/market/jobTypes.ts";
import { settleJob } from "../actions/market/settleJob.ts";
import type { SandrunClient } from "../chain/clients.ts";
import { MissingConfigurationError, SandrunError } from "../errors.ts";
import { tallyKey } from "../proofs/consensus.ts";
import { decryptWith } from "../proofs/encryption.ts";
import { verifyOutput } from "./output.ts";
import { loadUri } from "./spec-fetch.ts";

/** Where a job is, in words a requester reads. */
export type JobPhase =
  | "waiting-for-nodes" // open, no slot taken
  | "running" // slots taken, results outstanding
  | "decided" // every slot has a result; settlement pending
  | "settled"
  | "cancelled"
  | "expired";

/** What `status()` returns. */
export type JobStatusInfo = {
  readonly id: string;
  readonly phase: JobPhase;
  readonly job: JobInfo;
  /** Unix seconds of the latest block. */
  readonly now: number;
};

/** One agreed-on or dissenting result of the job. */
export type JobResultEntry = {
  readonly nodeId: string;
  readonly digest: Hex;
  readonly resultURI: string;
  readonly invoice: bigint;
};

/** What `wait()` returns. */
export type JobResult = {
  readonly id: string;
  readonly phase: JobPhase;
  /** The job's verification level (cryptographic outputs are encrypted to the requester). */
  readonly verification: JobInfo["verification"];
  /** Whether consensus was reached. */
  readonly consensus: boolean;
  /** The accepted digest in full (from an agreeing result), when reached. */
  readonly digest: Hex | undefined;
  /** Results that agree with the accepted digest. */
  readonly agreeing: readonly JobResultEntry[];
  /** Every result revealed or reported. */
  readonly results: readonly JobResultEntry[];
  /** Escrow returned to the requester: at settlement, or all of it on cancellation or expiry (base units). */
  readonly refunded: bigint;
  /** The settlement record (as the JobSettled event carries it), when settled. */
  readonly record: Readonly<Record<string, unknown>> | undefined;
};

/**
 * A job that ended without an output to download (cancelled, expired or no consensus), or
 * did not end in time; carries the job id and the phase it was in.
 *
 * @example
 * ```ts
 * import { JobNotCompletedError } from "sandrun/client/job/JobExecution.ts";
 * try {
 *   await execution.wait({ timeoutMs: 60_000 });
 * } catch (e) {
 *   if (e instanceof JobNotCompletedError) console.log(e.jobId, e.phase); // e.g. "7" "running"
 * }
 * ```
 */
export class JobNotCompletedError extends SandrunError {
  override name = "JobNotCompletedError";
  readonly jobId: string;
  readonly phase: JobPhase;
  constructor(jobId: string, phase: JobPhase, why: string) {
    super(`Job ${jobId} has no agreed output: ${why}.`);
    this.jobId = jobId;
    this.phase = phase;
  }
}

/** What an execution needs from its surroundings. */
export type JobExecutionContext = {
  readonly client: SandrunClient;
  readonly jobMarket: Address;
  /** The requester's decryption key (cryptographic level: outputs are encrypted to its public key). */
  readonly decryptionKey?: Hex | Uint8Array | undefined;
  /** Milliseconds between chain reads while waiting (default 500). */
  readonly pollingInterval?: number | undefined;
};

function resultsOf(events: readonly JobEvent[]): JobResultEntry[] {
  return events
    .filter((e) => e.eventName === "ResultRevealed" || e.eventName === "ResultReported")
    .map((e) => ({
      nodeId: String(e.args.nodeId),
      digest: e.args.digest as Hex,
      resultURI: e.args.resultURI as string,
      invoice: e.args.invoice as bigint,
    }));
}

/**
 * A posted job.
 *
 * @example
 * ```ts
 * const execution = await sandrun.job().code("console.log(6 * 7)").with(pool).submit();
 * const result = await execution.wait();
 * if (result.consensus) console.log(new TextDecoder().decode(await execution.download()));
 * ```
 */
export class JobExecution {
  /** The on-chain job id (decimal string). */
  readonly id: string;
  readonly #ctx: JobExecutionContext;

  constructor(context: JobExecutionContext, jobId: bigint | string) {
    this.id = BigInt(jobId).toString();
    this.#ctx = context;
    Object.freeze(this);
  }

  get #jobId(): bigint {
    return BigInt(this.id);
  }

  /** The job's events, in chain order. */
  events(): Promise<JobEvent[]> {
    return getJobEvents(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, jobId: this.#jobId });
  }

  /** Where the job is now. */
  async status(): Promise<JobStatusInfo> {
    const pc = this.#ctx.client.publicClient;
    const [job, block] = await Promise.all([
      getJob(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, jobId: this.#jobId }),
      pc.getBlock({ blockTag: "latest" }),
    ]);
    let phase: JobPhase;
    if (job.status === "cancelled") phase = "cancelled";
    else if (job.status === "settled") {
      // Settlement clears the job's slot counters (a gas refund), so `taken` cannot tell an
      // expired job from a settled one: the JobExpired event does.
      const events = await this.events();
      phase = events.some((e) => e.eventName === "JobExpired") ? "expired" : "settled";
    } else if (job.taken === 0) phase = "waiting-for-nodes";
    else if (job.revealed >= job.taken && job.taken === job.n) phase = "decided";
    else phase = "running";
    return Object.freeze({ id: this.id, phase, job, now: Number(block.timestamp) });
  }

  /**
   * Waits until the job ends (settled, cancelled or expired) and returns its result. When the
   * reveal deadline has passed (or the commit deadline with no slot taken) and nobody settled
   * it, settles it (anyone may): a job never waits forever on a vanished node.
   *
   * @param options.timeoutMs give up after this long (default 10 minutes) with JobNotCompletedError.
   * @param options.settle settle a decided or overdue job (default true).
   */
  async wait(options: { timeoutMs?: number; settle?: boolean } = {}): Promise<JobResult> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    const interval = this.#ctx.pollingInterval ?? 500;
    for (;;) {
      const s = await this.status();
      if (s.phase === "settled" || s.phase === "cancelled" || s.phase === "expired") return this.result();
      const overdue =
        s.now > s.job.revealDeadline ||
        (s.job.taken === 0 && s.now > s.job.commitDeadline) ||
        s.phase === "decided";
      if (overdue && options.settle !== false && this.#ctx.client.walletClient) {
        try {
          await settleJob(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, jobId: this.#jobId });
          continue;
        } catch {
          // Not settleable yet (e.g. a reveal window still open): keep waiting.
        }
      }
      if (Date.now() > deadline)
        throw new JobNotCompletedError(this.id, s.phase, "timed out waiting for it to end");
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /** The job's result as the chain records it now (consensus, digest, results, refund). */
  async result(): Promise<JobResult> {
    const [s, events] = await Promise.all([this.status(), this.events()]);
    const results = resultsOf(events);
    const settled = events.filter((e) => e.eventName === "JobSettled").at(-1);
    const reached = events.filter((e) => e.eventName === "ConsensusReached").at(-1);
    const key = reached ? tallyKey(reached.args.digest as Hex) : undefined;
    const agreeing = key ? results.filter((r) => tallyKey(r.digest) === key) : [];
    return Object.freeze({
      id: this.id,
      phase: s.phase,
      verification: s.job.verification,
      consensus: Boolean(settled?.args.consensus ?? false),
      digest: agreeing[0]?.digest,
      agreeing: Object.freeze(agreeing),
      results: Object.freeze(results),
      // A settled job's refund is in JobSettled; a cancelled or expired one has no JobSettled,
      // only the JobRefunded credit.
      refunded:
        (settled?.args.refunded as bigint | undefined) ??
        events
          .filter((e) => e.eventName === "JobRefunded")
          .reduce((sum, e) => sum + (e.args.amount as bigint), 0n),
      record: settled?.args.record as Record<string, unknown> | undefined,
    });
  }

  /** The job's history as lines a person reads, from its events. */
  async logs(): Promise<string[]> {
    const events = await this.events();
    return events.map((e) => {
      const a = e.args;
      const detail = Object.entries(a)
        .filter(([k]) => k !== "jobId" && k !== "record" && k !== "inlineSpec")
        .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : String(v)}`)
        .join(" ");
      return `block ${e.blockNumber} ${e.eventName} ${detail}`.trim();
    });
  }

  /** Cancels the job (only while no slot is taken); the escrow is credited back to withdraw. */
  async cancel(): Promise<void> {
    await cancelJob(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, jobId: this.#jobId });
  }

  /**
   * The agreed output: fetched from an agreeing node's result URI (inline `data:` or the URI its
   * worker serves), decrypted with the requester's key when the job is at the cryptographic
   * level (its outputs are encrypted to that key), and checked against the agreed digest. Tries
   * each agreeing node until one serves matching bytes.
   *
   * @throws JobNotCompletedError when there is no agreed result; MissingConfigurationError when
   *   the output is encrypted and no decryption key was given; OutputDigestMismatchError (plain
   *   outputs) or DecryptionFailedError (encrypted ones) when no node serves bytes matching the
   *   digest — the error of the last node tried.
   */
  async download(): Promise<Uint8Array> {
    const r = await this.result();
    if (!r.consensus || r.agreeing.length === 0) {
      throw new JobNotCompletedError(
        this.id,
        r.phase,
        r.phase === "settled" ? "no consensus was reached" : `the job is ${r.phase}`,
      );
    }
    // Only cryptographic-level outputs are encrypted: trying to decrypt any other output would
    // turn a plain digest mismatch into a misleading decryption error.
    const encrypted = r.verification === "cryptographic";
    const key = this.#ctx.decryptionKey;
    let lastError: unknown;
    for (const entry of r.agreeing) {
      try {
        const bytes = await loadUri(entry.resultURI);
        if (!encrypted) {
          verifyOutput(bytes, entry.digest);
          return bytes;
        }
        // A cryptographic job posted without an encryption key gets its output in the clear.
        if (keccak256(bytes).toLowerCase() === entry.digest.toLowerCase()) return bytes;
        if (key === undefined) {
          throw new MissingConfigurationError(
            "decryptionKey",
            `job ${this.id} is at the cryptographic level: its output is encrypted to the requester's key`,
          );
        }
        const plain = decryptWith(key, bytes);
        verifyOutput(plain, entry.digest);
        return plain;
      } catch (e) {
        if (e instanceof MissingConfigurationError) throw e;
        lastError = e;
      }
    }
    throw lastError;
  }

  /** Downloads the output to a file (Node.js only: fs is imported on demand). Returns the byte count. */
  async downloadTo(path: string): Promise<number> {
    const bytes = await this.download();
    const fs = await import("node:fs/promises");
    await fs.writeFile(path, bytes);
    return bytes.length;
  }
}
