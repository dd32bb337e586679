/**
 * The original design's seven `PoolEvent`s, mapped from contract events:
 *
 * | PoolEvent | contract event |
 * | --- | --- |
 * | `node-joined` | PoolRegistry `NodeJoinedPool(poolId, …)` |
 * | `node-left` | PoolRegistry `NodeLeftPool(poolId, …)` |
 * | `job-started` | the first slot taken in a job of this pool (`SlotTaken`, `ResultCommitted`, `ResultReported` or `ResultRevealed`) |
 * | `job-completed` | JobMarket `JobSettled` of a job of this pool |
 * | `consensus-achieved` | JobMarket `ConsensusReached` of a job of this pool |
 * | `dispute-raised` | JobMarket `DisputeRaised` of a job of this pool |
 * | `payment-distributed` | JobMarket `PaymentCredited` of a job of this pool, and each payout the `JobSettled` record holds for the challenge window |
 *
 * Delivery: each poll reads the logs since the last block seen (`eth_getLogs`, three calls:
 * pool membership, the pool's new jobs, events of the pool's jobs), sorts them by (block, log
 * index) and hands each to its handlers exactly once and in chain order: a log key
 * (transaction hash, log index) is never delivered twice, and polls never overlap.
 * @module
 */
import { toHex, type Address, type Hex } from "viem";

import { jobMarketAbi } from "../abis/generated/JobMarket.ts";
import { poolRegistryAbi } from "../abis/generated/PoolRegistry.ts";
import { getJobEvents } from "../actions/market/getJobEvents.ts";
import type { SandrunClient } from "../chain/clients.ts";
import { ValidationError } from "../errors.ts";

/**
 * The pool events of the original design, the names `pool.on` accepts.
 *
 * @example
 * ```ts
 * import { POOL_EVENTS } from "sandrun/client/pool/events.ts";
 * for (const event of POOL_EVENTS) pool.on(event, (data) => console.log(event, data));
 * ```
 */
export const POOL_EVENTS = [
  "node-joined",
  "node-left",
  "job-started",
  "job-completed",
  "consensus-achieved",
  "dispute-raised",
  "payment-distributed",
] as const;
/** A pool event name. */
export type PoolEvent = (typeof POOL_EVENTS)[number];

/** Where an event came from on-chain. */
export type EventOrigin = {
  readonly blockNumber: bigint;
  readonly logIndex: number;
  readonly transactionHash: Hex;
};

/**
 * `node-joined` / `node-left` payload. Its `toString()` is the node id, so the design's
 * `pool.on('node-left', (nodeId) => console.log(\`Node ${nodeId} left\`))` reads as written.
 */
export type NodeMembershipEvent = EventOrigin & {
  readonly poolId: string;
  readonly nodeId: string;
  /** The pool owner or the node's owner who made the change. */
  readonly by: Address;
  toString(): string;
};
/** `job-started` payload: the first slot of a job was taken. */
export type JobStartedEvent = EventOrigin & {
  readonly poolId: string;
  readonly jobId: string;
  readonly nodeId: string;
};
/** `job-completed` payload: the job settled. */
export type JobCompletedEvent = EventOrigin & {
  readonly poolId: string;
  readonly jobId: string;
  readonly consensus: boolean;
  readonly refunded: bigint;
  readonly record: Record<string, unknown>;
};
/** `consensus-achieved` payload. */
export type ConsensusAchievedEvent = EventOrigin & {
  readonly poolId: string;
  readonly jobId: string;
  /** The accepted digest's high 20 bytes. */
  readonly digest: Hex;
  readonly agreeing: number;
};
/** `dispute-raised` payload. */
export type DisputeRaisedEvent = EventOrigin & {
  readonly poolId: string;
  readonly jobId: string;
  readonly disputer: Address;
  readonly arbiter: Address;
  readonly deposit: bigint;
  readonly deadline: number;
  readonly evidenceURI: string;
};
/** `payment-distributed` payload: one credit of a settlement. */
export type PaymentDistributedEvent = EventOrigin & {
  readonly poolId: string;
  readonly jobId: string;
  readonly account: Address;
  readonly token: Address;
  readonly amount: bigint;
  readonly heldUntil: number;
};

/** Payload type of each event. */
export type PoolEventMap = {
  "node-joined": NodeMembershipEvent;
  "node-left": NodeMembershipEvent;
  "job-started": JobStartedEvent;
  "job-completed": JobCompletedEvent;
  "consensus-achieved": ConsensusAchievedEvent;
  "dispute-raised": DisputeRaisedEvent;
  "payment-distributed": PaymentDistributedEvent;
};
/** A handler of one event. */
export type PoolEventHandler<E extends PoolEvent = PoolEvent> = (
  data: PoolEventMap[E],
) => void | Promise<void>;

type Pending = { order: [bigint, number]; key: string; event: PoolEvent; data: PoolEventMap[PoolEvent] };

