/**
 * Seeded node records and an exact money converter for discovery tests (no chain needed).
 */
import { Decimal } from "decimal.js";
import type { Address } from "viem";

import type { NodeRecord, QueryOptions } from "../../client/discovery/types.ts";

export const ETH: Address = "0x0000000000000000000000000000000000000000";
export const USDC: Address = "0x00000000000000000000000000000000000000c0";
export const NOW = 1_800_000_000;

const TOKENS: Record<string, { address: Address; decimals: number }> = {
  ETH: { address: ETH, decimals: 18 },
  USDC: { address: USDC, decimals: 6 },
};

/** Exact decimal → base units; throws on more decimals than the token has. */
export function toBaseUnits(amount: string, token: string): bigint {
  const t = TOKENS[token.toUpperCase()];
  if (!t) throw new Error(`unknown token ${token}`);
  const v = new Decimal(amount).mul(new Decimal(10).pow(t.decimals));
  if (!v.isInteger()) throw new Error(`${amount} has too many decimals for ${token}`);
  return BigInt(v.toFixed(0));
}

export function resolveToken(token: string): Address {
  if (/^0x[0-9a-fA-F]{40}$/.test(token)) return token as Address;
  const t = TOKENS[token.toUpperCase()];
  if (!t) throw new Error(`unknown token ${token}`);
  return t.address;
}

export const options: QueryOptions = { toBaseUnits, resolveToken, now: NOW };

export const eth = (s: string) => toBaseUnits(s, "ETH");

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends bigint[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** A node that passes the "everything" query of the tests; override fields to make variants. */
export function makeNode(id: number | bigint, o: DeepPartial<NodeRecord> = {}): NodeRecord {
  const base: NodeRecord = {
    id: BigInt(id),
    owner: "0x00000000000000000000000000000000000000a1",
    signer: "0x00000000000000000000000000000000000000b1",
    status: "active",
    bondToken: ETH,
    bond: eth("10"),
    freeBond: eth("10"),
    reputationPpm: 980_000,
    availabilityPpm: 995_000,
    lastSeen: NOW - 60,
    capabilities: {
      gpu: { model: "h100", count: 4, memoryGb: 80, computeCapability: 90, interconnect: "nvlink" },
      cpu: { architecture: "x86_64", cores: 32, threads: 64, mhz: 3000 },
      memory: { gb: 512, type: "ddr5", speedMhz: 4800 },
      storage: { type: "nvme", gb: 8000, iops: 1_000_000 },
      network: { bandwidthMbps: 25_000, latencyMs: 5 },
      region: "us-east-1",
    },
    prices: {
      token: ETH,
      gpuHour: eth("0.1"),
      cpuCoreHour: eth("0.001"),
      memoryGbHour: eth("0.0001"),
      storageGbHour: eth("0.00001"),
      networkGb: eth("0.001"),
      perJob: eth("0.01"),
      minimumJob: eth("0.02"),
    },
  };
  const c = o.capabilities ?? {};
  return {
    ...base,
    ...(o as Partial<NodeRecord>),
    id: BigInt(id),
    capabilities: {
      gpu: { ...base.capabilities.gpu, ...c.gpu },
      cpu: { ...base.capabilities.cpu, ...c.cpu },
      memory: { ...base.capabilities.memory, ...c.memory },
      storage: { ...base.capabilities.storage, ...c.storage },
      network: { ...base.capabilities.network, ...c.network },
      region: c.region ?? base.capabilities.region,
    },
    prices: { ...base.prices, ...o.prices },
  } as NodeRecord;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ["h100", "a100", "rtx4090", "l4", ""];
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"];

/** `count` varied random nodes from a seed. */
export function randomNodes(count: number, seed: number): NodeRecord[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const out: NodeRecord[] = [];
  for (let i = 1; i <= count; i++) {
    const model = pick(MODELS);
    const gpus = model === "" ? 0 : 1 + Math.floor(r() * 8);
    out.push(
      makeNode(i, {
        status: r() < 0.9 ? "active" : pick(["paused", "unbonding", "deregistered"] as const),
        reputationPpm: Math.floor(r() * 1_000_001),
        availabilityPpm: 900_000 + Math.floor(r() * 100_001),
        lastSeen: NOW - Math.floor(r() * 7200),
        capabilities: {
          gpu: {
            model,
            count: gpus,
            memoryGb: pick([16, 24, 40, 80]),
            interconnect: pick(["none", "nvlink", "infiniband"] as const),
          },
          cpu: { cores: pick([4, 8, 16, 32, 64]) },
          memory: { gb: pick([16, 64, 256, 1024]) },
          storage: {
            type: pick(["ssd", "nvme", "hdd"] as const),
            gb: pick([500, 2000, 4000, 8000]),
            iops: pick([10_000, 100_000, 500_000]),
          },
          network: { bandwidthMbps: pick([1000, 10_000, 25_000]), latencyMs: 1 + Math.floor(r() * 100) },
          region: pick(REGIONS),
        },
        prices: {
          gpuHour: BigInt(Math.floor(r() * 1e6)) * 10n ** 12n,
          cpuCoreHour: BigInt(Math.floor(r() * 1e4)) * 10n ** 12n,
        },
      }),
    );
  }
  return out;
}
