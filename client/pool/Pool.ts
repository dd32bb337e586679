/**
 * An on-chain pool, as its owner manages it and requesters use it: the original design's
 * `Pool` with every member. Reads come from the registries and the market's events; writes
 * go through the plain actions in client/actions/pools and client/actions/market.
 * @module
 */
import { keccak256, toHex, zeroAddress, type Address, type Hex } from "viem";

import { getBalance } from "../actions/market/getBalance.ts";
import { getJob } from "../actions/market/getJob.ts";
import { getJobEvents, getSettlement, type JobEvent } from "../actions/market/getJobEvents.ts";
import type { JobRequestInput } from "../actions/market/jobTypes.ts";
import { postJob } from "../actions/market/postJob.ts";
import { postJobs } from "../actions/market/postJobs.ts";
import { finalizeDispute, getDispute, ruleDispute } from "../actions/market/resolveDispute.ts";
import { arbiterRole, ruleThroughArbiter } from "../actions/market/ruleThroughArbiter.ts";
import { settleJob } from "../actions/market/settleJob.ts";
import { topUpJob } from "../actions/market/topUpJob.ts";
import { addNode } from "../actions/pools/addNode.ts";
import { getMembers } from "../actions/pools/getMembers.ts";
import { getPool } from "../actions/pools/getPool.ts";
import type { PoolPolicyView, PoolRequirementsInput, VerificationLevel } from "../actions/pools/policy.ts";
import { removeNode } from "../actions/pools/removeNode.ts";
import { replaceNode } from "../actions/pools/replaceNode.ts";
import { getTokenInfo } from "../actions/tokens/getTokenInfo.ts";
import { accountAddress, type SandrunClient } from "../chain/clients.ts";
import { readNodes, type RegistryNode } from "../discovery/reader.ts";
import {
  InvalidAmountError,
  MissingConfigurationError,
  SandrunError,
  UnknownIdError,
  ValidationError,
} from "../errors.ts";
import type { Job, JobEstimate, JobPoolRef } from "../job/JobBuilder.ts";
import { JobExecution, type JobResult } from "../job/JobExecution.ts";
import { fromBaseUnits, toBaseUnits, type TokenRegistry } from "../money/index.ts";
import {
  checkRedundancy,
  decideConsensus,
  strategyFromEnum,
  tallyKey,
  type ConsensusResult,
  type ConsensusStrategy,
} from "../proofs/consensus.ts";
import { encryptionPublicKey } from "../proofs/encryption.ts";
import { recoverReceiptSigner, recoverReportSigner } from "../proofs/recover.ts";
import { jobCost } from "./cost.ts";
import { chooseNodes, eligibleMembers, type DistributionStrategy } from "./distribute.ts";
import { PoolEventHub, type PoolEvent, type PoolEventHandler } from "./events.ts";
import { checkHealth, type PoolHealth } from "./health.ts";
import { aggregateMetrics, type PoolMetrics } from "./metrics.ts";
import {
  schedule as runSchedule,
  scheduleNodeFromRecord,
  type ScheduleResult as RawSchedule,
} from "./schedule.ts";

/** What a pool needs from the root: clients, addresses, tokens, keys, and how to make Node objects. */
export type PoolContext = {
  readonly client: SandrunClient;
  readonly nodeRegistry: Address;
  readonly poolRegistry: Address;
  readonly jobMarket: Address;
  /** The deployment's tokens, or how to load them (the root's `context.tokens`). */
  readonly tokens: TokenRegistry | (() => Promise<TokenRegistry>);
  /** Turns a registry record into the root's `Node` object (default: a read-only {@link PoolNode}). */
  readonly toNode?: ((record: RegistryNode) => unknown) | undefined;
  /**
   * The requester's ECIES private key: outputs of cryptographic-level jobs are encrypted to its
   * public key. Default: derived from the wallet — keccak256 of its signature over
   * {@link ENCRYPTION_KEY_MESSAGE} — so the same account always finds the same key.
   */
  readonly encryptionKey?: Hex | Uint8Array | undefined;
  /** Milliseconds between event polls while handlers are registered (default 1000). */
  readonly pollingInterval?: number | undefined;
};

/**
 * The message whose wallet signature derives the default requester encryption key
 * (keccak256 of the signature), so the same account always recovers the same key without
 * storing one.
 *
 * @example
 * ```ts
 * import { ENCRYPTION_KEY_MESSAGE } from "sandrun/client/pool/Pool.ts";
 * const signature = await walletClient.signMessage({ account, message: ENCRYPTION_KEY_MESSAGE });
 * const encryptionKey = keccak256(signature); // the key a Pool derives by default
 * ```
 */
export const ENCRYPTION_KEY_MESSAGE = "Sandrun requester encryption key v1";

/** A pool context with its tokens loaded. */
export type ResolvedPoolContext = Omit<PoolContext, "tokens"> & { readonly tokens: TokenRegistry };

/**
 * Loads the context's tokens when they are given as a loader.
 * @example
 * ```ts
 * const ctx = await resolvePoolContext({ ...context, tokens: sandrun.context.tokens });
 * ```
 */
export async function resolvePoolContext<C extends PoolContext>(
  ctx: C,
): Promise<Omit<C, "tokens"> & { readonly tokens: TokenRegistry }> {
  const tokens = typeof ctx.tokens === "function" ? await ctx.tokens() : ctx.tokens;
  return { ...ctx, tokens };
}

/** The read-only node view a pool hands out when the root gives no `toNode`. */
export type PoolNode = {
  readonly id: string;
  /** The node's signer address (the worker's hot key). */
  readonly publicKey: Address;
  readonly capabilities: RegistryNode["capabilities"];
  readonly reputation: { readonly score: number; readonly ppm: number };
  readonly record: RegistryNode;
};

/** A member or its id, as `addNode`/`removeNode`/`replaceNode` take them. */
export type NodeRef = string | bigint | { readonly id: string | bigint };

/** Capabilities of the whole pool. */
export type AggregatedCapabilities = {
  readonly nodes: number;
  readonly activeNodes: number;
  readonly gpus: {
    readonly total: number;
    readonly byModel: Readonly<Record<string, number>>;
    readonly maxMemoryGb: number;
  };
  readonly cpuCores: number;
  readonly memoryGb: number;
  readonly storageGb: number;
  readonly regions: readonly string[];
  /** The slowest member's bandwidth and the worst latency: what a job scheduled anywhere in the pool can count on. */
  readonly minBandwidthMbps: number;
  readonly maxLatencyMs: number;
};

