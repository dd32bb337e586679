/**
 * NodeIndex: the in-memory discovery index. A chain reader fills it from paged registry views
 * (`upsert`) and keeps it current by feeding it registry events (`applyEvent`); queries run
 * over it without touching the chain.
 *
 * Ordering and idempotency: every write may carry its chain position (block number, log index).
 * The index remembers, per node, the position of the last write it applied and ignores any
 * write at or before it, so replaying a block range, or a page read at block B followed by the
 * events of block B, applies each change once. A page read at block B is position (B, +∞): it
 * already includes every event of block B.
 *
 * Records are treated as immutable: every update replaces the record object, so results handed
 * out earlier never change under the caller.
 */
import { evaluateCompiled, type EvaluateResult } from "./evaluate.ts";
import { compileQuery } from "./filters.ts";
import type { NodeCapabilities, NodePrices, NodeRecord, NodeStatus, Query, QueryOptions } from "./types.ts";

/**
 * A chain position. `logIndex` = Number.MAX_SAFE_INTEGER means "the state after the whole block".
 *
 * @example
 * ```ts
 * const at: ChainPosition = { blockNumber: log.blockNumber, logIndex: log.logIndex };
 * ```
 */
export interface ChainPosition {
  blockNumber: bigint;
  logIndex: number;
}

/**
 * The registry changes the index understands (decoded from NodeRegistry / PoolRegistry events).
 *
 * @example
 * ```ts
 * const e: NodeIndexEvent = { type: "heartbeat", id: 7n, timestamp: 1_700_000_000, at: { blockNumber: 5n, logIndex: 0 } };
 * ```
 */
export type NodeIndexEvent = { at?: ChainPosition } & (
  | { type: "node-upserted"; record: NodeRecord }
  | { type: "node-removed"; id: bigint }
  | { type: "status-changed"; id: bigint; status: NodeStatus }
  | { type: "heartbeat"; id: bigint; timestamp: number; availabilityPpm?: number }
  | { type: "reputation-updated"; id: bigint; reputationPpm: number }
  | { type: "bond-changed"; id: bigint; bond: bigint; freeBond: bigint }
  | { type: "prices-updated"; id: bigint; prices: NodePrices }
  | { type: "capabilities-updated"; id: bigint; capabilities: NodeCapabilities }
  | { type: "signer-changed"; id: bigint; signer: `0x${string}` }
  | { type: "pool-joined"; id: bigint; poolId: bigint }
  | { type: "pool-left"; id: bigint; poolId: bigint }
);

/**
 * What `applyEvent` did. "unknown-node": the event names a node the index lacks (fetch it, then upsert).
 *
 * @example
 * ```ts
 * if (index.applyEvent(event) === "unknown-node") index.upsert([await readNode(event.id)]);
 * ```
 */
export type ApplyOutcome = "applied" | "stale" | "unknown-node";

/**
 * Position of a page read at `blockNumber`: after every event of that block.
 *
 * @example
 * ```ts
 * index.upsert(page, afterBlock(await publicClient.getBlockNumber()));
 * ```
 */
export function afterBlock(blockNumber: bigint): ChainPosition {
  return { blockNumber, logIndex: Number.MAX_SAFE_INTEGER };
}

function notAfter(a: ChainPosition, b: ChainPosition): boolean {
  return a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex <= b.logIndex);
}

/**
 * In-memory index of registry nodes.
 *
 * @example
 * ```ts
 * import { NodeIndex, afterBlock } from "./client/discovery/index.ts";
 * const index = new NodeIndex();
 * index.upsert(page, afterBlock(blockNumber));
 * index.applyEvent({ type: "status-changed", id: 7n, status: "paused", at: { blockNumber: 101n, logIndex: 3 } });
 * const result = index.query({ criteria: { minNodes: 3 }, filters: { minGPUs: { count: 1 } } }, options);
 * ```
 */
export class NodeIndex {
  readonly #nodes = new Map<bigint, NodeRecord>();
  readonly #positions = new Map<bigint, ChainPosition>();

  /** Number of nodes held. */
  get size(): number {
    return this.#nodes.size;
  }

