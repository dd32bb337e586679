/**
 * Ranking of matching nodes by price, reputation and latency.
 *
 * score = w.price·P + w.reputation·R + w.latency·L, all integers, where
 * - P = 1e6·(maxPrice − price)/(maxPrice − minPrice) over the candidates priced in the SAME token
 *   (prices in different tokens are never compared); 1e6 when all prices in the token are equal.
 *   The price is the one the query's pricing model names (client/pool/cost.ts: per-hour by default).
 * - R = the node's reputation in ppm (absolute, 0..1e6).
 * - L = 1e6·(maxLatency − latency)/(maxLatency − minLatency) over the candidates; 1e6 when equal.
 * Higher score first; equal scores are ordered by ascending node id (stable, deterministic).
 * Default weights: price 50, reputation 30, latency 20. `spot-pricing` uses price alone.
 */
import { priceUnder } from "../pool/cost.ts";
import type { NodeRecord, PriceModel, RankWeights } from "./types.ts";

/**
 * A matching node with its ranking inputs.
 *
 * @example
 * ```ts
 * const [best]: RankedNode[] = index.query(query, options).nodes;
 * console.log(best?.node.id, best?.score, best?.price);
 * ```
 */
export interface RankedNode {
  node: NodeRecord;
  /** The ranking score (integer; higher is better). */
  score: number;
  /** The price the ranking compared, in base units of `node.prices.token`. */
  price: bigint;
}

const PPM = 1_000_000n;

/**
 * Ranks nodes (best first). Does not filter.
 *
 * @example
 * ```ts
 * import { rankNodes } from "./client/discovery/rank.ts";
 * const ranked = rankNodes(nodes, { price: 50, reputation: 30, latency: 20 }, "per-hour");
 * console.log(ranked[0]?.node.id, ranked[0]?.score);
 * ```
 */
export function rankNodes(
  nodes: readonly NodeRecord[],
  weights: RankWeights,
  model: PriceModel = "per-hour",
  referenceJobSeconds = 3600,
): RankedNode[] {
  const prices = nodes.map((n) => priceUnder(model, n, referenceJobSeconds));
  const range = new Map<string, { min: bigint; max: bigint }>();
  nodes.forEach((n, i) => {
    const t = n.prices.token.toLowerCase();
    const p = prices[i] as bigint;
    const r = range.get(t);
    if (!r) range.set(t, { min: p, max: p });
    else {
      if (p < r.min) r.min = p;
      if (p > r.max) r.max = p;
    }
  });
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const n of nodes) {
    const l = n.capabilities.network.latencyMs;
    if (l < minLat) minLat = l;
    if (l > maxLat) maxLat = l;
  }
  const latSpan = maxLat - minLat;
  const ranked = nodes.map((node, i): RankedNode => {
    const price = prices[i] as bigint;
    const r = range.get(node.prices.token.toLowerCase()) as { min: bigint; max: bigint };
    const span = r.max - r.min;
    const p = span === 0n ? PPM : ((r.max - price) * PPM) / span;
    const l =
      latSpan === 0
        ? 1_000_000
        : Math.floor(((maxLat - node.capabilities.network.latencyMs) * 1_000_000) / latSpan);
    const score = weights.price * Number(p) + weights.reputation * node.reputationPpm + weights.latency * l;
    return { node, score, price };
  });
  ranked.sort((a, b) => b.score - a.score || (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0));
  return ranked;
}
