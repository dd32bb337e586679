/**
 * Capabilities as an immutable, validated value object, and its exact encoding to the
 * registry's packed `Capabilities` struct (contracts/types/NodeTypes.sol).
 */
import { hexToString, stringToHex } from "viem";
import type { Hex } from "viem";
import { ValidationError } from "../errors/input.ts";
import type { ValidationIssue } from "../errors/input.ts";
import { IssueList } from "./checks.ts";
import type { NodeCapabilities } from "./types.ts";

/**
 * GPU interconnects, in the registry's ABI order: a name's index is the `gpuInterconnect`
 * value of the `Capabilities` struct.
 *
 * @example
 * ```ts
 * import { GPU_INTERCONNECTS } from "sandrun/client/node/capabilities.ts";
 * GPU_INTERCONNECTS.indexOf("nvlink"); // 1
 * ```
 */
export const GPU_INTERCONNECTS = ["none", "nvlink", "infiniband"] as const;
/**
 * CPU architectures, in the registry's ABI order (the struct's `cpuArch` value).
 *
 * @example
 * ```ts
 * import { CPU_ARCHITECTURES } from "sandrun/client/node/capabilities.ts";
 * CPU_ARCHITECTURES[struct.cpuArch]; // "arm64" when cpuArch is 1
 * ```
 */
export const CPU_ARCHITECTURES = ["x86_64", "arm64"] as const;
/**
 * Memory types, in the registry's ABI order (the struct's `memoryType` value).
 *
 * @example
 * ```ts
 * import { MEMORY_TYPES } from "sandrun/client/node/capabilities.ts";
 * MEMORY_TYPES.indexOf("hbm"); // 2
 * ```
 */
export const MEMORY_TYPES = ["ddr4", "ddr5", "hbm"] as const;
/**
 * Storage types, in the registry's ABI order (the struct's `storageType` value).
 *
 * @example
 * ```ts
 * import { STORAGE_TYPES } from "sandrun/client/node/capabilities.ts";
 * STORAGE_TYPES.indexOf("nvme"); // 1
 * ```
 */
export const STORAGE_TYPES = ["ssd", "nvme", "hdd"] as const;

/** The registry's `Capabilities` struct as viem reads and writes it. */
export type CapabilitiesStruct = {
  gpuModel: Hex;
  gpuCount: number;
  gpuMemoryGB: number;
  gpuComputeCapability: number;
  gpuInterconnect: number;
  cpuArch: number;
  cpuCores: number;
  cpuThreads: number;
  cpuMHz: number;
  memoryGB: number;
  memoryType: number;
  memoryMHz: number;
  storageType: number;
  storageGB: number;
  storageIOPS: number;
  bandwidthMbps: number;
  latencyMs: number;
  region: Hex;
};

/** The normalised, validated capabilities (sizes in whole GB, enums as names, defaults filled). */
export type CapabilitiesData = {
  readonly gpu: {
    readonly type: string;
    readonly memory: number;
    readonly count: number;
    readonly computeCapability: number;
    readonly interconnect: (typeof GPU_INTERCONNECTS)[number];
  } | null;
  readonly cpu: {
    readonly architecture: (typeof CPU_ARCHITECTURES)[number];
    readonly cores: number;
    readonly threads: number;
    readonly frequency: number;
    readonly features: readonly string[];
  };
  readonly memory: {
    readonly total: number;
    readonly type: (typeof MEMORY_TYPES)[number];
    readonly speed: number;
  };
  readonly storage: {
    readonly type: (typeof STORAGE_TYPES)[number];
    readonly capacity: number;
    readonly iops: number;
  };
  readonly network: { readonly bandwidth: number; readonly latency: number };
  readonly region: string;
};

const U8 = 255;
const U16 = 65_535;
const U24 = 16_777_215;
const U32 = 4_294_967_295;

/** Compute capability (e.g. 8.9) to the registry's tenths (89), exactly via its decimal string. */
function computeCapabilityTenths(value: unknown, field: string, issues: IssueList): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    issues.add(field, "must be a non-negative number such as 8.9");
    return 0;
  }
  const m = /^(\d+)(?:\.(\d))?$/.exec(String(value));
  if (!m) {
    issues.add(field, `must have at most one decimal (the registry stores tenths), got ${value}`);
    return 0;
  }
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? "0");
  if (tenths > U8) {
    issues.add(field, `must be at most 25.5, got ${value}`);
    return 0;
  }
  return tenths;
}

