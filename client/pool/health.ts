/**
 * `Pool.healthCheck`: each member's liveness from its on-chain heartbeat and registry status,
 * plus its status endpoint when its metadata document names one; consensus reliability from
 * the pool's job history.
 *
 * A member is **failed** when the registry says it cannot take work (paused, unbonding,
 * deregistered, under-bonded), when its last heartbeat is older than `maxHeartbeatAge`
 * (default two heartbeat epochs), or when its status endpoint exists and does not answer 2xx
 * within `statusTimeoutMs`. Status: `healthy` when every member is active; `critical` when
 * fewer active members remain than the pool's redundancy (a job can no longer get its n
 * nodes); `degraded` otherwise.
 * @module
 */
import type { Address, Hex } from "viem";

import { nodeRegistryAbi } from "../abis/generated/NodeRegistry.ts";
import type { SandrunClient } from "../chain/clients.ts";
import type { RegistryNode } from "../discovery/reader.ts";
import { fetchMetadata } from "../node/metadata.ts";

/** The original design's `PoolHealth`, with the reasons behind each failed node. */
export type PoolHealth = {
  readonly status: "healthy" | "degraded" | "critical";
  readonly activeNodes: number;
  readonly failedNodes: string[];
  /** Mean latency in ms: measured round trips to status endpoints where answered, else declared latency. */
  readonly avgLatency: number;
  /** Share of the pool's settled jobs that reached consensus, in [0, 1] (1 when none settled yet). */
  readonly consensusReliability: number;
  /** Why each failed node failed. */
  readonly reasons: Readonly<Record<string, string>>;
  readonly checkedAt: number;
};

/** Options of {@link checkHealth}. */
export type HealthOptions = {
  readonly client: SandrunClient;
  readonly nodeRegistry: Address;
  readonly members: readonly RegistryNode[];
  readonly redundancy: number;
  /** Settled jobs of the pool and whether each reached consensus. */
  readonly settled: readonly { consensus: boolean }[];
  /** Seconds a heartbeat stays fresh (default: 2 × the registry's epoch length). */
  readonly maxHeartbeatAge?: number | undefined;
  readonly statusTimeoutMs?: number | undefined;
  /** Fetch used for status endpoints (default: global fetch). */
  readonly fetch?: typeof fetch | undefined;
};

/** The metadata URI of each node, from its latest NodeRegistered / MetadataUpdated event. */
async function metadataUris(
  client: SandrunClient,
  registry: Address,
  ids: readonly bigint[],
): Promise<Map<bigint, string>> {
  const out = new Map<bigint, string>();
  if (ids.length === 0) return out;
  const logs = await client.publicClient.getContractEvents({
    address: registry,
    abi: nodeRegistryAbi,
    fromBlock: 0n,
  });
  const wanted = new Set(ids);
  for (const l of logs) {
    if (l.eventName !== "NodeRegistered" && l.eventName !== "MetadataUpdated") continue;
    const a = l.args as { nodeId: bigint; metadataURI: string };
    if (wanted.has(a.nodeId)) out.set(a.nodeId, a.metadataURI);
  }
  return out;
}

async function probe(
  endpoint: string,
  timeoutMs: number,
  doFetch: typeof fetch,
): Promise<{ ok: boolean; ms: number; reason?: string }> {
  const started = performance.now();
  try {
    const res = await doFetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    const ms = performance.now() - started;
    return res.ok
      ? { ok: true, ms }
      : { ok: false, ms, reason: `status endpoint answered HTTP ${res.status}` };
  } catch (e) {
    return {
      ok: false,
      ms: performance.now() - started,
      reason: `status endpoint unreachable: ${(e as Error).message}`,
    };
  }
}

/**
 * Checks a pool's health.
 *
 * @example
 * ```ts
 * import { checkHealth } from "sandrun/client/pool/health.ts";
 * const h = await checkHealth({ client, nodeRegistry, members, redundancy: 3, settled: [] });
 * console.log(h.status, h.failedNodes);
 * ```
 */
export async function checkHealth(o: HealthOptions): Promise<PoolHealth> {
  const pc = o.client.publicClient;
  const [block, epoch] = await Promise.all([
    pc.getBlock({ blockTag: "latest" }),
    pc.readContract({ address: o.nodeRegistry, abi: nodeRegistryAbi, functionName: "epochLength" }),
  ]);
  const now = Number(block.timestamp);
  const maxAge = o.maxHeartbeatAge ?? 2 * Number(epoch);
  const uris = await metadataUris(
    o.client,
    o.nodeRegistry,
    o.members.filter((m) => m.metadataHash !== `0x${"00".repeat(32)}`).map((m) => m.id),
  );
  const doFetch = o.fetch ?? fetch;
  const reasons: Record<string, string> = {};
  const latencies: number[] = [];
  await Promise.all(
    o.members.map(async (m) => {
      const id = m.id.toString();
      if (!m.active) {
        reasons[id] = `registry: node is ${m.status === "active" ? "under-bonded" : m.status}`;
        return;
      }
      if (now - m.lastSeen > maxAge) {
        reasons[id] = `last heartbeat ${now - m.lastSeen}s ago (limit ${maxAge}s)`;
        return;
      }
      const uri = uris.get(m.id);
      let endpoint: string | undefined;
      if (uri) {
        try {
          endpoint = (await fetchMetadata(uri, m.metadataHash as Hex)).statusEndpoint;
        } catch {
          endpoint = undefined; // a node without readable metadata is judged by its heartbeat alone
        }
      }
      if (endpoint) {
        const r = await probe(endpoint, o.statusTimeoutMs ?? 2000, doFetch);
        if (!r.ok) {
          reasons[id] = r.reason!;
          return;
        }
        latencies.push(r.ms);
      } else {
        latencies.push(m.capabilities.network.latencyMs);
      }
    }),
  );
  const failedNodes = o.members.map((m) => m.id.toString()).filter((id) => reasons[id] !== undefined);
  const activeNodes = o.members.length - failedNodes.length;
  const settled = o.settled.length;
  const reached = o.settled.filter((s) => s.consensus).length;
  return Object.freeze({
    status:
      failedNodes.length === 0 && activeNodes >= o.redundancy
        ? "healthy"
        : activeNodes < o.redundancy
          ? "critical"
          : "degraded",
    activeNodes,
    failedNodes,
    avgLatency:
      latencies.length === 0
        ? 0
        : Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 100) / 100,
    consensusReliability: settled === 0 ? 1 : reached / settled,
    reasons: Object.freeze(reasons),
    checkedAt: now,
  });
}