  /**
   * Inserts or replaces records (a page of a registry view). Records older than what the index
   * already applied for that node are skipped.
   *
   * @returns how many records were applied
   * @example
   * ```ts
   * index.upsert(records, afterBlock(123n));
   * ```
   */
  upsert(records: Iterable<NodeRecord>, at?: ChainPosition): number {
    let applied = 0;
    for (const r of records) {
      if (!this.#accept(r.id, at)) continue;
      this.#nodes.set(r.id, r);
      applied++;
    }
    return applied;
  }

  /**
   * Removes a node. Returns whether it was present.
   *
   * @example
   * ```ts
   * index.remove(7n);
   * ```
   */
  remove(id: bigint, at?: ChainPosition): boolean {
    if (!this.#accept(id, at)) return false;
    return this.#nodes.delete(id);
  }

  /**
   * The record of node `id`, if held.
   *
   * @example
   * ```ts
   * index.get(7n)?.status;
   * ```
   */
  get(id: bigint): NodeRecord | undefined {
    return this.#nodes.get(id);
  }

  /**
   * Every record, in insertion order.
   *
   * @example
   * ```ts
   * for (const node of index.values()) console.log(node.id);
   * ```
   */
  values(): IterableIterator<NodeRecord> {
    return this.#nodes.values();
  }

  /**
   * Applies one registry change. Idempotent: a change at or before the node's last applied
   * position is ignored ("stale").
   *
   * @example
   * ```ts
   * const outcome = index.applyEvent({ type: "heartbeat", id: 7n, timestamp: 1_700_000_000 });
   * if (outcome === "unknown-node") index.upsert([await readNode(7n)]);
   * ```
   */
  applyEvent(event: NodeIndexEvent): ApplyOutcome {
    if (event.type === "node-upserted") {
      return this.upsert([event.record], event.at) === 1 ? "applied" : "stale";
    }
    const current = this.#nodes.get(event.id);
    if (!current) return "unknown-node";
    if (event.type === "node-removed") return this.remove(event.id, event.at) ? "applied" : "stale";
    if (!this.#accept(event.id, event.at)) return "stale";
    let next: NodeRecord;
    switch (event.type) {
      case "status-changed":
        next = { ...current, status: event.status };
        break;
      case "heartbeat":
        next = {
          ...current,
          lastSeen: Math.max(current.lastSeen, event.timestamp),
          availabilityPpm: event.availabilityPpm ?? current.availabilityPpm,
        };
        break;
      case "reputation-updated":
        next = { ...current, reputationPpm: event.reputationPpm };
        break;
      case "bond-changed":
        next = { ...current, bond: event.bond, freeBond: event.freeBond };
        break;
      case "prices-updated":
        next = { ...current, prices: event.prices };
        break;
      case "capabilities-updated":
        next = { ...current, capabilities: event.capabilities };
        break;
      case "signer-changed":
        next = { ...current, signer: event.signer };
        break;
      case "pool-joined": {
        const pools = current.pools ?? [];
        next = pools.includes(event.poolId) ? current : { ...current, pools: [...pools, event.poolId] };
        break;
      }
      case "pool-left":
        next = { ...current, pools: (current.pools ?? []).filter((p) => p !== event.poolId) };
        break;
    }
    this.#nodes.set(event.id, next);
    return "applied";
  }

  /**
   * Runs a discovery query over the index: matching nodes ranked, per-criterion counts and,
   * when fewer than minNodes match, the binding criterion.
   *
   * @throws InvalidCriteriaError when a criterion is malformed
   * @example
   * ```ts
   * const r = index.query({ criteria: { minNodes: 5, reputation: 0.95 } }, options);
   * if (!r.satisfied) throw new CriteriaUnmetError(r.shortfall!);
   * ```
   */
  query(query: Query, options: QueryOptions): EvaluateResult {
    return evaluateCompiled(compileQuery(query, options), this.#nodes.values());
  }

  /** Records `at` for `id` and says whether a write at `at` is newer than what was applied. */
  #accept(id: bigint, at: ChainPosition | undefined): boolean {
    if (at === undefined) return true;
    const last = this.#positions.get(id);
    if (last !== undefined && notAfter(at, last)) return false;
    this.#positions.set(id, at);
    return true;
  }
}
