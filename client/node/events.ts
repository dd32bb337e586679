/**
 * The design's NodeEvent names and where each comes from.
 *
 * | NodeEvent | source | handler data |
 * | --- | --- | --- |
 * | `job-claimed` | JobMarket `SlotTaken`, `ResultCommitted` or `ResultReported` for this node (first per job) | `{ jobId, slot }` |
 * | `job-started` | a local reservation made for a job (`reserveResources({ jobId })`), or the worker | `{ jobId, reservationId }` |
 * | `job-completed` | JobMarket `JobSettled` whose record lists this node | `{ jobId, consensus }` |
 * | `resource-low` | the local capacity ledger crossing 90% of a resource | the resource name (`'gpu'`, `'memory'`, …) |
 * | `payment-received` | the node's net payout in a `JobSettled` record (credited, held until `heldUntil`) | `{ jobId, amount, currency, raw, heldUntil }` |
 * | `dispute-raised` | JobMarket `DisputeRaised` for a job this node took | `{ jobId, disputer, deposit, evidenceURI }` |
 */

/** The design's NodeEvent. */
export type NodeEvent =
  "job-claimed" | "job-started" | "job-completed" | "resource-low" | "payment-received" | "dispute-raised";

/**
 * Every NodeEvent name, for code that subscribes to or checks all of them.
 *
 * @example
 * ```ts
 * import { NODE_EVENTS } from "sandrun/client/node/events.ts";
 * for (const event of NODE_EVENTS) node.on(event, (data) => console.log(event, data));
 * ```
 */
export const NODE_EVENTS: readonly NodeEvent[] = [
  "job-claimed",
  "job-started",
  "job-completed",
  "resource-low",
  "payment-received",
  "dispute-raised",
];

/**
 * Which contract event feeds each chain-sourced NodeEvent; `null` marks the events the
 * node's own worker emits (no chain log behind them).
 *
 * @example
 * ```ts
 * import { NODE_EVENT_SOURCES } from "sandrun/client/node/events.ts";
 * NODE_EVENT_SOURCES["job-completed"]; // "JobMarket.JobSettled"
 * NODE_EVENT_SOURCES["resource-low"]; // null
 * ```
 */
export const NODE_EVENT_SOURCES: Readonly<Record<NodeEvent, string | null>> = {
  "job-claimed": "JobMarket.SlotTaken | ResultCommitted | ResultReported",
  "job-started": null,
  "job-completed": "JobMarket.JobSettled",
  "resource-low": null,
  "payment-received": "JobMarket.JobSettled (record.amounts)",
  "dispute-raised": "JobMarket.DisputeRaised",
};

/** The data each NodeEvent's handler receives. */
export type NodeEventData = {
  "job-claimed": { jobId: string; slot: number };
  "job-started": { jobId: string; reservationId?: string };
  "job-completed": { jobId: string; consensus: boolean };
  "resource-low": string;
  "payment-received": { jobId: string; amount: string; currency: string; raw: bigint; heldUntil: number };
  "dispute-raised": { jobId: string; disputer: string; deposit: string; evidenceURI: string };
};

/** A NodeEvent handler. */
export type NodeEventHandler<E extends NodeEvent = NodeEvent> = (
  data: NodeEventData[E],
) => void | Promise<void>;

/**
 * A tiny typed emitter (browser-safe: no `node:events`). Handler errors are reported to
 * `onError` instead of breaking the emitter.
 * @example
 * ```ts
 * const e = new NodeEmitter();
 * e.on("resource-low", (r) => console.log(r));
 * e.emit("resource-low", "gpu");
 * ```
 */
export class NodeEmitter {
  readonly #handlers = new Map<NodeEvent, Set<NodeEventHandler>>();
  onError: ((error: unknown, event: NodeEvent) => void) | undefined;

  on<E extends NodeEvent>(event: E, handler: NodeEventHandler<E>): void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    set.add(handler as NodeEventHandler);
  }

  off<E extends NodeEvent>(event: E, handler: NodeEventHandler<E>): void {
    this.#handlers.get(event)?.delete(handler as NodeEventHandler);
  }

  count(event?: NodeEvent): number {
    if (event) return this.#handlers.get(event)?.size ?? 0;
    return [...this.#handlers.values()].reduce((n, s) => n + s.size, 0);
  }

  emit<E extends NodeEvent>(event: E, data: NodeEventData[E]): void {
    for (const h of this.#handlers.get(event) ?? []) {
      try {
        const r = (h as NodeEventHandler<E>)(data);
        if (r instanceof Promise) r.catch((e: unknown) => this.onError?.(e, event));
      } catch (e) {
        this.onError?.(e, event);
      }
    }
  }

  clear(): void {
    this.#handlers.clear();
  }
}
