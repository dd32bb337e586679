/**
 * Compiles discovery criteria and PoolBuilder filters into a flat list of named predicates.
 *
 * Each predicate is one criterion a node can fail, so an evaluation can say how many nodes
 * passed each one and which one kept a query from being met. Liveness predicates come first:
 * a node is excluded when it is not `active` (paused, unbonding, deregistered), when its last
 * heartbeat is older than `maxHeartbeatAgeSeconds` (default 1 h), or when its free bond is
 * below `minFreeBond`.
 *
 * Money: amounts arrive as decimal strings in token units and are converted once, through the
 * injected `toBaseUnits`, to bigint base units; a node priced in another token fails a price cap
 * (prices in different tokens are never compared).
 *
 * `preferredPricing` strategies (Sandrun prices are posted by each node, not bid, so there is no
 * on-chain spot market to query; no strategy pretends otherwise):
 * - `spot-pricing`: "take the cheapest capacity available now": `maxPrice` caps the price and the
 *   ranking becomes price alone (cheapest first, id tiebreak).
 * - `on-demand`, `reserved`: `maxPrice` caps the price; the ranking keeps its weights. Reservation
 *   terms (duration discounts) live in node metadata documents, which the registry does not
 *   verify, so they do not change the on-chain price a cap compares.
 */
import type { Address } from "viem";

import { priceUnder } from "../pool/cost.ts";
import {
  capabilityRequirements,
  computeCapabilityTenths,
  normalizeName,
  parseCount,
  parseNodeId,
  parseNonNegative,
  parseSizeGb,
  scoreToPpm,
} from "./criteria.ts";
import { InvalidCriteriaError } from "./errors.ts";
import type { NodeRecord, PriceModel, Query, QueryOptions, RankWeights } from "./types.ts";

/**
 * One named predicate. `measure`/`required`/`direction` describe a numeric threshold so an
 * explanation can report the best value available against the value required.
 *
 * @example
 * ```ts
 * const paused: Filter = { key: "status", label: "status = active", test: (n) => n.status === "active" };
 * ```
 */
export interface Filter {
  /** Stable key ("status", "minGPUs", "capabilities[0].memory"). */
  key: string;
  /** Human label naming the criterion and its argument ("minGPUs(4, 'a100')"). */
  label: string;
  test: (node: NodeRecord) => boolean;
  /** The node's value on this criterion; undefined when it has none (e.g. price in another token). */
  measure?: (node: NodeRecord) => number | bigint | undefined;
  required?: number | bigint;
  /** "atLeast": the value must be >= required; "atMost": <= required. */
  direction?: "atLeast" | "atMost";
  /** Unit of measure/required ("GPUs", "ms", "base units of 0x…"). */
  unit?: string;
}

/**
 * A query ready to run: predicates plus the settings ranking and cut-off need.
 *
 * @example
 * ```ts
 * const q: CompiledQuery = compileQuery({ criteria: { minNodes: 3 } }, options);
 * console.log(q.filters.map((f) => f.label));
 * ```
 */
export interface CompiledQuery {
  filters: Filter[];
  minNodes: number;
  maxNodes: number;
  /** Which price the ranking compares. */
  priceModel: PriceModel;
  referenceJobSeconds: number;
  weights: RankWeights;
}

/**
 * Default ranking weights: price 50, reputation 30, latency 20.
 *
 * @example
 * ```ts
 * const weights = { ...DEFAULT_WEIGHTS, latency: 40 };
 * ```
 */
export const DEFAULT_WEIGHTS: RankWeights = Object.freeze({ price: 50, reputation: 30, latency: 20 });
/**
 * Default heartbeat staleness limit, seconds.
 *
 * @example
 * ```ts
 * const options = { toBaseUnits, resolveToken, now, maxHeartbeatAgeSeconds: 2 * DEFAULT_MAX_HEARTBEAT_AGE };
 * ```
 */
export const DEFAULT_MAX_HEARTBEAT_AGE = 3600;