/** `Pool.schedule` result: the scheduler's assignment plus money in token units. */
export type ScheduleResult = RawSchedule & {
  /** Total cost in token units (decimal string) — the design's `schedule.totalCost`. */
  readonly totalCostFormatted: string;
  /** The token symbol (or address when unknown). */
  readonly tokenSymbol: string;
  /** Makespan, seconds. */
  readonly makespan: number;
  /** When posted: the executions, in assignment order. */
  readonly executions?: readonly JobExecution[] | undefined;
};

/** A signed proof of one node's result: a report (basic, standard) or a receipt (cryptographic). */
export type Proof = {
  readonly kind: "report" | "receipt";
  readonly jobId: bigint | string;
  readonly nodeId: bigint | string;
  readonly digest: Hex;
  readonly resultURI: string;
  readonly signature: Hex;
  /** Report: the invoice signed (0 = the full price). */
  readonly invoice?: bigint | undefined;
  /** Receipt fields. */
  readonly specHash?: Hex | undefined;
  readonly runtime?: number | undefined;
  readonly usage?: { wallMs: bigint; cpuMs: bigint; peakMemory: bigint } | undefined;
};

/** `Pool.verify` result: the contract's verdict over the proofs whose signatures hold. */
export type VerificationResult = ConsensusResult & {
  readonly strategy: ConsensusStrategy;
  readonly n: number;
  /** Proofs signed by the node's registered signer. */
  readonly valid: readonly string[];
  /** Proofs rejected, with why (wrong signer, unknown node, not a member, another job). */
  readonly invalid: readonly { readonly nodeId: string; readonly reason: string }[];
};

/** `Pool.resolveDispute` result. */
export type DisputeResolution = {
  readonly disputeId: string;
  readonly jobId: string;
  readonly upheld: boolean;
  /** Finalized after the deadline with the default outcome, not ruled. */
  readonly byDefault: boolean;
  /** A committee member's vote was cast but the arbiter's threshold is not met yet: nothing ruled. */
  readonly pending?: boolean | undefined;
  readonly transactionHash: Hex | undefined;
  /** Why the arbiter ruled as it did (when this client ruled). */
  readonly reason?: string | undefined;
};

/** `Pool.distributePayments` result, from the settlement's events. */
export type PaymentDistribution = {
  readonly jobId: string;
  readonly consensus: boolean;
  readonly token: Address;
  /** Every credit: payouts to winners, refunds to the requester, the fee to the treasury, slashes to recipients. */
  readonly payments: readonly {
    readonly account: Address;
    readonly amount: bigint;
    readonly heldUntil: number;
  }[];
  readonly slashed: readonly { readonly nodeId: string; readonly amount: bigint }[];
  readonly refunded: bigint;
  readonly fee: bigint;
  readonly transactionHash: Hex;
};

/**
 * A dispute that can be neither ruled (caller is not the arbiter) nor finalized (deadline
 * not reached); carries the job id and the deadline (unix seconds) after which anyone may
 * finalize it.
 *
 * @example
 * ```ts
 * import { DisputePendingError } from "sandrun/client/pool/Pool.ts";
 * try {
 *   await pool.resolveDispute(jobId);
 * } catch (e) {
 *   if (e instanceof DisputePendingError) console.log(`retry after ${new Date(e.deadline * 1000).toISOString()}`);
 * }
 * ```
 */
export class DisputePendingError extends SandrunError {
  override name = "DisputePendingError";
  readonly jobId: string;
  readonly deadline: number;
  constructor(jobId: string, deadline: number, arbiter: Address) {
    super(`Dispute on job ${jobId} awaits its arbiter ${arbiter} until ${deadline} (unix seconds).`, {
      details:
        "Only the arbiter can rule before the deadline; after it anyone may finalize with the default outcome (upheld).",
    });
    this.jobId = jobId;
    this.deadline = deadline;
  }
}

/**
 * `Pool.escrowFunds` result: what the top-up sent and the job's new price, in the job's token
 * units (decimal strings).
 *
 * @example
 * ```ts
 * import type { EscrowTransaction } from "sandrun/client/pool/Pool.ts";
 * const tx: EscrowTransaction = await pool.escrowFunds("0.1", jobId); // n = 3
 * tx.amount; // "0.099999999999999999": 0.1 ETH is not a multiple of 3 wei
 * tx.remainder; // "0.000000000000000001": kept back, never sent
 * ```
 */
export type EscrowTransaction = {
  readonly jobId: string;
  readonly txHash: Hex;
  /** Escrowed by this transaction: `addedPerNode × n` (at most what was asked). */
  readonly amount: string;
  /** What was asked for. */
  readonly requested: string;
  /** `requested − amount`: the part not divisible over the job's n nodes, not sent ("0" when exact). */
  readonly remainder: string;
  /** What each node's price (invoice cap) rose by. */
  readonly addedPerNode: string;
  /** The job's price per node after the top-up. */
  readonly pricePerNode: string;
  /** The job's token symbol: the deployment's name for it, else the token's own `symbol()`. */
  readonly token: string;
  readonly tokenAddress: Address;
};

/** The market's escrow bound: every job's `n × pricePerNode` fits a uint96. */
const MAX_UINT96 = 2n ** 96n - 1n;

/**
 * A node or job id from what a caller passed: a positive integer (string, bigint or number), or
 * a typed ValidationError naming `field` — never the SyntaxError `BigInt("abc")` throws.
 */
const positiveId = (
  raw: string | bigint | number,
  subject: string,
  field: string,
  noun: "node" | "job",
): bigint => {
  try {
    const id = BigInt(raw);
    if (id > 0n) return id;
  } catch {
    // not an integer: refused below
  }
  throw new ValidationError(subject, [
    { field, message: `not a ${noun} id: ${JSON.stringify(String(raw))}` },
  ]);
};

const idOf = (ref: NodeRef): bigint =>
  positiveId(typeof ref === "object" ? ref.id : ref, "Node", "node", "node");