/**
 * Reads and checks capabilities, returning the normalised data and every issue found.
 * Defaults: no GPU; `computeCapability` 0 (unknown); interconnect none; CPU `x86_64`, no
 * features; memory `ddr4`, speed 0 (unknown); storage `ssd`, 0 GB, 0 IOPS; network 0 / 0;
 * region '' (unspecified). `cpu` and `memory.total` are required.
 *
 * @example
 * ```ts
 * import { readCapabilities } from "sandrun/client/node/capabilities.ts";
 * const { issues } = readCapabilities({ cpu: { cores: 0, threads: 1, frequency: 3600 } }, "us-west-2");
 * issues.map((i) => i.field); // ["cpu.cores", "memory.total"]
 * ```
 */
export function readCapabilities(
  input: NodeCapabilities,
  region: string | undefined,
  prefix = "",
): { data: CapabilitiesData; issues: ValidationIssue[] } {
  const v = new IssueList();
  const p = (f: string) => `${prefix}${f}`;
  let gpu: CapabilitiesData["gpu"] = null;
  if (input.gpu !== undefined) {
    const g = input.gpu;
    gpu = {
      type: v.label(g.type, p("gpu.type"), true),
      memory: v.wholeGB(g.memory, p("gpu.memory"), U16),
      count: v.int(g.count, p("gpu.count"), 1, U8),
      computeCapability: computeCapabilityTenths(g.computeCapability, p("gpu.computeCapability"), v) / 10,
      interconnect: v.oneOf(g.interconnect ?? "none", p("gpu.interconnect"), GPU_INTERCONNECTS),
    };
  }
  const c = input.cpu;
  if (c === undefined) v.add(p("cpu"), "is required (cores, threads, frequency)");
  const cores = v.int(c?.cores, p("cpu.cores"), 1, U16, c ? undefined : 0);
  const threads = v.int(c?.threads, p("cpu.threads"), 1, U16, c ? undefined : 0);
  if (c && Number.isInteger(c.threads) && Number.isInteger(c.cores) && c.threads < c.cores)
    v.add(p("cpu.threads"), `must be at least cpu.cores (${c.cores}), got ${c.threads}`);
  const features = c?.features ?? [];
  if (
    !Array.isArray(features) ||
    features.some((f) => typeof f !== "string" || !/^[a-z0-9._-]{1,32}$/i.test(f))
  )
    v.add(p("cpu.features"), "must be a list of feature names such as ['avx2', 'sse4']");
  const cpu: CapabilitiesData["cpu"] = {
    architecture: v.oneOf(c?.architecture, p("cpu.architecture"), CPU_ARCHITECTURES, "x86_64"),
    cores,
    threads,
    frequency: v.int(c?.frequency, p("cpu.frequency"), 1, U16, c ? undefined : 0),
    features: Object.freeze(Array.isArray(features) ? [...features] : []),
  };
  const m = input.memory;
  const memory: CapabilitiesData["memory"] = {
    total: v.wholeGB(m?.total, p("memory.total"), U24),
    type: v.oneOf(m?.type, p("memory.type"), MEMORY_TYPES, "ddr4"),
    speed: v.int(m?.speed, p("memory.speed"), 0, U16, 0),
  };
  if (m !== undefined && memory.total === 0 && !v.issues.some((i) => i.field === p("memory.total")))
    v.add(p("memory.total"), "must be at least 1 GB");
  const s = input.storage;
  const storage: CapabilitiesData["storage"] = {
    type: v.oneOf(s?.type, p("storage.type"), STORAGE_TYPES, "ssd"),
    capacity: s === undefined ? 0 : v.wholeGB(s.capacity, p("storage.capacity"), U32),
    iops: v.int(s?.iops, p("storage.iops"), 0, U24, 0),
  };
  const n = input.network;
  const network = {
    bandwidth: n === undefined ? 0 : v.int(n.bandwidth, p("network.bandwidth"), 0, U32),
    latency: n === undefined ? 0 : v.int(n.latency, p("network.latency"), 0, U16),
  };
  const data: CapabilitiesData = {
    gpu: gpu && Object.freeze(gpu),
    cpu: Object.freeze(cpu),
    memory: Object.freeze(memory),
    storage: Object.freeze(storage),
    network: Object.freeze(network),
    region: v.label(region, "region", false),
  };
  return { data: Object.freeze(data), issues: v.issues };
}

function bytes16(text: string): Hex {
  return stringToHex(text, { size: 16 });
}

function fromBytes16(hex: Hex): string {
  return hexToString(hex, { size: 16 }).replace(/\0+$/, "");
}

function enumName<T extends string>(list: readonly T[], value: number, field: string): T {
  const name = list[value];
  if (name === undefined)
    throw new ValidationError("On-chain capabilities", [
      { field, message: `unknown enumeration value ${value}` },
    ]);
  return name;
}