function threshold(
  key: string,
  label: string,
  measure: (n: NodeRecord) => number | bigint | undefined,
  required: number | bigint,
  direction: "atLeast" | "atMost",
  unit: string,
): Filter {
  const test =
    direction === "atLeast"
      ? (n: NodeRecord) => {
          const v = measure(n);
          return v !== undefined && v >= required;
        }
      : (n: NodeRecord) => {
          const v = measure(n);
          return v !== undefined && v <= required;
        };
  return { key, label, test, measure, required, direction, unit };
}

function equals<T>(key: string, label: string, get: (n: NodeRecord) => T, want: T): Filter {
  return { key, label, test: (n) => get(n) === want };
}

function priceCap(
  key: string,
  label: string,
  model: PriceModel,
  cap: bigint,
  token: Address,
  referenceJobSeconds: number,
): Filter {
  const want = token.toLowerCase();
  const measure = (n: NodeRecord) =>
    n.prices.token.toLowerCase() === want ? priceUnder(model, n, referenceJobSeconds) : undefined;
  return threshold(key, label, measure, cap, "atMost", `base units of ${token} (${model})`);
}

function checkEnum<T extends string>(value: T, allowed: readonly T[], criterion: string): T {
  if (!allowed.includes(value))
    throw new InvalidCriteriaError(criterion, `must be one of ${allowed.join(", ")}`, value);
  return value;
}

function toAmount(options: QueryOptions, amount: string, token: string, criterion: string): bigint {
  if (typeof amount !== "string")
    throw new InvalidCriteriaError(criterion, "amount must be a decimal string", amount);
  let v: bigint;
  try {
    v = options.toBaseUnits(amount, token);
  } catch (cause) {
    throw new InvalidCriteriaError(
      criterion,
      `cannot convert ${amount} ${token} to base units`,
      amount,
      cause,
    );
  }
  if (v < 0n) throw new InvalidCriteriaError(criterion, "amount must not be negative", amount);
  return v;
}

/**
 * Compiles a query into predicates, validating every value (all errors are InvalidCriteriaError).
 *
 * @example
 * ```ts
 * import { compileQuery } from "./client/discovery/filters.ts";
 * const q = compileQuery({ criteria: { minNodes: 5, reputation: 0.95 }, filters: { minGPUs: { count: 4, type: "a100" } } },
 *   { toBaseUnits, resolveToken, now: Math.floor(Date.now() / 1000) });
 * const matching = records.filter((n) => q.filters.every((f) => f.test(n)));
 * ```
 */
