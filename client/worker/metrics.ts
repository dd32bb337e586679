/**
 * Machine metrics from the operating system, for `Node.getUtilization()` and the daemon's
 * `resource-low` events: CPU busy share (from the kernel's per-core time counters between two
 * reads; the 1-minute load average per core before there are two), memory in use (1 - available /
 * total), and the disk holding the sandbox scratch directory (1 - available / size). GPU is
 * `null` (no GPU probe: `nvidia-smi` is not queried), temperature is read from the first
 * thermal zone where the kernel exposes one.
 *
 * Node.js only (node:os, node:fs).
 * @module
 */
import { readFileSync, statfsSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import type { MachineMetrics } from "../node/worker-extension.ts";

/** Options of {@link MetricsProbe}. */
export type MetricsOptions = {
  /** Directory whose file system is measured as `storage` (default: the OS temp dir, where scratch dirs live). */
  readonly scratchDir?: string | undefined;
  /** Share at which a resource counts as low (default 0.9, as the core's capacity ledger). */
  readonly lowThreshold?: number | undefined;
};

type CpuTimes = { idle: number; total: number };

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

function readTemperature(): number | null {
  try {
    const milli = Number(readFileSync("/sys/class/thermal/thermal_zone0/temp", "utf8").trim());
    return Number.isFinite(milli) ? milli / 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Reads this machine's utilisation.
 *
 * @example
 * ```ts
 * import { MetricsProbe } from "sandrun/client/worker/metrics.ts";
 * const probe = new MetricsProbe({ scratchDir: "/var/tmp" });
 * const m = await probe.read(); // { cpu: 0.12, memory: 0.43, gpu: null, storage: 0.61, … }
 * probe.low(m); // ["storage"] when the disk is over 90 % full
 * ```
 */
export class MetricsProbe {
  readonly #scratchDir: string;
  /** Share at which a resource is reported low. */
  readonly threshold: number;
  #last: CpuTimes | undefined;

  constructor(options: MetricsOptions = {}) {
    this.#scratchDir = options.scratchDir ?? tmpdir();
    this.threshold = options.lowThreshold ?? 0.9;
  }

  /** CPU busy share since the previous call (load average per core on the first). */
  cpu(): number {
    const now = cpuTimes();
    const prev = this.#last;
    this.#last = now;
    const dTotal = prev ? now.total - prev.total : 0;
    if (!prev || dTotal <= 0) return clamp01(loadavg()[0]! / Math.max(1, cpus().length));
    return clamp01(1 - (now.idle - prev.idle) / dTotal);
  }

  /** Memory in use: 1 - available / total. */
  memory(): number {
    return clamp01(1 - freemem() / totalmem());
  }

  /** Share of the scratch file system in use, or `null` when it cannot be read. */
  storage(): number | null {
    try {
      const s = statfsSync(this.#scratchDir);
      return s.blocks > 0 ? clamp01(1 - s.bavail / s.blocks) : null;
    } catch {
      return null;
    }
  }

  /** All metrics at once (the core's `UtilizationProbe`). */
  async read(): Promise<MachineMetrics> {
    const errors: string[] = [];
    const storage = this.storage();
    if (storage === null) errors.push(`cannot read the file system of ${this.#scratchDir}`);
    return Object.freeze({
      cpu: this.cpu(),
      memory: this.memory(),
      gpu: null,
      storage,
      temperature: readTemperature(),
      powerDraw: null,
      errors: Object.freeze(errors),
    });
  }

  /** Names of the resources at or over the threshold ('cpu', 'memory', 'storage', 'gpu'). */
  low(m: MachineMetrics): string[] {
    return (["cpu", "memory", "gpu", "storage"] as const).filter((k) => (m[k] ?? 0) >= this.threshold);
  }
}