/**
 * A pool on-chain. Create one with `sandrun.pool()…join()` or load one with {@link Pool.load}.
 *
 * @example
 * ```ts
 * const pool = await sandrun.pool().discover({ minNodes: 3 }).consensus("2-of-3").join();
 * const [execution] = await pool.distribute(await sandrun.job().code("console.log(42)").build(), "cheapest");
 * pool.on("job-completed", (e) => console.log(e.jobId, e.consensus));
 * ```
 */
export class Pool implements JobPoolRef {
  /** The pool's on-chain id (decimal string). */
  readonly id: string;
  readonly owner: Address;
  readonly policy: PoolPolicyView;
  readonly requirements: Required<PoolRequirementsInput>;
  readonly #ctx: ResolvedPoolContext;
  #encryptionKey: Hex | Uint8Array | undefined;
  readonly #hub: PoolEventHub;
  #members: RegistryNode[];
  #lastRoundRobin: bigint | undefined;

  private constructor(
    ctx: ResolvedPoolContext,
    info: {
      poolId: bigint;
      owner: Address;
      policy: PoolPolicyView;
      requirements: Required<PoolRequirementsInput>;
    },
    members: RegistryNode[],
    hub: PoolEventHub,
  ) {
    this.#ctx = ctx;
    this.#encryptionKey = ctx.encryptionKey;
    this.id = info.poolId.toString();
    this.owner = info.owner;
    this.policy = Object.freeze({ ...info.policy });
    this.requirements = Object.freeze({ ...info.requirements });
    this.#members = members;
    this.#hub = hub;
  }

  /**
   * Loads a pool and its members from the chain; its events are followed from the next block.
   *
   * @example
   * ```ts
   * import { Pool } from "sandrun/client/pool/Pool.ts";
   * const pool = await Pool.load(context, 1n);
   * ```
   */
  static async load(
    context: PoolContext,
    poolId: bigint | string,
    options: { fromBlock?: bigint } = {},
  ): Promise<Pool> {
    const ctx = await resolvePoolContext(context);
    const id = BigInt(poolId);
    const info = await getPool(ctx.client, { poolRegistry: ctx.poolRegistry, poolId: id });
    const ids = await getMembers(ctx.client, { poolRegistry: ctx.poolRegistry, poolId: id });
    const members = await readNodes(ctx.client.publicClient, { registry: ctx.nodeRegistry, ids });
    const hub = new PoolEventHub({
      client: ctx.client,
      poolRegistry: ctx.poolRegistry,
      jobMarket: ctx.jobMarket,
      poolId: id,
      fromBlock: options.fromBlock,
      pollingInterval: ctx.pollingInterval,
    });
    await hub.init();
    return new Pool(ctx, { ...info, poolId: id }, members, hub);
  }

  /** The pool's consensus strategy. */
  get consensus(): ConsensusStrategy {
    return this.policy.consensus;
  }
  /** Nodes per job. */
  get redundancy(): number {
    return this.policy.redundancy;
  }
  /** The verification level. */
  get verification(): VerificationLevel {
    return this.policy.verification;
  }

  /** The members as registry records (as of the last refresh). */
  get records(): readonly RegistryNode[] {
    return this.#members;
  }

  /** The members as Node objects (the root's `Node` when it gave one, else {@link PoolNode}). */
  get nodes(): unknown[] {
    return this.#members.map((r) => (this.#ctx.toNode ? this.#ctx.toNode(r) : toPoolNode(r)));
  }

  /** What the pool's members add up to. */
  get capabilities(): AggregatedCapabilities {
    const m = this.#members;
    const byModel: Record<string, number> = {};
    for (const n of m) {
      const g = n.capabilities.gpu;
      if (g.count > 0) byModel[g.model] = (byModel[g.model] ?? 0) + g.count;
    }
    const sum = (f: (n: RegistryNode) => number) => m.reduce((s, n) => s + f(n), 0);
    return Object.freeze({
      nodes: m.length,
      activeNodes: m.filter((n) => n.active).length,
      gpus: Object.freeze({
        total: sum((n) => n.capabilities.gpu.count),
        byModel: Object.freeze(byModel),
        maxMemoryGb: Math.max(0, ...m.map((n) => n.capabilities.gpu.memoryGb)),
      }),
      cpuCores: sum((n) => n.capabilities.cpu.cores),
      memoryGb: sum((n) => n.capabilities.memory.gb),
      storageGb: sum((n) => n.capabilities.storage.gb),
      regions: Object.freeze([...new Set(m.map((n) => n.capabilities.region))].sort()),
      minBandwidthMbps: m.length === 0 ? 0 : Math.min(...m.map((n) => n.capabilities.network.bandwidthMbps)),
      maxLatencyMs: m.length === 0 ? 0 : Math.max(...m.map((n) => n.capabilities.network.latencyMs)),
    });
  }