/**
 * A node's capabilities: immutable, validated, convertible to and from the registry's struct.
 *
 * @example
 * ```ts
 * import { Capabilities } from "sandrun/client/node/capabilities.ts";
 * const caps = Capabilities.from({
 *   gpu: { type: "rtx4090", memory: "24GB", count: 2 },
 *   cpu: { cores: 16, threads: 32, frequency: 3600 },
 *   memory: { total: 64, type: "ddr4", speed: 3200 },
 * }, "us-west-2");
 * caps.toStruct().gpuMemoryGB; // 24
 * ```
 */
export class Capabilities {
  /** The normalised data. */
  readonly data: CapabilitiesData;

  private constructor(data: CapabilitiesData) {
    this.data = data;
    Object.freeze(this);
  }

  /** Validates `input`; throws {@link ValidationError} listing every problem. */
  static from(input: NodeCapabilities, region?: string): Capabilities {
    const { data, issues } = readCapabilities(input, region);
    if (issues.length > 0) throw new ValidationError("Capabilities", issues);
    return new Capabilities(data);
  }

  /** Decodes the registry's struct (CPU features are not on-chain: they come back empty). */
  static fromStruct(s: CapabilitiesStruct): Capabilities {
    const gpuModel = fromBytes16(s.gpuModel);
    return new Capabilities(
      Object.freeze({
        gpu:
          gpuModel === ""
            ? null
            : Object.freeze({
                type: gpuModel,
                memory: s.gpuMemoryGB,
                count: s.gpuCount,
                computeCapability: s.gpuComputeCapability / 10,
                interconnect: enumName(GPU_INTERCONNECTS, s.gpuInterconnect, "gpuInterconnect"),
              }),
        cpu: Object.freeze({
          architecture: enumName(CPU_ARCHITECTURES, s.cpuArch, "cpuArch"),
          cores: s.cpuCores,
          threads: s.cpuThreads,
          frequency: s.cpuMHz,
          features: Object.freeze([]),
        }),
        memory: Object.freeze({
          total: s.memoryGB,
          type: enumName(MEMORY_TYPES, s.memoryType, "memoryType"),
          speed: s.memoryMHz,
        }),
        storage: Object.freeze({
          type: enumName(STORAGE_TYPES, s.storageType, "storageType"),
          capacity: s.storageGB,
          iops: s.storageIOPS,
        }),
        network: Object.freeze({ bandwidth: s.bandwidthMbps, latency: s.latencyMs }),
        region: fromBytes16(s.region),
      }),
    );
  }

  /** A copy with CPU features (which live in the metadata document, not on-chain). */
  withFeatures(features: readonly string[]): Capabilities {
    return new Capabilities(
      Object.freeze({
        ...this.data,
        cpu: Object.freeze({ ...this.data.cpu, features: Object.freeze([...features]) }),
      }),
    );
  }

  /** The registry's struct. */
  toStruct(): CapabilitiesStruct {
    const d = this.data;
    return {
      gpuModel: bytes16(d.gpu?.type ?? ""),
      gpuCount: d.gpu?.count ?? 0,
      gpuMemoryGB: d.gpu?.memory ?? 0,
      // Validation allowed at most one decimal, so ×10 then rounding recovers the tenths exactly.
      gpuComputeCapability: d.gpu ? Math.round(d.gpu.computeCapability * 10) : 0,
      gpuInterconnect: GPU_INTERCONNECTS.indexOf(d.gpu?.interconnect ?? "none"),
      cpuArch: CPU_ARCHITECTURES.indexOf(d.cpu.architecture),
      cpuCores: d.cpu.cores,
      cpuThreads: d.cpu.threads,
      cpuMHz: d.cpu.frequency,
      memoryGB: d.memory.total,
      memoryType: MEMORY_TYPES.indexOf(d.memory.type),
      memoryMHz: d.memory.speed,
      storageType: STORAGE_TYPES.indexOf(d.storage.type),
      storageGB: d.storage.capacity,
      storageIOPS: d.storage.iops,
      bandwidthMbps: d.network.bandwidth,
      latencyMs: d.network.latency,
      region: bytes16(d.region),
    };
  }

  /** The design's `NodeCapabilities` shape (sizes in GB numbers). */
  toNodeCapabilities(): NodeCapabilities {
    const d = this.data;
    return {
      ...(d.gpu
        ? {
            gpu: {
              type: d.gpu.type,
              memory: d.gpu.memory,
              count: d.gpu.count,
              computeCapability: d.gpu.computeCapability,
              ...(d.gpu.interconnect !== "none" ? { interconnect: d.gpu.interconnect } : {}),
            },
          }
        : {}),
      cpu: { ...d.cpu, features: [...d.cpu.features] },
      memory: { ...d.memory },
      storage: { ...d.storage },
      network: { ...d.network },
    };
  }
}
