/**
 * The node's local capacity ledger: reservations against the capabilities it declared. It
 * refuses over-reservation with a typed error and tells listeners when a resource runs low.
 * Pure and synchronous (no chain, no machine access), so it is the same in browsers and workers.
 */
import { CapacityExceededError, InvalidUnitError, UnknownIdError } from "../errors/input.ts";
import type { CapabilitiesData } from "./capabilities.ts";
import { parseSizeMB } from "./units.ts";

/** What a job needs (the design's `ResourceRequest`). Sizes accept numbers (GB) or `'16GB'`. */
export type ResourceRequest = {
  readonly gpus?: number;
  readonly cpuCores?: number;
  readonly memory?: number | string;
  readonly storage?: number | string;
  /** The job this reservation is for (lets the ledger count active jobs and emit `job-started`). */
  readonly jobId?: string;
};

/** The resources a ledger tracks, in whole units (GPUs, cores, MB). */
export type ResourceVector = { gpus: number; cpuCores: number; memoryMB: number; storageMB: number };

/** A granted reservation (the design's `Reservation`). */
export type Reservation = {
  readonly id: string;
  readonly jobId: string | undefined;
  readonly resources: Readonly<ResourceVector>;
  /** Unix milliseconds. */
  readonly createdAt: number;
};

/**
 * Share of a resource in use at which `resource-low` fires (90%): the ledger calls `onLow`
 * when a reservation takes a resource across it.
 *
 * @example
 * ```ts
 * import { CapacityLedger, LOW_RESOURCE_THRESHOLD } from "sandrun/client/node/ledger.ts";
 * const ledger = new CapacityLedger(capabilities.data);
 * ledger.onLow = (resource, share) => console.log(`${resource} at ${share} (threshold ${LOW_RESOURCE_THRESHOLD})`);
 * ```
 */
export const LOW_RESOURCE_THRESHOLD = 0.9;

const KEYS = ["gpus", "cpuCores", "memoryMB", "storageMB"] as const;
const NAMES: Record<(typeof KEYS)[number], string> = {
  gpus: "gpu",
  cpuCores: "cpu",
  memoryMB: "memory",
  storageMB: "storage",
};

function count(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
    throw new InvalidUnitError(field, value, "must be a non-negative integer");
  return value;
}

/**
 * Reserves and releases declared capacity.
 *
 * @example
 * ```ts
 * import { CapacityLedger } from "sandrun/client/node/ledger.ts";
 * const ledger = new CapacityLedger(capabilities.data);
 * const r = ledger.reserve({ gpus: 1, memory: "16GB", jobId: "7" });
 * ledger.release(r.id);
 * ```
 */
export class CapacityLedger {
  readonly #total: ResourceVector;
  readonly #reservations = new Map<string, Reservation>();
  readonly #queued = new Set<string>();
  #next = 1;
  /** Called with the resource name when its use crosses {@link LOW_RESOURCE_THRESHOLD}. */
  onLow: ((resource: string, share: number) => void) | undefined;
  /** Called when a reservation for a job is granted (the job starts). */
  onJobStarted: ((reservation: Reservation) => void) | undefined;

  constructor(capabilities: CapabilitiesData) {
    this.#total = Object.freeze({
      gpus: capabilities.gpu?.count ?? 0,
      cpuCores: capabilities.cpu.cores,
      memoryMB: capabilities.memory.total * 1000,
      storageMB: capabilities.storage.capacity * 1000,
    });
  }

  /** What the node declared. */
  get total(): Readonly<ResourceVector> {
    return this.#total;
  }

  /** What is reserved now. */
  used(): ResourceVector {
    const used: ResourceVector = { gpus: 0, cpuCores: 0, memoryMB: 0, storageMB: 0 };
    for (const r of this.#reservations.values()) for (const k of KEYS) used[k] += r.resources[k];
    return used;
  }

  /** Share in use per resource, in [0, 1] (0 for a resource the node does not have). */
  shares(): Record<"gpu" | "cpu" | "memory" | "storage", number> {
    const used = this.used();
    const share = (k: (typeof KEYS)[number]) => (this.#total[k] === 0 ? 0 : used[k] / this.#total[k]);
    return {
      gpu: share("gpus"),
      cpu: share("cpuCores"),
      memory: share("memoryMB"),
      storage: share("storageMB"),
    };
  }

  /** Reservations in force. */
  list(): readonly Reservation[] {
    return [...this.#reservations.values()];
  }

  /** Number of distinct jobs holding reservations. */
  activeJobs(): number {
    return new Set([...this.#reservations.values()].map((r) => r.jobId).filter((j) => j !== undefined)).size;
  }

  /** Jobs the node claimed but has not started (the worker marks them). */
  queuedJobs(): number {
    return this.#queued.size;
  }

  /** Marks a claimed job as waiting for resources (the worker calls this; `reserve` clears it). */
  enqueue(jobId: string): void {
    this.#queued.add(jobId);
  }

  /**
   * Reserves resources, all or nothing.
   * @throws CapacityExceededError naming the first resource that does not fit
   */
  reserve(request: ResourceRequest): Reservation {
    const want: ResourceVector = {
      gpus: count(request.gpus, "gpus"),
      cpuCores: count(request.cpuCores, "cpuCores"),
      memoryMB: request.memory === undefined ? 0 : Number(parseSizeMB(request.memory, "memory")),
      storageMB: request.storage === undefined ? 0 : Number(parseSizeMB(request.storage, "storage")),
    };
    const before = this.shares();
    const used = this.used();
    for (const k of KEYS) {
      const free = this.#total[k] - used[k];
      if (want[k] > free) {
        const mb = k === "memoryMB" || k === "storageMB";
        throw new CapacityExceededError(
          mb ? `${NAMES[k]} (GB)` : NAMES[k],
          mb ? want[k] / 1000 : want[k],
          mb ? free / 1000 : free,
        );
      }
    }
    const reservation: Reservation = Object.freeze({
      id: `res-${this.#next++}`,
      jobId: request.jobId,
      resources: Object.freeze(want),
      createdAt: Date.now(),
    });
    this.#reservations.set(reservation.id, reservation);
    if (request.jobId !== undefined) {
      this.#queued.delete(request.jobId);
      this.onJobStarted?.(reservation);
    }
    const after = this.shares();
    for (const [name, share] of Object.entries(after))
      if (share >= LOW_RESOURCE_THRESHOLD && before[name as keyof typeof before] < LOW_RESOURCE_THRESHOLD)
        this.onLow?.(name, share);
    return reservation;
  }

  /** Releases a reservation. @throws UnknownIdError */
  release(id: string): Reservation {
    const r = this.#reservations.get(id);
    if (!r) throw new UnknownIdError("reservation", id);
    this.#reservations.delete(id);
    return r;
  }
}
