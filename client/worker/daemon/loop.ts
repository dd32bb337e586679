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
import type { MachineMetrics } from "../../node/worker-extension.ts";
import type { DaemonConfig } from "./config.ts";
import { isTransient, withRetry } from "./retry.ts";
import { DaemonState } from "./state.ts";
import type {
  JobRunner,
  MarketEvent,
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
  /** Persistent state shared with manual `Node.claimJob` calls; opened from `config.stateDir` when omitted. */
  state?: DaemonState | undefined;
  /** Machine metrics (client/worker/metrics.ts): `resource-low` fires when a resource crosses its threshold. */
  probe?: MachineProbe | undefined;
};

/** What the loop needs of a machine probe. */
export type MachineProbe = {
  read(): Promise<MachineMetrics>;
  /** Resources at or over the low threshold. */
  low(m: MachineMetrics): string[];
};

/** Blocks rescanned after a reorganisation of the followed chain (deeper ones are not expected). */
const REORG_REWIND = 64n;

/** Minimum time between two machine probes, ms. */
const PROBE_EVERY_MS = 5_000;

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
  /** Outputs waiting to be published, by job id (the publisher keeps them once published). */
  readonly #outputs = new Map<string, Uint8Array>();
  /** Jobs seen as 'posted' but not yet decided (decided jobs are recorded in state). */
  readonly #candidates = new Map<string, OfferDetails>();
  #withdrawDue = true;
  /** Offers of held jobs (cached: the terms of a posted job do not change). */
  readonly #offers = new Map<string, OfferDetails>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #stopping = false;
  #lastHeartbeat = 0;
  /** Genesis hash of the chain being followed (read once; re-read when the history changes). */
  #genesis: Hex | undefined;
  /** Bumped when the chain's history is replaced: executions of an older epoch drop their result. */
  #epoch = 0;
  #lastProbe = 0;
  /** Resources currently low (events fire on the crossing, not on every probe). */
  readonly #low = new Set<string>();
  #stats = { ticks: 0, rpcErrors: 0, taken: 0, completed: 0 };

  constructor(p: WorkerDaemonParameters) {
    this.#p = p;
    this.#state = p.state ?? new DaemonState(p.config.stateDir, p.chain.chainId, p.chain.market);
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
      // Drained when nothing runs and every executed job has its result on-chain (or gave up).
      const pending =
        this.#running.size +
        this.#state.openJobs().filter((r) => r.steps.executed && !r.steps.committed && !r.steps.reported)
          .length;
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
    const tip = await this.#rpc("head", () => chain.head());
    const head = tip.number;
    let from = await this.#checkHistory(this.#state.cursor(config.fromBlock), tip);
    this.#genesis ??= await this.#rpc("genesis", () => chain.blockHash(0n));
    while (from <= head) {
      const to =
        from + BigInt(config.maxBlockRange) - 1n < head ? from + BigInt(config.maxBlockRange) - 1n : head;
      const events = await this.#rpc("getLogs", () => chain.events(from, to));
      for (const ev of events) this.#onEvent(ev);
      this.#state.setCursor(to + 1n, {
        lastHash: to === head ? tip.hash : undefined,
        genesis: this.#genesis,
      });
      from = to + 1n;
    }
    // The clock of the head just scanned: its events and its time describe the same state, and
    // the tick needs no second read of the latest block.
    const now = tip.timestamp;
    if (!draining) await this.#considerCandidates(now);
    for (const rec of this.#state.openJobs()) await this.#advance(BigInt(rec.jobId), now);
    if (this.#withdrawDue) await this.#maybeWithdraw();
    await this.#maybeHeartbeat();
    await this.#maybeProbe();
  }

  /**
   * Checks that the block before the cursor is still the one scanned (same hash). When it is
   * not, or the head is behind it, the chain's history changed: with the same genesis it is a
   * reorganisation (rescan the last {@link REORG_REWIND} blocks; job records stay, every step
   * being idempotent); with another genesis it is another chain under the same id and
   * addresses, a restarted node: the job records of the old history are set aside (their ids
   * now name other jobs) and the scan starts again from `fromBlock`.
   * @returns the block to scan from
   */
  async #checkHistory(from: bigint, tip: { number: bigint; hash: Hex }): Promise<bigint> {
    const { chain, config, logger } = this.#p;
    if (from <= config.fromBlock) return from;
    const last = from - 1n;
    const marks = this.#state.cursorMarks();
    if (last <= tip.number) {
      if (!marks.lastHash) return from; // nothing recorded to compare with
      const hash = last === tip.number ? tip.hash : await this.#rpc("blockHash", () => chain.blockHash(last));
      if (hash === marks.lastHash) return from;
    }
    const genesis = await this.#rpc("genesis", () => chain.blockHash(0n));
    if (marks.genesis !== undefined && genesis === marks.genesis) {
      const top = last < tip.number ? last : tip.number;
      const back = top - REORG_REWIND + 1n;
      const rescan = back > config.fromBlock ? back : config.fromBlock;
      logger.warn(
        { cursor: from.toString(), head: tip.number.toString(), rescan: rescan.toString() },
        "chain reorganised; rescanning recent blocks",
      );
      return rescan;
    }
    this.#forgetHistory(from, tip.number);
    this.#genesis = genesis;
    return config.fromBlock;
  }

  /** Drops everything tied to the old history: running executions, candidates, cached offers and outputs, job records. */
  #forgetHistory(cursor: bigint, head: bigint): void {
    this.#epoch++;
    for (const r of this.#running.values()) r.abort.abort(new Error("chain history replaced"));
    this.#running.clear();
    this.#candidates.clear();
    this.#offers.clear();
    this.#outputs.clear();
    const orphaned = this.#state.forgetHistory();
    this.#withdrawDue = true;
    this.#p.logger.warn(
      { cursor: cursor.toString(), head: head.toString(), orphaned },
      "chain restarted under the worker (new genesis); forgot the old history's jobs, rescanning",
    );
  }

  async #maybeProbe(): Promise<void> {
    const probe = this.#p.probe;
    if (!probe || Date.now() - this.#lastProbe < PROBE_EVERY_MS) return;
    this.#lastProbe = Date.now();
    try {
      const m = await probe.read();
      const low = new Set(probe.low(m));
      for (const r of low)
        if (!this.#low.has(r)) {
          this.#p.logger.warn({ resource: r, share: m[r as keyof MachineMetrics] }, "resource low");
          this.#p.emit("resource-low", { resource: r, share: m[r as keyof MachineMetrics] });
        }
      this.#low.clear();
      for (const r of low) this.#low.add(r);
    } catch (e) {
      this.#p.logger.debug({ err: describe(e) }, "machine probe failed");
    }
  }

  #onEvent(ev: MarketEvent): void {
    const key = ev.jobId.toString();
    switch (ev.kind) {
      case "posted":
        if (!this.#state.job(ev.jobId) && ev.offer) this.#candidates.set(key, ev.offer);
        break;
      case "final":
        this.#candidates.delete(key);
        break;
      case "paid":
        // Credits can arrive after this node's part in a job is over (slash shares, a job
        // settled by someone else): always look at the balance again.
        this.#withdrawDue = true;
        this.#p.emit("payment-received", {
          jobId: key,
          amount: ev.amount,
          token: ev.token,
          heldUntil: ev.heldUntil,
          via: this.#state.job(ev.jobId)?.steps.committed ? "commit" : "take",
        });
        break;
      case "dispute":
        if (this.#state.job(ev.jobId)) this.#p.emit("dispute-raised", { jobId: key });
        break;
    }
  }

  #capacity(freeBond: bigint): Capacity {
    const { profile, config } = this.#p;
    const busy = [...this.#running.values()].map((r) => r.offer.requirements);
    return {
      freeSlots: config.maxConcurrentJobs - this.#running.size,
      freeMemoryMB: profile.memoryGB * 1024 - busy.reduce((s, r) => s + r.memoryMB, 0),
      freeCpuCores: profile.cpuCores - busy.reduce((s, r) => s + r.cpuCores, 0),
      freeGpus: profile.gpuCount - busy.reduce((s, r) => s + r.gpuCount, 0),
      freeBond,
    };
  }

  /** Whether `offer` would be taken once the running jobs finish and give back what they hold. */
  #wouldTakeWhenIdle(offer: OfferDetails, freeBond: bigint, now: number): boolean {
    const { profile, config, chain } = this.#p;
    const held = [...this.#running.values()].reduce((sum, r) => sum + r.offer.collateral, 0n);
    return decideTake({
      node: profile,
      nodeId: chain.nodeId,
      offer,
      capacity: {
        freeSlots: config.maxConcurrentJobs,
        freeMemoryMB: profile.memoryGB * 1024,
        freeCpuCores: profile.cpuCores,
        freeGpus: profile.gpuCount,
        freeBond: freeBond + held,
      },
      now,
      marginSeconds: config.marginSeconds,
    }).take;
  }

  async #considerCandidates(now: number): Promise<void> {
    if (this.#candidates.size === 0) return;
    const { chain, config, profile, logger } = this.#p;
    const freeBond = await this.#rpc("freeBond", () => this.#p.freeBond());
    const ordered = [...this.#candidates.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : 1));
    for (const offer of ordered) {
      const jobId = offer.jobId;
      const key = jobId.toString();
      if (this.#state.job(jobId)) {
        this.#candidates.delete(key); // decided before (idempotent)
        continue;
      }
      const d = decideTake({
        node: profile,
        nodeId: chain.nodeId,
        offer,
        capacity: this.#capacity(freeBond),
        now,
        marginSeconds: config.marginSeconds,
      });
      if (!d.take) {
        if (this.#running.size > 0 && this.#wouldTakeWhenIdle(offer, freeBond, now)) {
          // Busy, not unwilling (slots, cores, memory or bond held by running jobs): keep it
          // for a later tick while its window is open, and keep the queue's order.
          this.#p.emit("resource-low", { resource: "job-slots", jobId: key });
          break;
        }
        this.#candidates.delete(key);
        logger.debug({ jobId: key, reasons: d.reasons }, "declined job");
        continue;
      }
      this.#candidates.delete(key);
      this.#offers.set(key, offer);
      this.#state.update(jobId, { step: "accepted" });
      logger.info({ jobId: key, quote: d.quote.toString(), level: offer.verification }, "accepted job");
      // The protocol steps (take → execute → report, or execute → commit → reveal) follow in #advance.
      await this.#advance(jobId, now);
    }
  }

  #startExecution(offer: OfferDetails): void {
    const key = offer.jobId.toString();
    // Each job runs at most once per history: its digest may already be sealed in a commit.
    if (this.#running.has(key) || this.#stopping || this.#state.done(offer.jobId, "executed")) return;
    const abort = new AbortController();
    const { logger, runner } = this.#p;
    this.#p.emit("job-started", { jobId: key });
    const epoch = this.#epoch;
    const promise = (async () => {
      try {
        const r = await runner.run(offer, abort.signal);
        if (epoch !== this.#epoch) return; // the job belonged to a chain history since replaced
        const digest = this.#p.config.dishonestCorruptDigest ? corrupt(r.digest) : r.digest;
        this.#outputs.set(key, r.output);
        this.#state.update(offer.jobId, {
          step: "executed",
          digest,
          usage: {
            wallMs: String(Math.ceil(r.usage.wallMs)),
            cpuMs: String(Math.ceil(r.usage.cpuMs)),
            peakMemory: String(Math.ceil(r.usage.peakMemoryBytes)),
          },
        });
        logger.info({ jobId: key, digest, wallMs: r.usage.wallMs, exitCode: r.exitCode }, "job executed");
      } catch (e) {
        if (abort.signal.aborted) return;
        // A spec whose hash does not match, or a sandbox that produced nothing: refuse. At
        // strict+ nothing is locked yet; at basic/standard the slot becomes a no-show.
        logger.warn({ jobId: key, err: describe(e) }, "job refused");
        this.#state.update(offer.jobId, { step: "refused", note: describe(e) });
      } finally {
        // A replaced history already cleared #running; this key may be a new job's now.
        if (epoch === this.#epoch) this.#running.delete(key);
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

  /** Result URI and invoice, fixed before the seal (which binds both). */
  async #publish(jobId: bigint, offer: OfferDetails): Promise<{ resultURI: string; invoice: bigint }> {
    const rec = this.#state.job(jobId)!;
    if (rec.resultUri !== undefined && rec.invoice !== undefined)
      return { resultURI: rec.resultUri, invoice: BigInt(rec.invoice) };
    const output = this.#outputs.get(jobId.toString());
    if (!output) throw new Error("output lost before it was published (worker restarted mid-job)");
    const resultURI = await this.#p.publisher.publish(jobId, output, offer);
    const invoice = invoiceAmount(
      this.#p.profile.prices,
      offer.requirements,
      Math.ceil(Number(rec.usage?.wallMs ?? "0") / 1000),
      this.#p.profile.jobsCompleted,
      offer.pricePerNode,
    );
    this.#state.update(jobId, { resultUri: resultURI, invoice: invoice.toString() });
    return { resultURI, invoice };
  }

  async #advance(jobId: bigint, now: number): Promise<void> {
    const key = jobId.toString();
    const { chain, logger } = this.#p;
    const slot = this.#state.job(jobId)!.slot;
    const onChain = await this.#rpc("held", () => chain.held(jobId, slot));
    // Read the record AFTER the chain: an execution that finished while `held` was in flight
    // has recorded its digest by now, and a record read before would ask to run the job again
    // (twice the work, and a nondeterministic job's second digest would not match the seal).
    const rec = this.#state.job(jobId)!;
    const held = { ...onChain, mySlot: { ...onChain.mySlot, executed: rec.steps.executed !== undefined } };
    const step = nextStep(held, now);
    if (step === "done") {
      this.#outputs.delete(key);
      this.#state.update(jobId, { step: "settled", note: onChain.status });
      if (rec.steps.revealed || rec.steps.reported) {
        this.#stats.completed++;
        this.#p.emit("job-completed", {
          jobId: key,
          digest: rec.digest,
          status: onChain.status,
          via: rec.steps.committed ? "commit" : "take",
        });
      }
      this.#withdrawDue = true;
      return;
    }
    if (step === "wait") return;
    const offer = await this.#offerOf(jobId);
    if (!offer) return;
    switch (step) {
      case "take": {
        if (this.#stopping) return;
        try {
          const slot = await this.#rpc("takeSlot", () => chain.take(jobId));
          this.#state.update(jobId, { step: "claimed", slot });
          this.#stats.taken++;
          this.#p.emit("job-claimed", { jobId: key, slot, via: "take" });
          this.#startExecution(offer);
        } catch (e) {
          if (!isRevert(e)) throw e;
          // Filled or closed under us: not ours. Nothing was locked.
          this.#state.update(jobId, { step: "abandoned", note: describe(e) });
        }
        return;
      }
      case "execute":
        this.#startExecution(offer);
        return;
      case "commit": {
        const { resultURI, invoice } = await this.#publish(jobId, offer);
        const salt = (rec.salt as Hex | undefined) ?? this.#p.prover.salt();
        // Persist the salt BEFORE sending: a worker killed after the commit can still reveal.
        this.#state.update(jobId, { salt });
        const seal = this.#p.prover.seal(jobId, rec.digest as Hex, resultURI, invoice, salt);
        try {
          const slot = await this.#rpc("commit", () => chain.commit(jobId, seal));
          this.#state.update(jobId, { step: "committed", slot });
          this.#stats.taken++;
          this.#p.emit("job-claimed", { jobId: key, slot, via: "commit" });
          logger.info({ jobId: key, slot }, "committed");
        } catch (e) {
          if (!isRevert(e)) throw e;
          this.#state.update(jobId, { step: "abandoned", note: describe(e) });
          logger.info({ jobId: key, err: describe(e) }, "could not commit (job full or closed)");
        }
        return;
      }
      case "reveal": {
        if (this.#p.config.dishonestNeverReveal) return;
        const { resultURI, invoice } = await this.#publish(jobId, offer);
        const u = rec.usage ?? { wallMs: "0", cpuMs: "0", peakMemory: "0" };
        const usage = { wallMs: BigInt(u.wallMs), cpuMs: BigInt(u.cpuMs), peakMemory: BigInt(u.peakMemory) };
        const receiptSignature =
          offer.verification >= 3
            ? await this.#p.prover.receipt(offer, rec.digest as Hex, resultURI, usage)
            : ("0x" as Hex);
        const r = {
          digest: rec.digest as Hex,
          salt: rec.salt as Hex,
          invoice,
          resultURI,
          usage,
          receiptSignature,
        };
        await this.#rpc("reveal", () => chain.reveal(jobId, rec.slot!, r));
        this.#state.update(jobId, { step: "revealed" });
        logger.info({ jobId: key, invoice: invoice.toString() }, "revealed");
        return;
      }
      case "report": {
        const { resultURI, invoice } = await this.#publish(jobId, offer);
        await this.#rpc("report", () =>
          chain.report(jobId, { digest: rec.digest as Hex, invoice, resultURI }),
        );
        this.#state.update(jobId, { step: "reported" });
        logger.info({ jobId: key, invoice: invoice.toString() }, "reported");
        return;
      }
      case "settle": {
        try {
          await this.#rpc("settle", () => chain.settle(jobId));
          logger.info({ jobId: key }, "settled job");
        } catch (e) {
          if (!isRevert(e)) throw e;
          // Another worker got there first: the next tick sees it final.
          logger.debug({ jobId: key, err: describe(e) }, "settle not needed");
        }
        return;
      }
      case "abandon": {
        this.#running.get(key)?.abort.abort(new Error("commit window closed"));
        this.#outputs.delete(key);
        this.#state.update(jobId, {
          step: "abandoned",
          note: "job filled or closed before this node could take part",
        });
        logger.info({ jobId: key }, "abandoned job");
        return;
      }
    }
  }

  async #maybeWithdraw(): Promise<void> {
    const { chain, config, logger } = this.#p;
    const token = this.#p.profile.prices.token;
    const bal = await this.#rpc("balance", () => chain.balance(token));
    // Payouts are held through the challenge window: keep checking until they are withdrawable.
    this.#withdrawDue = this.#state.openJobs().length > 0 || bal > 0n;
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

/** A contract revert (an answer), as opposed to a transport failure. */
function isRevert(e: unknown): boolean {
  return !isTransient(e) && /revert|JobMarket[A-Z]|NodeRegistry[A-Z]/i.test(`${describe(e)} ${String(e)}`);
}

function describe(e: unknown): string {
  if (e instanceof Error) return (e as { shortMessage?: string }).shortMessage ?? e.message;
  return String(e);
}
