/**
 * The worker daemon's loop: follow the chain, decide, claim, run, prove, commit, reveal,
 * settle, withdraw, heartbeat. Decisions come from the pure functions of `../decide.ts`;
 * every I/O goes through the ports of `./ports.ts`; every step is recorded in
 * {@link DaemonState} before or right after it is sent, so a restart neither repeats nor
 * forgets anything.
 *
 * One tick is serial (no two ticks overlap); executions run beside it, at most
 * `maxConcurrentJobs` at a time, and hand their digest to the next tick.
 * @module
 */
import type { Hex } from "viem";
import { keccak256, concat, toHex } from "viem";
import type { Logger } from "pino";
import { decideTake, invoiceAmount, nextStep, type Capacity, type NodeProfile } from "../decide.ts";
import type { DaemonConfig } from "./config.ts";
import { isTransient, withRetry } from "./retry.ts";
import { DaemonState } from "./state.ts";
import type {
  ExecutionResult,
  JobRunner,
  OfferDetails,
  OutputPublisher,
  ResultProver,
  WorkerChain,
} from "./ports.ts";

/** NodeEvent names of the original design the daemon emits. */
export type NodeEventName =
  "job-claimed" | "job-started" | "job-completed" | "resource-low" | "payment-received" | "dispute-raised";

/** Everything the daemon is built from. */
export type WorkerDaemonParameters = {
  config: DaemonConfig;
  chain: WorkerChain;
  runner: JobRunner;
  prover: ResultProver;
  publisher: OutputPublisher;
  /** The node's capabilities and prices (decide.ts terms). */
  profile: NodeProfile;
  /** Free bond, read by the caller (refreshed each tick when given a function). */
  freeBond: () => Promise<bigint>;
  logger: Logger;
  emit: (event: NodeEventName, data: Record<string, unknown>) => void;
};

type Running = { promise: Promise<void>; abort: AbortController; offer: OfferDetails };

/**
 * The daemon. `start()` begins the loop; `stop()` drains (finishes in-flight executions
 * and sends their commits/reports, up to `drainTimeoutMs`) then aborts what is left; the
 * state on disk lets a later start pick up every held job where it stopped.
 *
 * @example
 * ```ts
 * import { WorkerDaemon } from "sandrun/client/worker/daemon/loop.ts";
 * const d = new WorkerDaemon({ config, chain, runner, prover, publisher, profile, freeBond, logger, emit });
 * await d.start();
 * process.once("SIGTERM", () => void d.stop());
 * ```
 */
export class WorkerDaemon {
  readonly #p: WorkerDaemonParameters;
  readonly #state: DaemonState;
  readonly #running = new Map<string, Running>();
  /** Results waiting for their commit/report, by job id (also on disk via state records). */
  readonly #results = new Map<string, ExecutionResult>();
  /** Jobs seen as 'posted' but not yet decided (decided jobs are recorded in state). */
  readonly #candidates = new Set<bigint>();
  /** Offers of held jobs (cached: the terms of a posted job do not change). */
  readonly #offers = new Map<string, OfferDetails>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopping = false;
  #lastHeartbeat = 0;
  #stats = { ticks: 0, rpcErrors: 0, taken: 0, completed: 0 };

  constructor(p: WorkerDaemonParameters) {
    this.#p = p;
    this.#state = new DaemonState(p.config.stateDir, p.chain.chainId, p.chain.market);
  }

