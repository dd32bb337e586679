/**
 * Parsing and validation of criteria values: unit sizes, scores, counts, node ids.
 * Every parser returns an exact integer in the index's units or throws InvalidCriteriaError.
 */
import { InvalidCriteriaError } from "./errors.ts";
import type { CapabilitiesLike, CapabilityRequirement, Size } from "./types.ts";

/** GB per unit. Decimal units (storage and GPU vendors quote decimal): 1 TB = 1000 GB. */
const UNIT_MB_PER: Record<string, bigint> = {
  mb: 1n,
  gb: 1000n,
  tb: 1_000_000n,
};

/**
 * Parses a size ("80GB", "4TB", "512 MB", "1.5TB" or a number of GB) into whole GB, rounding
 * UP (a requirement of 0.5 GB needs at least 1 GB on a node registered in whole GB).
 * Binary units (GiB, TiB) are accepted and converted exactly (1 GiB = 1.073741824 GB).
 *
 * @example
 * ```ts
 * import { parseSizeGb } from "./client/discovery/criteria.ts";
 * parseSizeGb("4TB", "storage.capacity"); // 4000
 * parseSizeGb(80, "gpu.memory");          // 80
 * ```
 */
export function parseSizeGb(size: Size, criterion: string): number {
  if (typeof size === "number") return parseCount(size, criterion, { allowZero: true });
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([kmgt]i?b)\s*$/i.exec(size);
  if (!m)
    throw new InvalidCriteriaError(criterion, 'expected a size like "80GB", "4TB" or a number of GB', size);
  const [, whole = "0", frac = "", unitRaw = ""] = m;
  const unit = unitRaw.toLowerCase();
  // value = (whole.frac) * unit, as an exact fraction in bytes over 10^frac.length
  const scaled = BigInt(whole + frac); // value * 10^f
  const denom = 10n ** BigInt(frac.length);
  let bytesNumerator: bigint;
  if (unit.includes("i")) {
    const pow = { kib: 1n, mib: 2n, gib: 3n, tib: 4n }[unit];
    if (pow === undefined) throw new InvalidCriteriaError(criterion, `unknown unit ${unitRaw}`, size);
    bytesNumerator = scaled * 1024n ** pow;
  } else {
    const perMb = UNIT_MB_PER[unit];
    if (perMb === undefined)
      throw new InvalidCriteriaError(criterion, `unknown unit ${unitRaw} (use MB, GB, TB)`, size);
    bytesNumerator = scaled * perMb * 1_000_000n;
  }
  const gbDen = denom * 1_000_000_000n;
  const gb = (bytesNumerator + gbDen - 1n) / gbDen;
  if (gb > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidCriteriaError(criterion, "size too large", size);
  return Number(gb);
}

/**
 * Validates a non-negative (or positive) integer count.
 *
 * @example
 * ```ts
 * import { parseCount } from "./client/discovery/criteria.ts";
 * parseCount(4, "minGPUs.count"); // 4
 * ```
 */
export function parseCount(value: number, criterion: string, opts: { allowZero?: boolean } = {}): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < (opts.allowZero ? 0 : 1)) {
    throw new InvalidCriteriaError(
      criterion,
      `must be a ${opts.allowZero ? "non-negative" : "positive"} integer`,
      value,
    );
  }
  return value;
}

/**
 * Validates a non-negative finite number (latency, bandwidth, frequency) and returns it.
 *
 * @example
 * ```ts
 * import { parseNonNegative } from "./client/discovery/criteria.ts";
 * parseNonNegative(10000, "minBandwidth"); // 10000
 * ```
 */
export function parseNonNegative(value: number, criterion: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidCriteriaError(criterion, "must be a non-negative number", value);
  }
  return value;
}

/**
 * Converts a score in [0, 1] (reputation, availability) to parts per million, rounded up so
 * "at least 0.95" never admits 949_999 ppm.
 *
 * @example
 * ```ts
 * import { scoreToPpm } from "./client/discovery/criteria.ts";
 * scoreToPpm(0.99, "availability"); // 990000
 * ```
 */