export function compileQuery(query: Query, options: QueryOptions): CompiledQuery {
  const c = query.criteria ?? {};
  const b = query.filters ?? {};
  const filters: Filter[] = [];
  const refSeconds = parseCount(options.referenceJobSeconds ?? 3600, "referenceJobSeconds", {
    allowZero: true,
  });

  // --- liveness
  filters.push(equals("status", "status = active", (n) => n.status, "active"));
  const maxAge = parseNonNegative(
    options.maxHeartbeatAgeSeconds ?? DEFAULT_MAX_HEARTBEAT_AGE,
    "maxHeartbeatAgeSeconds",
  );
  const now = options.now;
  filters.push(
    threshold("heartbeat", `heartbeat within ${maxAge}s`, (n) => now - n.lastSeen, maxAge, "atMost", "s ago"),
  );
  if (options.minFreeBond !== undefined && options.minFreeBond > 0n) {
    filters.push(
      threshold(
        "freeBond",
        `freeBond >= ${options.minFreeBond}`,
        (n) => n.freeBond,
        options.minFreeBond,
        "atLeast",
        "base units",
      ),
    );
  }

  // --- PoolBuilder.nodes / region(s)
  if (b.nodes !== undefined) {
    const ids = new Set(b.nodes.map((id, i) => parseNodeId(id, `nodes[${i}]`)));
    filters.push({ key: "nodes", label: `nodes([${[...ids].join(", ")}])`, test: (n) => ids.has(n.id) });
  }
  for (const [key, list] of [
    ["regions", c.regions],
    ["region", b.regions],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0)
      throw new InvalidCriteriaError(key, "must be a non-empty list of regions", list);
    const set = new Set(list.map(normalizeName));
    filters.push({
      key,
      label: `${key}(${[...set].join(", ")})`,
      test: (n) => set.has(normalizeName(n.capabilities.region)),
    });
  }

  // --- capabilities (Specialized Hardware pattern): one predicate per given spec field
  const capabilityList =
    c.capabilities === undefined
      ? []
      : Array.isArray(c.capabilities)
        ? c.capabilities
        : capabilityRequirements(c.capabilities);
  capabilityList.forEach((cap, i) => {
    const p = `capabilities[${i}]`;
    switch (cap.type) {
      case "gpu": {
        const s = cap.specs ?? {};
        if (s.type !== undefined) {
          const model = normalizeName(s.type);
          filters.push({
            key: `${p}.gpu.type`,
            label: `gpu.type = ${model}`,
            test: (n) => n.capabilities.gpu.count > 0 && normalizeName(n.capabilities.gpu.model) === model,
          });
        }
        if (s.memory !== undefined) {
          const gb = parseSizeGb(s.memory, `${p}.specs.memory`);
          filters.push(
            threshold(
              `${p}.gpu.memory`,
              `gpu.memory >= ${gb}GB`,
              (n) => (n.capabilities.gpu.count > 0 ? n.capabilities.gpu.memoryGb : 0),
              gb,
              "atLeast",
              "GB per GPU",
            ),
          );
        }
        if (s.count !== undefined) {
          const count = parseCount(s.count, `${p}.specs.count`);
          filters.push(
            threshold(
              `${p}.gpu.count`,
              `gpu.count >= ${count}`,
              (n) => n.capabilities.gpu.count,
              count,
              "atLeast",
              "GPUs",
            ),
          );
        }
        if (s.computeCapability !== undefined) {
          const cc = computeCapabilityTenths(s.computeCapability, `${p}.specs.computeCapability`);
          filters.push(
            threshold(
              `${p}.gpu.computeCapability`,
              `gpu.computeCapability >= ${cc / 10}`,
              (n) => (n.capabilities.gpu.count > 0 ? n.capabilities.gpu.computeCapability : 0),
              cc,
              "atLeast",
              "tenths",
            ),
          );
        }
        if (s.interconnect !== undefined) {
          const ic = checkEnum(s.interconnect, ["none", "nvlink", "infiniband"], `${p}.specs.interconnect`);
          filters.push(
            equals(
              `${p}.gpu.interconnect`,
              `gpu.interconnect = ${ic}`,
              (n) => n.capabilities.gpu.interconnect,
              ic,
            ),
          );
        }
        break;
      }
      case "cpu": {
        const s = cap.specs ?? {};
        if (s.architecture !== undefined) {
          const a = checkEnum(s.architecture, ["x86_64", "arm64"], `${p}.specs.architecture`);
          filters.push(
            equals(
              `${p}.cpu.architecture`,
              `cpu.architecture = ${a}`,
              (n) => n.capabilities.cpu.architecture,
              a,
            ),
          );
        }
        if (s.cores !== undefined) {
          const v = parseCount(s.cores, `${p}.specs.cores`);
          filters.push(
            threshold(
              `${p}.cpu.cores`,
              `cpu.cores >= ${v}`,
              (n) => n.capabilities.cpu.cores,
              v,
              "atLeast",
              "cores",
            ),
          );
        }
        if (s.threads !== undefined) {
          const v = parseCount(s.threads, `${p}.specs.threads`);
          filters.push(
            threshold(
              `${p}.cpu.threads`,
              `cpu.threads >= ${v}`,
              (n) => n.capabilities.cpu.threads,
              v,
              "atLeast",
              "threads",
            ),
          );
        }
        if (s.frequency !== undefined) {
          const v = parseNonNegative(s.frequency, `${p}.specs.frequency`);
          filters.push(
            threshold(
              `${p}.cpu.frequency`,
              `cpu.frequency >= ${v}MHz`,
              (n) => n.capabilities.cpu.mhz,
              v,
              "atLeast",
              "MHz",
            ),
          );
        }
        break;
      }
      case "memory": {
        const s = cap.specs ?? {};
        if (s.total !== undefined) {
          const gb = parseSizeGb(s.total, `${p}.specs.total`);
          filters.push(
            threshold(
              `${p}.memory.total`,
              `memory.total >= ${gb}GB`,
              (n) => n.capabilities.memory.gb,
              gb,
              "atLeast",
              "GB",
            ),
          );
        }
        if (s.type !== undefined) {
          const t = checkEnum(s.type, ["ddr4", "ddr5", "hbm"], `${p}.specs.type`);
          filters.push(
            equals(`${p}.memory.type`, `memory.type = ${t}`, (n) => n.capabilities.memory.type, t),
          );
        }
        if (s.speed !== undefined) {
          const v = parseNonNegative(s.speed, `${p}.specs.speed`);
          filters.push(
            threshold(
              `${p}.memory.speed`,
              `memory.speed >= ${v}MHz`,
              (n) => n.capabilities.memory.speedMhz,
              v,
              "atLeast",
              "MHz",
            ),
          );
        }
        break;
      }
      case "storage": {
        const s = cap.specs ?? {};
        if (s.type !== undefined) {
          const t = checkEnum(s.type, ["ssd", "nvme", "hdd"], `${p}.specs.type`);
          filters.push(
            equals(`${p}.storage.type`, `storage.type = ${t}`, (n) => n.capabilities.storage.type, t),
          );
        }
        if (s.capacity !== undefined) {
          const gb = parseSizeGb(s.capacity, `${p}.specs.capacity`);
          filters.push(
            threshold(
              `${p}.storage.capacity`,
              `storage.capacity >= ${gb}GB`,
              (n) => n.capabilities.storage.gb,
              gb,
              "atLeast",
              "GB",
            ),
          );
        }
        if (s.iops !== undefined) {
          const v = parseCount(s.iops, `${p}.specs.iops`, { allowZero: true });
          filters.push(
            threshold(
              `${p}.storage.iops`,
              `storage.iops >= ${v}`,
              (n) => n.capabilities.storage.iops,
              v,
              "atLeast",
              "IOPS",
            ),
          );
        }
        break;
      }
      case "network": {
        const s = cap.specs ?? {};
        if (s.bandwidth !== undefined) {
          const v = parseNonNegative(s.bandwidth, `${p}.specs.bandwidth`);
          filters.push(
            threshold(
              `${p}.network.bandwidth`,
              `network.bandwidth >= ${v}Mbps`,
              (n) => n.capabilities.network.bandwidthMbps,
              v,
              "atLeast",
              "Mbps",
            ),
          );
        }
        if (s.latency !== undefined) {
          const v = parseNonNegative(s.latency, `${p}.specs.latency`);
          filters.push(
            threshold(
              `${p}.network.latency`,
              `network.latency <= ${v}ms`,
              (n) => n.capabilities.network.latencyMs,
              v,
              "atMost",
              "ms",
            ),
          );
        }
        break;
      }
      default:
        throw new InvalidCriteriaError(
          `${p}.type`,
          "must be gpu, cpu, memory, storage or network",
          (cap as { type: unknown }).type,
        );
    }
  });

  // --- reputation, latency, availability
  if (c.reputation !== undefined) {
    const ppm = scoreToPpm(c.reputation, "reputation");
    filters.push(
      threshold("reputation", `reputation >= ${c.reputation}`, (n) => n.reputationPpm, ppm, "atLeast", "ppm"),
    );
  }
  if (c.latency !== undefined) {
    const ms = parseNonNegative(c.latency, "latency");
    filters.push(
      threshold("latency", `latency <= ${ms}ms`, (n) => n.capabilities.network.latencyMs, ms, "atMost", "ms"),
    );
  }
  if (c.availability !== undefined) {
    const ppm = scoreToPpm(c.availability, "availability");
    filters.push(
      threshold(
        "availability",
        `availability >= ${c.availability}`,
        (n) => n.availabilityPpm,
        ppm,
        "atLeast",
        "ppm",
      ),
    );
  }

  // --- builder capability filters
  if (b.minGPUs !== undefined) {
    const count = parseCount(b.minGPUs.count, "minGPUs.count");
    const model = b.minGPUs.type === undefined ? undefined : normalizeName(b.minGPUs.type);
    const measure = (n: NodeRecord) =>
      model === undefined || normalizeName(n.capabilities.gpu.model) === model ? n.capabilities.gpu.count : 0;
    const label = model === undefined ? `minGPUs(${count})` : `minGPUs(${count}, '${model}')`;
    filters.push(
      threshold("minGPUs", label, measure, count, "atLeast", model === undefined ? "GPUs" : `${model} GPUs`),
    );
  }
  if (b.minMemory !== undefined) {
    const gb = parseNonNegative(b.minMemory, "minMemory");
    filters.push(
      threshold("minMemory", `minMemory(${gb})`, (n) => n.capabilities.memory.gb, gb, "atLeast", "GB"),
    );
  }
  if (b.minBandwidth !== undefined) {
    const mbps = parseNonNegative(b.minBandwidth, "minBandwidth");
    filters.push(
      threshold(
        "minBandwidth",
        `minBandwidth(${mbps})`,
        (n) => n.capabilities.network.bandwidthMbps,
        mbps,
        "atLeast",
        "Mbps",
      ),
    );
  }

  // --- money
  const defaultToken = c.pricing?.currency ?? b.maxCostPerHour?.token ?? "ETH";
  if (c.pricing !== undefined) {
    const { max, currency, model } = c.pricing;
    checkEnum(model, ["per-hour", "per-job", "per-compute"], "pricing.model");
    const cap = toAmount(options, max, currency, "pricing.max");
    filters.push(
      priceCap(
        "pricing",
        `pricing(${model} <= ${max} ${currency})`,
        model,
        cap,
        options.resolveToken(currency),
        refSeconds,
      ),
    );
  }
  if (b.maxCostPerHour !== undefined) {
    const token = b.maxCostPerHour.token ?? defaultToken;
    const cap = toAmount(options, b.maxCostPerHour.amount, token, "maxCostPerHour");
    filters.push(
      priceCap(
        "maxCostPerHour",
        `maxCostPerHour(${b.maxCostPerHour.amount}, '${token}')`,
        "per-hour",
        cap,
        options.resolveToken(token),
        refSeconds,
      ),
    );
  }
  const pref = b.preferredPricing;
  let weights = options.weights ?? DEFAULT_WEIGHTS;
  if (pref !== undefined) {
    if (pref.strategy !== undefined)
      checkEnum(pref.strategy, ["spot-pricing", "on-demand", "reserved"], "preferredPricing.strategy");
    const model = pref.model ?? "per-hour";
    checkEnum(model, ["per-hour", "per-job", "per-compute"], "preferredPricing.model");
    if (pref.maxPrice !== undefined) {
      const token = pref.token ?? defaultToken;
      const cap = toAmount(options, pref.maxPrice, token, "preferredPricing.maxPrice");
      const label = `preferredPricing(${pref.strategy ?? "on-demand"}, ${model} <= ${pref.maxPrice} ${token})`;
      filters.push(priceCap("preferredPricing", label, model, cap, options.resolveToken(token), refSeconds));
    }
    if (pref.strategy === "spot-pricing") weights = { price: 1, reputation: 0, latency: 0 };
  }
  for (const [k, w] of Object.entries(weights)) {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new InvalidCriteriaError(`weights.${k}`, "must be a non-negative integer", w);
  }

  const minNodes = c.minNodes === undefined ? 1 : parseCount(c.minNodes, "minNodes", { allowZero: true });
  const maxNodes = c.maxNodes === undefined ? Number.MAX_SAFE_INTEGER : parseCount(c.maxNodes, "maxNodes");
  if (maxNodes < minNodes)
    throw new InvalidCriteriaError("maxNodes", `must be >= minNodes (${minNodes})`, maxNodes);

  return {
    filters,
    minNodes,
    maxNodes,
    priceModel: c.pricing?.model ?? pref?.model ?? "per-hour",
    referenceJobSeconds: refSeconds,
    weights,
  };
}

/**
 * The keys of every predicate `node` fails (empty when it matches).
 *
 * @example
 * ```ts
 * import { compileQuery, failedFilters } from "./client/discovery/filters.ts";
 * failedFilters(compileQuery(query, options), node); // ["status = active"] for a paused node
 * ```
 */
export function failedFilters(compiled: CompiledQuery, node: NodeRecord): string[] {
  return compiled.filters.filter((f) => !f.test(node)).map((f) => f.key);
}
