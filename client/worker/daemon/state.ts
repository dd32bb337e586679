/**
 * The daemon's persistent state: the block cursor and one small record per job it holds.
 *
 * Everything is a JSON file written atomically (write a temporary file, fsync, rename), so a
 * worker killed at any instant restarts from a consistent state: it never handles an event
 * twice (steps done are recorded per job) and never loses the salt of a commit it sent (the
 * record is written BEFORE the commit transaction, so it can always reveal after a restart).
 * @module
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/** Steps a job goes through on this node; each is done at most once. */
export type JobStep =
  | "accepted"
  | "claimed"
  | "executed"
  | "committed"
  | "revealed"
  | "reported"
  | "settled"
  | "expired"
  | "withdrawn"
  | "abandoned"
  | "refused";

/** What the daemon remembers about one job. Bigints are stored as decimal strings. */
export type JobRecord = {
  jobId: string;
  steps: Partial<Record<JobStep, number>>;
  /** Output digest as committed/revealed (0x…32 bytes). */
  digest?: string | undefined;
  /** Commit salt (0x…32 bytes), persisted before the commit is sent. */
  salt?: string | undefined;
  /** This node's slot index in the job, once it holds one. */
  slot?: number | undefined;
  /** Measured usage (decimal strings): wall ms, CPU ms, peak memory bytes. */
  usage?: { wallMs: string; cpuMs: string; peakMemory: string } | undefined;
  /** Result URI handed to the requester (data: or http:). */
  resultUri?: string | undefined;
  /** Invoice in token base units (decimal string). */
  invoice?: string | undefined;
  /** Why the job was refused or abandoned. */
  note?: string | undefined;
};

/** The cursor file's shape. */
export type Cursor = {
  chainId: number;
  market: string;
  /** Next block to scan. */
  nextBlock: string;
  /** Hash of block `nextBlock - 1`, the last one scanned (absent when the scan stopped mid-range). */
  lastHash?: string | undefined;
  /** Hash of block 0: tells a restarted chain (new genesis) from a reorganisation of this one. */
  genesis?: string | undefined;
};

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * File-backed state of one worker, keyed by chain and market so a state dir reused against
 * a fresh chain (a restarted `hardhat node`) starts over instead of skipping blocks.
 *
 * @example
 * ```ts
 * import { DaemonState } from "sandrun/client/worker/daemon/state.ts";
 * const st = new DaemonState("./.sandrun/worker", 31337, "0xMarket…");
 * st.cursor(0n); // next block to scan
 * ```
 */
export class DaemonState {
  readonly dir: string;
  readonly chainId: number;
  readonly market: string;
  readonly #jobs = new Map<string, JobRecord>();

  constructor(dir: string, chainId: number, market: string) {
    this.dir = dir;
    this.chainId = chainId;
    this.market = market.toLowerCase();
    mkdirSync(join(dir, "jobs"), { recursive: true });
    for (const f of readdirSync(join(dir, "jobs"))) {
      if (!f.endsWith(".json")) continue;
      const r = readJson<JobRecord & { chainId?: number; market?: string }>(join(dir, "jobs", f));
      if (r && r.chainId === chainId && r.market === this.market) this.#jobs.set(r.jobId, r);
    }
  }

  /** The next block to scan, or `fallback` when no cursor for this chain and market exists. */
  cursor(fallback: bigint): bigint {
    const c = readJson<Cursor>(join(this.dir, "cursor.json"));
    if (!c || c.chainId !== this.chainId || c.market !== this.market) return fallback;
    return BigInt(c.nextBlock);
  }

  /** The hashes recorded with the cursor (for this chain and market), to notice a changed history. */
  cursorMarks(): { lastHash?: string | undefined; genesis?: string | undefined } {
    const c = readJson<Cursor>(join(this.dir, "cursor.json"));
    if (!c || c.chainId !== this.chainId || c.market !== this.market) return {};
    return { lastHash: c.lastHash, genesis: c.genesis };
  }

  /**
   * Persists the next block to scan, with the hash of the block before it and the chain's
   * genesis hash when known (see {@link DaemonState.cursorMarks}).
   */
  setCursor(
    nextBlock: bigint,
    marks: { lastHash?: string | undefined; genesis?: string | undefined } = {},
  ): void {
    const c: Cursor = {
      chainId: this.chainId,
      market: this.market,
      nextBlock: nextBlock.toString(),
      ...(marks.lastHash ? { lastHash: marks.lastHash } : {}),
      ...(marks.genesis ? { genesis: marks.genesis } : {}),
    };
    writeAtomic(join(this.dir, "cursor.json"), JSON.stringify(c));
  }

  /**
   * Forgets every job record of this chain and market, for a chain whose history was replaced
   * (a restarted node: same chain id, same contract addresses, new genesis). Their job ids now
   * name other jobs, so keeping them would skip or misread those. The files are moved to
   * `orphaned/<time>/` for the operator, not deleted; the cursor is removed.
   * @returns how many records were set aside
   */
  forgetHistory(): number {
    const dest = join(this.dir, "orphaned", String(Date.now()));
    mkdirSync(dest, { recursive: true });
    for (const key of this.#jobs.keys()) {
      try {
        renameSync(join(this.dir, "jobs", `${key}.json`), join(dest, `${key}.json`));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
    const n = this.#jobs.size;
    this.#jobs.clear();
    rmSync(join(this.dir, "cursor.json"), { force: true });
    return n;
  }

  /** The record of `jobId`, if this node ever touched it. */
  job(jobId: bigint): JobRecord | undefined {
    return this.#jobs.get(jobId.toString());
  }

  /** Every job record that is not final (no settled/expired/abandoned/refused step). */
  openJobs(): JobRecord[] {
    return [...this.#jobs.values()].filter(
      (r) => !r.steps.settled && !r.steps.expired && !r.steps.abandoned && !r.steps.refused,
    );
  }

  /** Whether `step` was already done for `jobId` (the idempotency check). */
  done(jobId: bigint, step: JobStep): boolean {
    return this.#jobs.get(jobId.toString())?.steps[step] !== undefined;
  }

  /** Merges `patch` into the job's record and writes it to disk before returning. */
  update(jobId: bigint, patch: Partial<Omit<JobRecord, "jobId" | "steps">> & { step?: JobStep }): JobRecord {
    const key = jobId.toString();
    const prev = this.#jobs.get(key) ?? { jobId: key, steps: {} };
    const { step, ...rest } = patch;
    const next: JobRecord = {
      ...prev,
      ...rest,
      steps: { ...prev.steps, ...(step ? { [step]: Date.now() } : {}) },
    };
    this.#jobs.set(key, next);
    writeAtomic(
      join(this.dir, "jobs", `${key}.json`),
      JSON.stringify({ ...next, chainId: this.chainId, market: this.market }),
    );
    return next;
  }
}