/** Options of {@link PoolEventHub}. */
export type PoolEventHubOptions = {
  readonly client: SandrunClient;
  readonly poolRegistry: Address;
  readonly jobMarket: Address;
  readonly poolId: bigint;
  /** First block to read (default: the block the hub is created at + 1, i.e. only new events). */
  readonly fromBlock?: bigint | undefined;
  /** Milliseconds between automatic polls while handlers are registered (default 1000; 0 = never poll automatically). */
  readonly pollingInterval?: number | undefined;
  /** Called when a poll or a handler fails (default: ignore; polling continues). */
  readonly onError?: ((error: unknown) => void) | undefined;
};

/**
 * Follows one pool's contract events and delivers them as `PoolEvent`s.
 *
 * @example
 * ```ts
 * import { PoolEventHub } from "sandrun/client/pool/events.ts";
 * const hub = new PoolEventHub({ client, poolRegistry, jobMarket, poolId: 1n });
 * hub.on("node-left", (e) => console.log(`Node ${e} left`));
 * await hub.poll(); // or let it poll on its timer
 * ```
 */
export class PoolEventHub {
  readonly #o: PoolEventHubOptions;
  readonly #handlers = new Map<PoolEvent, Set<PoolEventHandler<never>>>();
  readonly #delivered = new Set<string>();
  readonly #poolJobs = new Set<bigint>();
  readonly #startedJobs = new Set<bigint>();
  #nextBlock: bigint | undefined;
  #polling: Promise<number> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: PoolEventHubOptions) {
    this.#o = options;
    this.#nextBlock = options.fromBlock;
  }

  /** Subscribes `handler` to `event`. */
  on<E extends PoolEvent>(event: E, handler: PoolEventHandler<E>): void {
    if (!(POOL_EVENTS as readonly string[]).includes(event)) {
      throw new ValidationError("Pool event", [
        {
          field: "event",
          message: `unknown event ${JSON.stringify(event)}; one of ${POOL_EVENTS.join(", ")}`,
        },
      ]);
    }
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    set.add(handler as PoolEventHandler<never>);
    this.#ensureTimer();
  }

  /** Unsubscribes `handler` from `event` (no-op when not subscribed). */
  off<E extends PoolEvent>(event: E, handler: PoolEventHandler<E>): void {
    this.#handlers.get(event)?.delete(handler as PoolEventHandler<never>);
    if (this.#handlerCount() === 0) this.stop();
  }

  /** Stops automatic polling (handlers stay registered; `poll()` still works). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #handlerCount(): number {
    let n = 0;
    for (const s of this.#handlers.values()) n += s.size;
    return n;
  }

  #ensureTimer(): void {
    const interval = this.#o.pollingInterval ?? 1000;
    if (interval <= 0 || this.#timer !== undefined) return;
    const tick = (): void => {
      this.poll()
        .catch((e: unknown) => this.#o.onError?.(e))
        .finally(() => {
          if (this.#timer !== undefined) this.#timer = setTimeout(tick, interval);
        });
    };
    this.#timer = setTimeout(tick, interval);
  }

  /** Starts following from the current block (called by the pool when it is created or loaded). */
  async init(): Promise<void> {
    if (this.#nextBlock !== undefined) return;
    this.#nextBlock = (await this.#o.client.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n;
  }

  /** Reads and delivers every event since the last poll; returns how many were delivered. */
  poll(): Promise<number> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<number> {
    await this.init();
    const pc = this.#o.client.publicClient;
    const latest = await pc.getBlockNumber({ cacheTime: 0 });
    const fromBlock = this.#nextBlock!;
    if (latest < fromBlock) return 0;
    const poolId = this.#o.poolId;
    const pid = poolId.toString();
    const pending: Pending[] = [];
    const origin = (l: {
      blockNumber: bigint | null;
      logIndex: number | null;
      transactionHash: Hex | null;
    }): EventOrigin => ({
      blockNumber: l.blockNumber ?? 0n,
      logIndex: l.logIndex ?? 0,
      transactionHash: l.transactionHash ?? "0x",
    });
    const push = (o: EventOrigin, event: PoolEvent, data: PoolEventMap[PoolEvent], sub = ""): void => {
      pending.push({
        order: [o.blockNumber, o.logIndex],
        key: `${o.transactionHash}:${o.logIndex}:${event}${sub}`,
        event,
        data,
      });
    };

    const [membership, posted] = await Promise.all([
      pc.getContractEvents({
        address: this.#o.poolRegistry,
        abi: poolRegistryAbi,
        fromBlock,
        toBlock: latest,
        args: { poolId } as never,
      }),
      pc.getContractEvents({
        address: this.#o.jobMarket,
        abi: jobMarketAbi,
        eventName: "JobPosted",
        fromBlock,
        toBlock: latest,
        args: { poolId },
      }),
    ]);
    for (const l of membership) {
      if (l.eventName !== "NodeJoinedPool" && l.eventName !== "NodeLeftPool") continue;
      const a = l.args as { poolId: bigint; nodeId: bigint; by: Address };
      if (a.poolId !== poolId) continue;
      const nodeId = a.nodeId.toString();
      const data: NodeMembershipEvent = Object.freeze({
        ...origin(l),
        poolId: pid,
        nodeId,
        by: a.by,
        toString: () => nodeId,
      });
      push(data, l.eventName === "NodeJoinedPool" ? "node-joined" : "node-left", data);
    }
    for (const l of posted) this.#poolJobs.add(l.args.jobId!);

    if (this.#poolJobs.size > 0) {
      const events = await getJobEvents(this.#o.client, {
        jobMarket: this.#o.jobMarket,
        jobId: [...this.#poolJobs],
        fromBlock,
        toBlock: latest,
      });
      for (const e of events) {
        const a = e.args;
        const jobId = a.jobId as bigint;
        const o = { blockNumber: e.blockNumber, logIndex: e.logIndex, transactionHash: e.transactionHash };
        const base = { ...o, poolId: pid, jobId: jobId.toString() };
        switch (e.eventName) {
          // A slot is taken by takeSlot (SlotTaken), a commit, a report that takes one, or a
          // one-transaction batch (ResultRevealed): the first of them starts the job.
          case "SlotTaken":
          case "ResultCommitted":
          case "ResultReported":
          case "ResultRevealed":
            if (!this.#startedJobs.has(jobId)) {
              this.#startedJobs.add(jobId);
              push(o, "job-started", Object.freeze({ ...base, nodeId: String(a.nodeId) }));
            }
            break;
          case "JobSettled": {
            // Payouts held for the challenge window are listed in the record, not announced by
            // PaymentCredited: deliver one payment-distributed per held payout and the held fee.
            const r = a.record as {
              token: Address;
              treasury: Address;
              fee: bigint;
              challengeEnds: number;
              payees: readonly Address[];
              amounts: readonly bigint[];
            };
            if (Number(r.challengeEnds) !== 0) {
              const held = r.payees.map((account, i) => ({ account, amount: r.amounts[i] ?? 0n }));
              if (r.fee > 0n) held.push({ account: r.treasury, amount: r.fee });
              held.forEach((h, i) => {
                if (h.amount === 0n) return;
                push(
                  o,
                  "payment-distributed",
                  Object.freeze({
                    ...base,
                    account: h.account,
                    token: r.token,
                    amount: h.amount,
                    heldUntil: Number(r.challengeEnds),
                  }),
                  `:${i}`,
                );
              });
            }
            push(
              o,
              "job-completed",
              Object.freeze({
                ...base,
                consensus: a.consensus as boolean,
                refunded: a.refunded as bigint,
                record: a.record as Record<string, unknown>,
              }),
            );
            break;
          }
          case "ConsensusReached":
            push(
              o,
              "consensus-achieved",
              Object.freeze({ ...base, digest: a.digest as Hex, agreeing: Number(a.agreeing) }),
            );
            break;
          case "DisputeRaised":
            push(
              o,
              "dispute-raised",
              Object.freeze({
                ...base,
                disputer: a.disputer as Address,
                arbiter: a.arbiter as Address,
                deposit: a.deposit as bigint,
                deadline: Number(a.deadline),
                evidenceURI: a.evidenceURI as string,
              }),
            );
            break;
          case "PaymentCredited":
            push(
              o,
              "payment-distributed",
              Object.freeze({
                ...base,
                account: a.account as Address,
                token: a.token as Address,
                amount: a.amount as bigint,
                heldUntil: Number(a.heldUntil),
              }),
            );
            break;
          default:
            break;
        }
      }
    }

    pending.sort((x, y) =>
      x.order[0] < y.order[0] ? -1 : x.order[0] > y.order[0] ? 1 : x.order[1] - y.order[1],
    );
    let delivered = 0;
    for (const p of pending) {
      if (this.#delivered.has(p.key)) continue;
      this.#delivered.add(p.key);
      delivered += 1;
      for (const h of [...(this.#handlers.get(p.event) ?? [])]) {
        try {
          await (h as PoolEventHandler)(p.data as never);
        } catch (e) {
          this.#o.onError?.(e);
        }
      }
    }
    this.#nextBlock = latest + 1n;
    return delivered;
  }

  /** Job ids of this pool seen so far (posted since the hub started following). */
  get jobIds(): readonly bigint[] {
    return [...this.#poolJobs];
  }
}

/**
 * Encodes a uint64 pool id as an event topic (32 bytes, left-padded), for raw log filters
 * on events that index the pool id.
 *
 * @example
 * ```ts
 * import { poolTopic } from "sandrun/client/pool/events.ts";
 * const logs = await publicClient.request({
 *   method: "eth_getLogs",
 *   params: [{ address: poolRegistry, fromBlock: "0x0", topics: [toEventSelector("NodeJoinedPool(uint64,uint64,address)"), poolTopic(1n)] }],
 * });
 * ```
 */
export function poolTopic(poolId: bigint): Hex {
  return toHex(poolId, { size: 32 });
}