export function scoreToPpm(score: number, criterion: string): number {
  if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 1) {
    throw new InvalidCriteriaError(criterion, "must be a fraction between 0 and 1 (0.99 = 99%)", score);
  }
  // score * 1e6 in binary floating point can land a hair above an integer (0.95*1e6 = 950000.0000000001);
  // round to 6 decimals first, then ceil.
  return Math.ceil(Number((score * 1_000_000).toFixed(6)));
}

/**
 * Parses a node id given as a decimal string, 0x hex string or bigint.
 *
 * @example
 * ```ts
 * import { parseNodeId } from "./client/discovery/criteria.ts";
 * parseNodeId("42", "nodes[0]"); // 42n
 * ```
 */
export function parseNodeId(id: string | bigint, criterion: string): bigint {
  if (typeof id === "bigint") {
    if (id < 0n) throw new InvalidCriteriaError(criterion, "node ids are non-negative", id);
    return id;
  }
  if (typeof id !== "string" || !/^(\d+|0x[0-9a-fA-F]+)$/.test(id.trim())) {
    throw new InvalidCriteriaError(criterion, "node id must be a decimal or 0x-hex string", id);
  }
  return BigInt(id.trim());
}

/**
 * Normalises a GPU model or region for comparison (trimmed, lower case).
 *
 * @example
 * ```ts
 * import { normalizeName } from "./client/discovery/criteria.ts";
 * normalizeName(" A100 "); // "a100"
 * ```
 */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Converts a compute capability like 8.9 to the registry's tenths (89), rounding up.
 *
 * @example
 * ```ts
 * import { computeCapabilityTenths } from "./client/discovery/criteria.ts";
 * computeCapabilityTenths(8.9, "gpu.computeCapability"); // 89
 * ```
 */
export function computeCapabilityTenths(value: number, criterion: string): number {
  parseNonNegative(value, criterion);
  return Math.ceil(Number((value * 10).toFixed(6)));
}

/**
 * Reads a node's declared capabilities (the design's `NodeCapabilities`) as "at least this":
 * the same GPU model, interconnect, CPU architecture, memory and storage type; at least the
 * GPU count and memory, compute capability, cores, threads, frequency, memory size and speed,
 * storage capacity and IOPS, bandwidth; at most the latency. Undefined fields add no requirement.
 *
 * @example
 * ```ts
 * import { capabilityRequirements } from "./client/discovery/criteria.ts";
 * capabilityRequirements({ gpu: { type: "a100", memory: "80GB", count: 8 } });
 * // [{ type: "gpu", specs: { type: "a100", memory: "80GB", count: 8 } }]
 * ```
 */
export function capabilityRequirements(caps: CapabilitiesLike): CapabilityRequirement[] {
  const out: CapabilityRequirement[] = [];
  const defined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  if (caps.gpu) {
    const g = caps.gpu;
    out.push({
      type: "gpu",
      specs: defined({
        type: g.type,
        memory: g.memory,
        count: g.count,
        computeCapability: g.computeCapability,
        interconnect: g.interconnect,
      }),
    });
  }
  if (caps.cpu) {
    const c = caps.cpu;
    out.push({
      type: "cpu",
      specs: defined({
        architecture: c.architecture,
        cores: c.cores,
        threads: c.threads,
        frequency: c.frequency,
      }),
    });
  }
  if (caps.memory)
    out.push({
      type: "memory",
      specs: defined({ total: caps.memory.total, type: caps.memory.type, speed: caps.memory.speed }),
    });
  if (caps.storage)
    out.push({
      type: "storage",
      specs: defined({ type: caps.storage.type, capacity: caps.storage.capacity, iops: caps.storage.iops }),
    });
  if (caps.network)
    out.push({
      type: "network",
      specs: defined({ bandwidth: caps.network.bandwidth, latency: caps.network.latency }),
    });
  return out;
}