  /** Re-reads the members from the chain. */
  async refresh(): Promise<void> {
    const ids = await getMembers(this.#ctx.client, {
      poolRegistry: this.#ctx.poolRegistry,
      poolId: BigInt(this.id),
    });
    this.#members = await readNodes(this.#ctx.client.publicClient, { registry: this.#ctx.nodeRegistry, ids });
  }

  // ───────────────────────────── jobs ─────────────────────────────

  /**
   * The job's consensus and redundancy, its own or the pool's. A pair the contract would refuse
   * (e.g. `redundancy(5)` on a 2-of-3 pool) is refused here, before anything is estimated or sent.
   */
  #n(job: Job): { n: number; strategy: ConsensusStrategy } {
    const strategy = job.consensus ?? this.consensus;
    const n =
      job.redundancy ?? (job.consensus === undefined ? this.redundancy : undefined) ?? naturalFor(strategy);
    const problems = checkRedundancy(strategy, n);
    if (problems.length > 0) {
      throw new ValidationError(
        "Job",
        problems.map((p) => ({
          ...p,
          message: `${p.message} (${job.consensus === undefined ? `pool ${this.id}'s` : "the job's"} consensus is ${strategy})`,
        })),
      );
    }
    return { n, strategy };
  }

  #token(job: Job): { address: Address; symbol: string; decimals: number } {
    const symbol = job.payment?.token ?? this.#priceToken();
    const t = this.#ctx.tokens.get(symbol);
    return { address: t.address, symbol: t.symbol, decimals: t.decimals };
  }

  #priceToken(): string {
    const tokens = [...new Set(this.#members.map((m) => m.prices.token.toLowerCase()))];
    if (tokens.length === 0) return "ETH";
    const known = this.#ctx.tokens.find(tokens[0]!);
    return known ? known.symbol : tokens[0]!;
  }

  #shape(job: Job) {
    // One core: the on-chain request carries no core count, and workers meter every job as at
    // least one core (client/worker/decide.ts `quote`). Pricing it at zero cores made every
    // default-priced CPU job "price-too-low" for every worker.
    return {
      gpus: job.gpu.count,
      cpuCores: JOB_CPU_CORES,
      memoryGb: job.memoryGb,
      gpuModel: job.gpu.type,
      gpuMemoryGb: job.gpu.memoryGb,
    };
  }

  /**
   * The price per node a job would pay when it names none: the highest job cost among the
   * members able to run it (so any of them can take it), in their price token.
   */
  async quoteJob(job: Job): Promise<{ amount: string; token: string }> {
    const t = this.#token(job);
    const { eligible } = eligibleMembers(this.#members, {
      count: 1,
      shape: this.#shape(job),
      seconds: job.timeoutSeconds,
      token: t.address,
    });
    const costs = eligible.map((m) => jobCost(m.prices, this.#shape(job), job.timeoutSeconds));
    const max = costs.reduce((a, b) => (b > a ? b : a), 0n);
    return { amount: fromBaseUnits(max, t.decimals), token: t.symbol };
  }

  async #pricePerNode(
    job: Job,
  ): Promise<{ price: bigint; token: { address: Address; symbol: string; decimals: number } }> {
    const token = this.#token(job);
    const payment = job.payment ?? (await this.quoteJob(job));
    return { price: toBaseUnits(payment.amount, token.decimals), token };
  }

  /** What a job would cost here and whether enough members can run it; sends nothing. */
  async estimateJob(job: Job): Promise<JobEstimate> {
    const { n, strategy } = this.#n(job);
    const { price, token } = await this.#pricePerNode(job);
    const { eligible } = eligibleMembers(this.#members, {
      count: n,
      shape: this.#shape(job),
      seconds: job.timeoutSeconds,
      token: token.address,
      maxPerNode: price,
    });
    return Object.freeze({
      pricePerNode: fromBaseUnits(price, token.decimals),
      escrow: fromBaseUnits(price * BigInt(n), token.decimals),
      token: token.symbol,
      redundancy: n,
      consensus: strategy,
      eligibleNodes: eligible.length,
      feasible: eligible.length >= n,
      specBytes: job.specBytes.length,
      inline: job.specUri === "",
    });
  }

  async #request(job: Job, nodes?: readonly bigint[]): Promise<JobRequestInput> {
    const { n, strategy } = this.#n(job);
    const { price, token } = await this.#pricePerNode(job);
    const level = this.verification;
    let encryptionKey: Hex | undefined;
    if (level === "cryptographic") {
      encryptionKey = toHex(encryptionPublicKey(await this.#requesterKey()));
    }
    // Collateral: what a dissenter or no-show loses. Strict and stronger levels, and stake-weighted
    // consensus (which weighs it), need some; a job may set its own.
    const collateral =
      job.collateral !== undefined
        ? toBaseUnits(job.collateral, 18)
        : level === "strict" || level === "cryptographic" || strategy === "proof-of-stake-weighted"
          ? price
          : 0n;
    return {
      poolId: BigInt(this.id),
      specHash: job.specHash,
      runtime: job.spec.runtime,
      consensus: strategy,
      redundancy: n,
      resources: job.resources,
      token: token.address,
      pricePerNode: price,
      collateralPerNode: collateral,
      commitWindow: job.commitWindow,
      revealWindow: job.revealWindow,
      nodes: nodes ? [...nodes] : [],
      specURI: job.specUri,
      inlineSpec: job.specUri === "" ? toHex(job.specBytes) : "0x",
      encryptionKey,
    };
  }

  /** The requester's decryption key: the context's, else derived from a wallet signature (cached). */
  async #requesterKey(): Promise<Hex | Uint8Array> {
    if (this.#encryptionKey !== undefined) return this.#encryptionKey;
    const wallet = this.#ctx.client.walletClient;
    if (!wallet?.account) {
      throw new MissingConfigurationError(
        "encryptionKey",
        "cryptographic pools encrypt outputs to the requester's key: give one, or a wallet to derive it",
      );
    }
    const signature = await wallet.signMessage({ account: wallet.account, message: ENCRYPTION_KEY_MESSAGE });
    this.#encryptionKey = keccak256(signature);
    return this.#encryptionKey;
  }

  #execution(jobId: bigint): JobExecution {
    return new JobExecution(
      {
        client: this.#ctx.client,
        jobMarket: this.#ctx.jobMarket,
        decryptionKey: this.#encryptionKey,
        pollingInterval: this.#ctx.pollingInterval,
      },
      jobId,
    );
  }

  /** Posts an open job (any member may take its slots): what `JobBuilder.submit()` calls. */
  async submitJob(job: Job): Promise<JobExecution> {
    const request = await this.#request(job);
    const { jobId } = await postJob(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, request });
    return this.#execution(jobId);
  }

  /**
   * Posts a directed job: the members chosen by `strategy` are the only nodes that may take
   * its slots. Given several jobs, posts each (one transaction for all). Returns one execution
   * per job posted.
   *
   * @param strategy `cheapest` (default), `round-robin`, `least-loaded`, `fastest` or `most-reputable`.
   * @throws ValidationError when fewer members than the job's redundancy can run it (each one with why).
   */
  async distribute(
    job: Job | readonly Job[],
    strategy: DistributionStrategy = "cheapest",
  ): Promise<JobExecution[]> {
    const jobs = Array.isArray(job) ? (job as readonly Job[]) : [job as Job];
    const inFlight = strategy === "least-loaded" ? await this.#inFlight() : undefined;
    const requests: JobRequestInput[] = [];
    for (const j of jobs) {
      const { n } = this.#n(j);
      const { price, token } = await this.#pricePerNode(j);
      const ids = chooseNodes(
        this.#members,
        {
          count: n,
          shape: this.#shape(j),
          seconds: j.timeoutSeconds,
          maxPerNode: price,
          token: token.address,
        },
        strategy,
        { inFlight, lastRoundRobin: this.#lastRoundRobin },
      );
      if (strategy === "round-robin") this.#lastRoundRobin = ids.at(-1);
      if (inFlight) for (const id of ids) inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      requests.push(await this.#request(j, ids));
    }
    if (requests.length === 1) {
      const { jobId } = await postJob(this.#ctx.client, {
        jobMarket: this.#ctx.jobMarket,
        request: requests[0]!,
      });
      return [this.#execution(jobId)];
    }
    const { jobIds } = await postJobs(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, requests });
    return jobIds.map((id) => this.#execution(id));
  }

  /** Jobs in flight per member: posted to this pool, a slot taken by the member, not settled. */
  async #inFlight(): Promise<Map<bigint, number>> {
    const events = await this.#poolJobEvents();
    const open = new Map<bigint, Set<bigint>>();
    for (const e of events) {
      const jobId = e.args.jobId as bigint;
      if (
        e.eventName === "SlotTaken" ||
        e.eventName === "ResultCommitted" ||
        e.eventName === "ResultReported"
      ) {
        const s = open.get(jobId) ?? new Set<bigint>();
        s.add(e.args.nodeId as bigint);
        open.set(jobId, s);
      } else if (
        e.eventName === "JobSettled" ||
        e.eventName === "JobCancelled" ||
        e.eventName === "JobExpired"
      )
        open.delete(jobId);
    }
    const load = new Map<bigint, number>();
    for (const nodes of open.values()) for (const n of nodes) load.set(n, (load.get(n) ?? 0) + 1);
    return load;
  }

  /**
   * A job's terms as posted (the JobPosted and JobSpec events). The job view cannot serve once
   * the job settled: settlement clears its counters, collateral and (cryptographic level) spec
   * hash for the gas refund, and proofs are verified and disputes judged after settlement.
   */
  async #terms(
    jobId: bigint,
    known?: readonly JobEvent[],
  ): Promise<{
    poolId: bigint;
    n: number;
    consensus: ConsensusStrategy;
    collateralPerNode: bigint;
    specHash: Hex;
    runtime: number;
  }> {
    const events = known ?? (await getJobEvents(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, jobId }));
    const posted = events.find((e) => e.eventName === "JobPosted");
    if (!posted) throw new UnknownIdError("job", jobId.toString());
    const spec = events.find((e) => e.eventName === "JobSpec");
    const a = posted.args;
    return {
      poolId: a.poolId as bigint,
      n: Number(a.n),
      consensus: strategyFromEnum(a.strategy as number),
      collateralPerNode: a.collateralPerNode as bigint,
      specHash: a.specHash as Hex,
      runtime: Number(spec?.args.runtime ?? 0),
    };
  }

  async #poolJobIds(): Promise<bigint[]> {
    const { jobMarketAbi } = await import("../abis/generated/JobMarket.ts");
    const logs = await this.#ctx.client.publicClient.getContractEvents({
      address: this.#ctx.jobMarket,
      abi: jobMarketAbi,
      eventName: "JobPosted",
      args: { poolId: BigInt(this.id) },
      fromBlock: 0n,
    });
    return logs.map((l) => l.args.jobId!);
  }

  async #poolJobEvents() {
    const ids = await this.#poolJobIds();
    return getJobEvents(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, jobId: ids });
  }

  /**
   * Assigns jobs to `redundancy` distinct eligible members each, minimising cost under
   * capabilities and capacity (client/pool/schedule.ts). With `{ post: true }` posts the
   * assigned jobs as directed jobs in one transaction.
   *
   * @example
   * ```ts
   * const schedule = await pool.schedule(jobs);
   * console.log(`Total estimated cost: ${schedule.totalCost}`); // exact, base units (bigint)
   * ```
   */
  async schedule(
    jobs: readonly Job[],
    options: { post?: boolean; slots?: number; capacitySeconds?: number } = {},
  ): Promise<ScheduleResult> {
    const priced = await Promise.all(
      jobs.map(async (j) => ({ job: j, ...(await this.#pricePerNode(j)), ...this.#n(j) })),
    );
    const tokens = [...new Set(priced.map((p) => p.token.address.toLowerCase()))];
    if (tokens.length > 1)
      throw new ValidationError("Schedule", [{ field: "jobs", message: "all jobs must pay in one token" }]);
    const token = priced[0]?.token ?? this.#token({ payment: undefined } as unknown as Job);
    const raw = runSchedule(
      priced.map((p, i) => ({
        id: String(i),
        redundancy: p.n,
        requirements: {
          gpus: p.job.gpu.count,
          cpuCores: JOB_CPU_CORES,
          ...(p.job.gpu.type ? { gpuModel: p.job.gpu.type } : {}),
          memoryGb: p.job.memoryGb,
        },
        durationSeconds: Math.max(1, p.job.timeoutSeconds),
        ...(p.job.payment ? { maxPricePerNode: p.price } : {}),
      })),
      this.#members
        .filter((m) => m.status === "active")
        .map((m) =>
          scheduleNodeFromRecord(m, {
            ...(options.slots !== undefined ? { slots: options.slots } : {}),
            ...(options.capacitySeconds !== undefined ? { capacitySeconds: options.capacitySeconds } : {}),
          }),
        ),
      { token: token.address },
    );
    let executions: JobExecution[] | undefined;
    if (options.post && raw.assignments.length > 0) {
      const requests = await Promise.all(
        raw.assignments.map((a) => {
          const p = priced[Number(a.jobId)]!;
          // Without an explicit payment each node is offered exactly its scheduled charge cap: the
          // highest of the assigned nodes' costs, so every assigned node is paid in full.
          const perNode = p.job.payment ? p.price : a.nodeCosts.reduce((x, y) => (y > x ? y : x), 0n);
          return this.#request(
            { ...p.job, payment: { amount: fromBaseUnits(perNode, token.decimals), token: token.symbol } },
            a.nodeIds,
          );
        }),
      );
      const { jobIds } = await postJobs(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, requests });
      executions = jobIds.map((id) => this.#execution(id));
    }
    return Object.freeze({
      ...raw,
      totalCostFormatted: fromBaseUnits(raw.totalCost, token.decimals),
      tokenSymbol: token.symbol,
      makespan: raw.makespanSeconds,
      executions,
    });
  }

  // ───────────────────────────── membership ─────────────────────────────

  /** Adds a node to the pool (pool owner only). */
  async addNode(node: NodeRef): Promise<void> {
    await addNode(this.#ctx.client, {
      poolRegistry: this.#ctx.poolRegistry,
      poolId: BigInt(this.id),
      nodeId: idOf(node),
    });
    await this.refresh();
  }

  /** Removes a member (pool owner only). */
  async removeNode(nodeId: NodeRef): Promise<void> {
    await removeNode(this.#ctx.client, {
      poolRegistry: this.#ctx.poolRegistry,
      poolId: BigInt(this.id),
      nodeId: idOf(nodeId),
    });
    await this.refresh();
  }

  /** Swaps a member for another node in one transaction (pool owner only). */
  async replaceNode(oldNodeId: NodeRef, newNode: NodeRef): Promise<void> {
    await replaceNode(this.#ctx.client, {
      poolRegistry: this.#ctx.poolRegistry,
      poolId: BigInt(this.id),
      oldNodeId: idOf(oldNodeId),
      newNodeId: idOf(newNode),
    });
    await this.refresh();
  }

  // ───────────────────────────── health and metrics ─────────────────────────────

  /** Heartbeats, registry status and status endpoints of the members, and consensus reliability. */
  async healthCheck(
    options: { maxHeartbeatAge?: number; statusTimeoutMs?: number } = {},
  ): Promise<PoolHealth> {
    await this.refresh();
    const events = await this.#poolJobEvents();
    const settled = events
      .filter((e) => e.eventName === "JobSettled")
      .map((e) => ({ consensus: Boolean(e.args.consensus) }));
    return checkHealth({
      client: this.#ctx.client,
      nodeRegistry: this.#ctx.nodeRegistry,
      members: this.#members,
      redundancy: this.redundancy,
      settled,
      maxHeartbeatAge: options.maxHeartbeatAge,
      statusTimeoutMs: options.statusTimeoutMs,
    });
  }

  /** Job counts, consensus rate, settlement time, money escrowed/credited/slashed, results per node. */
  async getMetrics(): Promise<PoolMetrics> {
    await this.refresh();
    const events = await this.#poolJobEvents();
    const blocks = [
      ...new Set(
        events
          .filter((e) => e.eventName === "JobPosted" || e.eventName === "JobSettled")
          .map((e) => e.blockNumber),
      ),
    ];
    const stamps = await Promise.all(
      blocks.map((b) => this.#ctx.client.publicClient.getBlock({ blockNumber: b })),
    );
    const timestamps = new Map(stamps.map((b) => [b.number!, Number(b.timestamp)]));
    return aggregateMetrics(this.id, this.#members.length, events, timestamps);
  }

  // ───────────────────────────── verification and disputes ─────────────────────────────

  /**
   * Checks each proof's EIP-712 signature against the node's registered signer, then applies
   * the job's consensus rule (client/proofs/consensus.ts, the contract's rules) to the valid
   * ones. Proofs of one job only.
   */
  async verify(proofs: readonly Proof[]): Promise<VerificationResult> {
    if (proofs.length === 0)
      throw new ValidationError("Proofs", [{ field: "proofs", message: "give at least one proof" }]);
    const jobId = BigInt(proofs[0]!.jobId);
    const job = await this.#terms(jobId);
    if (job.poolId !== BigInt(this.id)) {
      throw new ValidationError("Proofs", [
        { field: "jobId", message: `job ${jobId} belongs to pool ${job.poolId}, not ${this.id}` },
      ]);
    }
    const chainId = await this.#ctx.client.publicClient.getChainId();
    const domain = { chainId, market: this.#ctx.jobMarket };
    const ids = [...new Set(proofs.map((p) => BigInt(p.nodeId)))];
    const records = new Map(
      (
        await readNodes(this.#ctx.client.publicClient, { registry: this.#ctx.nodeRegistry, ids }).catch(
          () => [],
        )
      ).map((r) => [r.id, r]),
    );
    const members = new Set(this.#members.map((m) => m.id));
    const valid: { nodeId: bigint; digest: Hex; collateral: bigint }[] = [];
    const invalid: { nodeId: string; reason: string }[] = [];
    for (const p of proofs) {
      const nodeId = BigInt(p.nodeId);
      const record = records.get(nodeId);
      const fail = (reason: string) => invalid.push({ nodeId: nodeId.toString(), reason });
      if (BigInt(p.jobId) !== jobId) {
        fail(`proof is for job ${p.jobId}, not ${jobId}`);
        continue;
      }
      if (!record) {
        fail("no such node");
        continue;
      }
      if (!members.has(nodeId)) {
        fail(`node is not a member of pool ${this.id}`);
        continue;
      }
      let signer: Address;
      try {
        signer =
          p.kind === "receipt"
            ? await recoverReceiptSigner(
                domain,
                {
                  jobId,
                  specHash: p.specHash ?? job.specHash,
                  runtime: p.runtime ?? job.runtime,
                  digest: p.digest,
                  resultURI: p.resultURI,
                  usage: p.usage ?? { wallMs: 0n, cpuMs: 0n, peakMemory: 0n },
                },
                p.signature,
              )
            : await recoverReportSigner(
                domain,
                { jobId, nodeId, digest: p.digest, resultURI: p.resultURI, invoice: p.invoice ?? 0n },
                p.signature,
              );
      } catch (e) {
        fail(`signature does not recover: ${(e as Error).message}`);
        continue;
      }
      if (signer.toLowerCase() !== record.signer.toLowerCase()) {
        fail(`signed by ${signer}, the node's signer is ${record.signer}`);
        continue;
      }
      valid.push({ nodeId, digest: p.digest, collateral: job.collateralPerNode });
    }
    const verdict = decideConsensus(job.consensus, job.n, valid);
    return Object.freeze({
      ...verdict,
      strategy: job.consensus,
      n: job.n,
      valid: Object.freeze(valid.map((v) => v.nodeId.toString())),
      invalid: Object.freeze(invalid),
    });
  }

  /**
   * Ends a dispute (its id is the disputed job's id). When the caller is the dispute's arbiter,
   * it rules: it re-applies the consensus rules to the job's revealed results off-chain and
   * upholds the settlement if they give the same verdict, overturns it otherwise (or as
   * `options.uphold` says). Anyone else finalizes it once its deadline passed (upheld by
   * default); before that a {@link DisputePendingError} says until when.
   */
  async resolveDispute(
    disputeId: string | bigint,
    options: { uphold?: boolean } = {},
  ): Promise<DisputeResolution> {
    const jobId = positiveId(disputeId, "Dispute", "disputeId", "job");
    const ctx = this.#ctx;
    const d = await getDispute(ctx.client, { jobMarket: ctx.jobMarket, jobId });
    if (!d.exists)
      throw new ValidationError("Dispute", [{ field: "disputeId", message: `job ${jobId} has no dispute` }]);
    const resolvedEvent = async () => {
      const ev = (await getJobEvents(ctx.client, { jobMarket: ctx.jobMarket, jobId }))
        .filter((e) => e.eventName === "DisputeResolved")
        .at(-1);
      return ev;
    };
    if (d.resolved) {
      const ev = await resolvedEvent();
      return Object.freeze({
        disputeId: jobId.toString(),
        jobId: jobId.toString(),
        upheld: Boolean(ev?.args.upheld),
        byDefault: Boolean(ev?.args.byDefault),
        transactionHash: ev?.transactionHash,
      });
    }
    const me = accountAddress(ctx.client, "resolveDispute");
    // The market takes rulings from its arbiter: this account itself, or a SimpleArbiter contract
    // this account owns (rules alone) or sits on the committee of (votes).
    const role =
      me.toLowerCase() === d.arbiter.toLowerCase()
        ? "arbiter"
        : await arbiterRole(ctx.client, { arbiter: d.arbiter, account: me });
    if (role !== "none") {
      let uphold = options.uphold;
      let reason: string | undefined;
      if (uphold === undefined) {
        const events = await getJobEvents(ctx.client, { jobMarket: ctx.jobMarket, jobId });
        const job = await this.#terms(jobId, events);
        const reveals = events
          .filter((e) => e.eventName === "ResultRevealed" || e.eventName === "ResultReported")
          .map((e) => ({
            nodeId: e.args.nodeId as bigint,
            digest: e.args.digest as Hex,
            collateral: job.collateralPerNode,
          }));
        const verdict = decideConsensus(job.consensus, job.n, reveals);
        const reached = events.find((e) => e.eventName === "ConsensusReached");
        const onChain = reached ? tallyKey(reached.args.digest as Hex) : undefined;
        uphold =
          verdict.reached === (onChain !== undefined) && (!verdict.reached || verdict.digest === onChain);
        reason = `off-chain consensus: ${verdict.reason}; on-chain ${onChain ? `accepted ${onChain}` : "no consensus"}`;
      }
      const { hash } =
        role === "arbiter"
          ? await ruleDispute(ctx.client, { jobMarket: ctx.jobMarket, jobId, uphold })
          : await ruleThroughArbiter(ctx.client, {
              arbiter: d.arbiter,
              jobMarket: ctx.jobMarket,
              jobId,
              uphold,
              as: role,
            });
      // A committee vote below the threshold rules nothing yet.
      const ruled =
        role !== "member" || (await getDispute(ctx.client, { jobMarket: ctx.jobMarket, jobId })).resolved;
      return Object.freeze({
        disputeId: jobId.toString(),
        jobId: jobId.toString(),
        upheld: uphold,
        pending: !ruled,
        byDefault: false,
        transactionHash: hash,
        reason,
      });
    }
    const block = await ctx.client.publicClient.getBlock({ blockTag: "latest" });
    if (Number(block.timestamp) <= d.deadline)
      throw new DisputePendingError(jobId.toString(), d.deadline, d.arbiter);
    const { hash } = await finalizeDispute(ctx.client, { jobMarket: ctx.jobMarket, jobId });
    return Object.freeze({
      disputeId: jobId.toString(),
      jobId: jobId.toString(),
      upheld: true,
      byDefault: true,
      transactionHash: hash,
    });
  }

  // ───────────────────────────── money ─────────────────────────────

  /**
   * Settles the job if it is not settled yet (anyone may, once it is decided or overdue) and
   * returns every credit the settlement made, from its events.
   */
  async distributePayments(
    jobResult: JobResult | { id: string } | string | bigint,
  ): Promise<PaymentDistribution> {
    const jobId = positiveId(
      typeof jobResult === "object" ? jobResult.id : jobResult,
      "Payments",
      "jobId",
      "job",
    );
    const ctx = this.#ctx;
    const job = await getJob(ctx.client, { jobMarket: ctx.jobMarket, jobId });
    if (job.poolId !== BigInt(this.id)) {
      throw new ValidationError("Job", [
        { field: "jobId", message: `job ${jobId} belongs to pool ${job.poolId}, not ${this.id}` },
      ]);
    }
    if (job.status === "open") await settleJob(ctx.client, { jobMarket: ctx.jobMarket, jobId });
    const { record, consensus, refunded, transactionHash } = await getSettlement(ctx.client, {
      jobMarket: ctx.jobMarket,
      jobId,
    });
    const events = (await getJobEvents(ctx.client, { jobMarket: ctx.jobMarket, jobId })).filter(
      (e) => e.transactionHash === transactionHash,
    );
    return Object.freeze({
      jobId: jobId.toString(),
      consensus,
      token: record.token,
      payments: Object.freeze([
        ...events
          .filter((e) => e.eventName === "PaymentCredited")
          .map((e) =>
            Object.freeze({
              account: e.args.account as Address,
              amount: e.args.amount as bigint,
              heldUntil: Number(e.args.heldUntil),
            }),
          ),
        // The requester's refund is credited too, announced by JobRefunded (not PaymentCredited).
        ...events
          .filter((e) => e.eventName === "JobRefunded")
          .map((e) =>
            Object.freeze({
              account: e.args.requester as Address,
              amount: e.args.amount as bigint,
              heldUntil: 0,
            }),
          ),
        // Payouts held for the challenge window are only in the record (no PaymentCredited).
        ...(record.challengeEnds === 0
          ? []
          : [
              ...record.payees.map((account, i) => ({ account, amount: record.amounts[i] ?? 0n })),
              { account: record.treasury, amount: record.fee },
            ]
              .filter((p) => p.amount > 0n)
              .map((p) => Object.freeze({ ...p, heldUntil: record.challengeEnds }))),
      ]),
      slashed: Object.freeze(
        events
          .filter((e) => e.eventName === "Slashed")
          .map((e) => Object.freeze({ nodeId: String(e.args.nodeId), amount: e.args.amount as bigint })),
      ),
      refunded,
      fee: record.fee,
      transactionHash,
    });
  }

  /**
   * Adds escrow to one of this pool's open jobs (the original design's `escrowFunds`): `amount`
   * of the job's own token, in token units, is spread over its n slots, raising its price per
   * node — each node's invoice cap — by `floor(amount / n)`; a node that invoiced 0 (the full
   * price) is then paid the new price. Cancellation, expiry and settlement refunds follow the
   * new price. When `amount` in base units is not a multiple of n, only `addedPerNode × n` is
   * sent (never more than asked) and `remainder` says how much was kept back.
   *
   * Only the job's requester may top it up, while the job is open, its outcome not yet decided
   * and its reveal deadline not passed (the market refuses otherwise, with a typed error and
   * nothing sent). ERC-20 jobs: the market is approved for exactly what is sent when needed.
   *
   * @param amount a decimal string in the job's token units (e.g. `"0.3"` for 0.3 ETH on an ETH job)
   * @param jobId the job's id
   * @throws ValidationError when `jobId` is not an id, names no job, a job of another pool or one no longer open.
   * @throws InvalidAmountError when `amount` is malformed, below n base units (nothing per node) or would push the escrow past 2^96 − 1.
   * @throws JobMarketError (and its named subclasses) for the market's refusals: not the requester, decided, too late, paused, fee-on-transfer shortfall.
   *
   * @example
   * ```ts
   * const [execution] = await pool.distribute(job);
   * const tx = await pool.escrowFunds("0.03", execution.id); // 3 nodes: +0.01 ETH each
   * console.log(tx.pricePerNode, tx.amount, tx.remainder); // "0.02" "0.03" "0"
   * ```
   */
  async escrowFunds(amount: string, jobId: string | bigint): Promise<EscrowTransaction> {
    const ctx = this.#ctx;
    const id = positiveId(jobId, "Escrow top-up", "jobId", "job");
    const job = await getJob(ctx.client, { jobMarket: ctx.jobMarket, jobId: id });
    const refuse = (message: string) => new ValidationError("Escrow top-up", [{ field: "jobId", message }]);
    if (job.status === "none") throw refuse(`job ${id} does not exist`);
    if (job.poolId !== BigInt(this.id))
      throw refuse(`job ${id} belongs to pool ${job.poolId}, not ${this.id}`);
    if (job.status !== "open") throw refuse(`job ${id} is ${job.status}: only an open job takes more escrow`);
    const token = ctx.tokens.find(job.token) ?? (await getTokenInfo(ctx.client, { token: job.token }));
    const base = toBaseUnits(amount, token.decimals);
    const n = BigInt(job.n);
    const addPerNode = base / n;
    if (addPerNode === 0n) {
      throw new InvalidAmountError(
        amount,
        `spread over the job's ${n} nodes it adds nothing per node: give at least ${fromBaseUnits(n, token.decimals)} ${token.symbol}`,
      );
    }
    if (n * (job.pricePerNode + addPerNode) > MAX_UINT96) {
      throw new InvalidAmountError(
        amount,
        "the job's escrow would exceed the market's limit of 2^96 - 1 base units",
      );
    }
    const result = await topUpJob(ctx.client, {
      jobMarket: ctx.jobMarket,
      jobId: id,
      addPerNode,
      job: { n: job.n, token: job.token },
    });
    const units = (v: bigint) => fromBaseUnits(v, token.decimals);
    return Object.freeze({
      jobId: id.toString(),
      txHash: result.hash,
      amount: units(result.totalAdded),
      requested: units(base),
      remainder: units(base - result.totalAdded),
      addedPerNode: units(result.addPerNode),
      pricePerNode: units(result.newPricePerNode),
      token: token.symbol,
      tokenAddress: job.token,
    });
  }

  /** The wallet's balance at the market in the pool's price token (available and held). */
  async balance(): Promise<{ available: bigint; held: bigint; heldUntil: number }> {
    const token = this.#ctx.tokens.find(this.#priceToken())?.address ?? zeroAddress;
    return getBalance(this.#ctx.client, { jobMarket: this.#ctx.jobMarket, token });
  }

  // ───────────────────────────── events ─────────────────────────────

  /** Subscribes to a pool event; events are polled while any handler is registered. */
  on<E extends PoolEvent>(event: E, handler: PoolEventHandler<E>): void {
    this.#hub.on(event, handler);
  }

  /** Unsubscribes a handler. */
  off<E extends PoolEvent>(event: E, handler: PoolEventHandler<E>): void {
    this.#hub.off(event, handler);
  }

  /** Reads and delivers pending events now (tests and scripts drive delivery with it). */
  pollEvents(): Promise<number> {
    return this.#hub.poll();
  }

  /** Stops following events. */
  close(): void {
    this.#hub.stop();
  }
}

/** Cores a job is priced at: workers meter every job as at least one core. */
const JOB_CPU_CORES = 1;

function naturalFor(strategy: ConsensusStrategy): number {
  return strategy === "fastest-wins" ? 1 : strategy === "3-of-5" ? 5 : 3;
}

/**
 * A read-only node view from a registry record: what `pool.nodes` returns when the root
 * supplies no `toNode`, with the reputation as a 0..1 score.
 *
 * @example
 * ```ts
 * import { toPoolNode } from "sandrun/client/pool/Pool.ts";
 * const { nodes } = await readRegistry(publicClient, { registry });
 * const view = toPoolNode(nodes[0]);
 * view.reputation.score; // e.g. 0.95 for 950000 ppm
 * ```
 */
export function toPoolNode(r: RegistryNode): PoolNode {
  return Object.freeze({
    id: r.id.toString(),
    publicKey: r.signer,
    capabilities: r.capabilities,
    reputation: Object.freeze({ score: r.reputationPpm / 1_000_000, ppm: r.reputationPpm }),
    record: r,
  });
}