  /** Counters for status and benchmarks. */
  get stats(): Readonly<{
    ticks: number;
    rpcErrors: number;
    taken: number;
    completed: number;
    active: number;
  }> {
    return { ...this.#stats, active: this.#running.size };
  }

  /** The persistent state (read-only use: status, tests). */
  get state(): DaemonState {
    return this.#state;
  }

  /** Starts polling. Resolves once the first tick has run. */
  async start(): Promise<void> {
    this.#stopping = false;
    this.#p.logger.info(
      { nodeId: this.#p.chain.nodeId.toString(), chainId: this.#p.chain.chainId },
      "worker starting",
    );
    await this.tickOnce();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      void this.tickOnce().finally(() => this.#schedule());
    }, this.#p.config.pollIntervalMs);
  }

  /**
   * Stops the loop. Takes no new jobs; lets in-flight executions finish and sends their
   * commit/report for up to `drainTimeoutMs`; then aborts what is still running (those
   * jobs stay recorded and are resumed, or expire, per the protocol). Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#stopping && !this.#timer && !this.#ticking) return;
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = Date.now() + this.#p.config.drainTimeoutMs;
    this.#p.logger.info({ inFlight: this.#running.size }, "worker draining");
    while (Date.now() < deadline) {
      await this.#ticking;
      const pending = [...this.#results.keys()].length + this.#running.size;
      if (pending === 0) break;
      await Promise.race([...[...this.#running.values()].map((r) => r.promise), delay(200)]);
      await this.tickOnce(true);
    }
    for (const [id, r] of this.#running) {
      this.#p.logger.warn({ jobId: id }, "abandoning in-flight job at shutdown");
      r.abort.abort(new Error("worker shutting down"));
      this.#state.update(BigInt(id), { note: "aborted at shutdown" });
    }
    await Promise.allSettled([...this.#running.values()].map((r) => r.promise));
    await this.#ticking;
    this.#p.logger.info(this.stats, "worker stopped");
  }

  /** Runs one tick now (serialised with the timer's ticks). `draining` skips new jobs. */
  async tickOnce(draining = false): Promise<void> {
    while (this.#ticking) await this.#ticking;
    this.#ticking = this.#tick(draining || this.#stopping)
      .catch((e: unknown) => {
        this.#stats.rpcErrors++;
        this.#p.logger.warn({ err: describe(e), transient: isTransient(e) }, "tick failed; will retry");
      })
      .finally(() => {
        this.#ticking = undefined;
      });
    await this.#ticking;
  }

  #rpc<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(what, fn, this.#p.config.retry, {
      onRetry: (attempt, delayMs, error) => {
        this.#stats.rpcErrors++;
        this.#p.logger.warn({ what, attempt, delayMs, err: describe(error) }, "rpc failed; backing off");
      },
    });
  }

  async #tick(draining: boolean): Promise<void> {
    this.#stats.ticks++;
    const { chain, config } = this.#p;
    const head = await this.#rpc("blockNumber", () => chain.blockNumber());
    let from = this.#state.cursor(config.fromBlock);
    // A chain that went backwards (restarted node) means our cursor is from another history.
    if (from > head + 1n) from = config.fromBlock;
    while (from <= head) {
      const to =
        from + BigInt(config.maxBlockRange) - 1n < head ? from + BigInt(config.maxBlockRange) - 1n : head;
      const events = await this.#rpc("getLogs", () => chain.events(from, to));
      for (const ev of events) this.#onEvent(ev);
      this.#state.setCursor(to + 1n);
      from = to + 1n;
    }
    const now = await this.#rpc("now", () => chain.now());
    if (!draining) await this.#considerCandidates(now);
    for (const rec of this.#state.openJobs()) await this.#advance(BigInt(rec.jobId), now);
    await this.#maybeHeartbeat();
  }

  #onEvent(ev: {
    kind: string;
    jobId: bigint;
    amount?: bigint | undefined;
    token?: string | undefined;
  }): void {
    const key = ev.jobId.toString();
    switch (ev.kind) {
      case "posted":
        if (!this.#state.job(ev.jobId)) this.#candidates.add(ev.jobId);
        break;
      case "final":
        this.#candidates.delete(ev.jobId);
        break;
      case "paid":
        this.#p.emit("payment-received", { jobId: key, amount: ev.amount?.toString(), token: ev.token });
        break;
      case "dispute":
        if (this.#state.job(ev.jobId)) this.#p.emit("dispute-raised", { jobId: key });
        break;
    }
  }

  #capacity(freeBond: bigint): Capacity {
    const active = [...this.#running.values()].map((r) => r.offer.requirements);
    const { profile, config } = this.#p;
    return {
      freeSlots: config.maxConcurrentJobs - this.#running.size - this.#results.size,
      freeMemoryMB: profile.memoryGB * 1024 - active.reduce((s, r) => s + r.memoryMB, 0),
      freeCpuCores: profile.cpuCores - active.reduce((s, r) => s + r.cpuCores, 0),
      freeGpus: profile.gpuCount - active.reduce((s, r) => s + r.gpuCount, 0),
      freeBond,
    };
  }

  async #considerCandidates(now: number): Promise<void> {
    if (this.#candidates.size === 0) return;
    const { chain, config, profile, logger } = this.#p;
    const freeBond = await this.#rpc("freeBond", () => this.#p.freeBond());
    for (const jobId of [...this.#candidates].sort((a, b) => (a < b ? -1 : 1))) {
      this.#candidates.delete(jobId);
      if (this.#state.job(jobId)) continue; // decided before (idempotent)
      const offer = await this.#rpc("offer", () => chain.offer(jobId));
      if (!offer) continue;
      const capacity = this.#capacity(freeBond);
      const d = decideTake({
        node: profile,
        nodeId: chain.nodeId,
        offer,
        capacity,
        now,
        marginSeconds: config.marginSeconds,
      });
      if (!d.take) {
        logger.debug({ jobId: jobId.toString(), reasons: d.reasons }, "declined job");
        if (d.reasons.includes("no-free-slot") && d.reasons.length === 1) {
          this.#p.emit("resource-low", { resource: "slots", jobId: jobId.toString() });
          this.#candidates.add(jobId); // reconsider when a slot frees up
          break;
        }
        continue;
      }
      try {
        await this.#rpc("take", () => chain.take(jobId));
      } catch (e) {
        // Someone else filled the slot or the job ended: not ours, not an error of the worker.
        logger.info({ jobId: jobId.toString(), err: describe(e) }, "could not take a slot");
        continue;
      }
      this.#offers.set(jobId.toString(), offer);
      this.#state.update(jobId, { step: "claimed" });
      this.#stats.taken++;
      this.#p.emit("job-claimed", { jobId: jobId.toString(), quote: d.quote.toString() });
      this.#startExecution(offer);
    }
  }

  #startExecution(offer: OfferDetails): void {
    const key = offer.jobId.toString();
    if (this.#running.has(key)) return;
    const abort = new AbortController();
    const { logger, runner } = this.#p;
    this.#p.emit("job-started", { jobId: key });
    const promise = (async () => {
      try {
        const r = await runner.run(offer, abort.signal);
        const result = this.#p.config.dishonestCorruptDigest ? { ...r, digest: corrupt(r.digest) } : r;
        this.#results.set(key, result);
        this.#state.update(offer.jobId, { step: "executed", digest: result.digest });
        logger.info({ jobId: key, digest: result.digest, wallMs: r.usage.wallMs }, "job executed");
      } catch (e) {
        if (abort.signal.aborted) return;
        // A spec with the wrong hash, or a sandbox failure that produced no output: refuse;
        // the protocol treats us as a no-show, which is what we are.
        logger.warn({ jobId: key, err: describe(e) }, "job refused");
        this.#state.update(offer.jobId, { step: "refused", note: describe(e) });
      } finally {
        this.#running.delete(key);
      }
    })();
    this.#running.set(key, { promise, abort, offer });
  }

  async #offerOf(jobId: bigint): Promise<OfferDetails | undefined> {
    const key = jobId.toString();
    let o = this.#offers.get(key);
    if (!o) {
      o = await this.#rpc("offer", () => this.#p.chain.offer(jobId));
      if (o) this.#offers.set(key, o);
    }
    return o;
  }

  async #advance(jobId: bigint, now: number): Promise<void> {
    const key = jobId.toString();
    const { chain, logger } = this.#p;
    const rec = this.#state.job(jobId)!;
    const onChain = await this.#rpc("held", () => chain.held(jobId));
    const executed = rec.steps.executed !== undefined;
    const held = {
      ...onChain,
      mySlot: {
        executed,
        committed: onChain.mySlot.committed,
        revealed: onChain.mySlot.revealed,
      },
    };
    const step = nextStep(held, now);
    if (step === "done") {
      this.#results.delete(key);
      const final = onChain.status === "settled" ? "settled" : "expired";
      this.#state.update(jobId, { step: final, note: onChain.status });
      if (onChain.status === "settled" && (rec.steps.revealed || rec.steps.reported)) {
        this.#stats.completed++;
        this.#p.emit("job-completed", { jobId: key, digest: rec.digest });
      }
      await this.#maybeWithdraw();
      return;
    }
    const offer = await this.#offerOf(jobId);
    if (!offer) return;
    switch (step) {
      case "execute": {
        if (!this.#running.has(key) && !this.#stopping) this.#startExecution(offer);
        return;
      }
      case "commit": {
        if (this.#state.done(jobId, "committed")) return;
        const digest = rec.digest as Hex;
        const salt = (rec.salt as Hex | undefined) ?? this.#p.prover.salt();
        // Persist the salt BEFORE sending: a crash after the commit must still be able to reveal.
        this.#state.update(jobId, { salt });
        await this.#rpc("commit", () => chain.commit(jobId, this.#p.prover.seal(jobId, digest, salt)));
        this.#state.update(jobId, { step: "committed" });
        logger.info({ jobId: key }, "committed");
        return;
      }
      case "reveal":
      case "report": {
        if (this.#state.done(jobId, step === "reveal" ? "revealed" : "reported")) return;
        if (step === "reveal" && this.#p.config.dishonestNeverReveal) return;
        const result = this.#results.get(key);
        const resultURI =
          rec.resultUri ?? (result ? await this.#p.publisher.publish(jobId, result.output, offer) : "");
        const invoice = result
          ? invoiceAmount(
              this.#p.profile.prices,
              offer.requirements,
              Math.ceil(result.usage.wallMs / 1000),
              this.#p.profile.jobsCompleted,
              offer.pricePerNode,
            )
          : BigInt(rec.invoice ?? offer.pricePerNode);
        const receipt = result ? await this.#p.prover.receipt(offer, result, resultURI) : undefined;
        this.#state.update(jobId, { resultUri: resultURI, invoice: invoice.toString() });
        const digest = rec.digest as Hex;
        if (step === "reveal") {
          const salt = rec.salt as Hex;
          await this.#rpc("reveal", () => chain.reveal(jobId, { digest, salt, invoice, resultURI, receipt }));
          this.#state.update(jobId, { step: "revealed" });
        } else {
          await this.#rpc("report", () => chain.report(jobId, { digest, invoice, resultURI, receipt }));
          this.#state.update(jobId, { step: "reported" });
        }
        this.#results.delete(key);
        logger.info({ jobId: key, invoice: invoice.toString() }, step === "reveal" ? "revealed" : "reported");
        return;
      }
      case "settle":
      case "expire": {
        try {
          await this.#rpc(step, () => (step === "settle" ? chain.settle(jobId) : chain.expire(jobId)));
          logger.info({ jobId: key }, step === "settle" ? "settled job" : "expired job");
        } catch (e) {
          // Another worker got there first (the job is final now): the next tick sees 'done'.
          logger.debug({ jobId: key, err: describe(e) }, `${step} not needed`);
        }
        return;
      }
      case "abandon": {
        this.#results.delete(key);
        this.#state.update(jobId, {
          step: "abandoned",
          note: "commit window closed before execution finished",
        });
        logger.warn({ jobId: key }, "abandoned job (commit window closed)");
        return;
      }
      case "wait":
        return;
    }
  }

  async #maybeWithdraw(): Promise<void> {
    const { chain, config, logger } = this.#p;
    const token = this.#p.profile.prices.token;
    const bal = await this.#rpc("balance", () => chain.balance(token));
    if (bal === 0n || bal < config.withdrawThreshold) return;
    try {
      const paid = await this.#rpc("withdraw", () => chain.withdraw(token));
      logger.info({ amount: paid.toString(), token }, "withdrew earnings");
      this.#p.emit("payment-received", { amount: paid.toString(), token, withdrawn: true });
    } catch (e) {
      logger.warn({ err: describe(e) }, "withdraw failed; will retry after the next payout");
    }
  }

  async #maybeHeartbeat(): Promise<void> {
    const period = this.#p.config.heartbeatIntervalMs;
    if (period === 0 || Date.now() - this.#lastHeartbeat < period) return;
    this.#lastHeartbeat = Date.now();
    try {
      await this.#rpc("heartbeat", () => this.#p.chain.heartbeat());
    } catch (e) {
      this.#p.logger.warn({ err: describe(e) }, "heartbeat failed");
    }
  }
}

/** TEST/DEMO ONLY: a different, deterministic digest (so two dishonest nodes could collude). */
function corrupt(digest: Hex): Hex {
  return keccak256(concat([digest, toHex("sandrun:dishonest")]));
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function describe(e: unknown): string {
  if (e instanceof Error) return (e as { shortMessage?: string }).shortMessage ?? e.message;
  return String(e);
}
