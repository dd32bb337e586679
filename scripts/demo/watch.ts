/**
 * The live feed: follows the protocol's contracts (JobMarket, NodeRegistry, PoolRegistry) and
 * prints each event as it lands, in words: slots taken, sealed commits, reveals, consensus,
 * slashes, payments, reputation. Everything printed is decoded from a real log; the feed also
 * keeps what the summary needs that only events tell (slashes per node, jobs per node).
 */
import { parseEventLogs, type Address, type Hex, type Log } from "viem";

import { jobMarketAbi } from "../../client/abis/generated/JobMarket.ts";
import { nodeRegistryAbi } from "../../client/abis/generated/NodeRegistry.ts";
import { poolRegistryAbi } from "../../client/abis/generated/PoolRegistry.ts";
import { fromBaseUnits } from "../../client/money/amount.ts";
import { CONSENSUS_STRATEGIES } from "../../client/proofs/consensus.ts";
import type { DemoChain } from "./chain.ts";
import { c, event } from "./console.ts";

const ABI = [...jobMarketAbi, ...nodeRegistryAbi, ...poolRegistryAbi] as const;
const LEVELS = ["basic", "standard", "strict", "cryptographic"] as const;
const OUTCOMES = ["none", "completed", "failed", "slashed", "dispute lost"] as const;

/** ETH amounts as a newcomer reads them. */
export const eth = (wei: bigint): string => `${fromBaseUnits(wei, 18)} ETH`;
const short = (hex: string): string => `${hex.slice(0, 10)}…`;

/** What the feed has seen, per node and per job. */
export type FeedTotals = {
  /** Wei slashed from each node id. */
  readonly slashed: Map<string, bigint>;
  /** Jobs each node id took part in (a slot taken or a result committed). */
  readonly jobs: Map<string, Set<string>>;
  /** Wei credited to each account by settlements. */
  readonly credited: Map<string, bigint>;
  /** Jobs settled, with whether they reached consensus. */
  readonly settled: Map<string, boolean>;
  /** Payments credited, counted. */
  payments: number;
};

/** A running feed. */
export type Feed = {
  readonly totals: FeedTotals;
  /** Reads and prints everything up to the chain head now. */
  flush(): Promise<void>;

  stop(): Promise<void>;
};

/** Names for ids and addresses, filled in as the demo creates things. */
export type Names = {
  readonly nodes: Map<string, string>;
  readonly accounts: Map<string, string>;
  readonly pools: Map<string, string>;
};

/** Follows the contracts from the deployment block, printing as it goes (polls every `everyMs`). */
export function startFeed(chain: DemoChain, names: Names, everyMs = 150): Feed {
  const totals: FeedTotals = {
    slashed: new Map(),
    jobs: new Map(),
    credited: new Map(),
    settled: new Map(),
    payments: 0,
  };
  const node = (id: unknown) => c.bold(names.nodes.get(String(id)) ?? `node ${String(id)}`);
  const account = (a: unknown) => names.accounts.get(String(a).toLowerCase()) ?? short(String(a));
  const pool = (id: unknown) => names.pools.get(String(id)) ?? `pool ${String(id)}`;
  const job = (id: unknown) => `job ${String(id)}`;
  const addJob = (nodeId: unknown, jobId: unknown) => {
    const set = totals.jobs.get(String(nodeId)) ?? new Set<string>();
    set.add(String(jobId));
    totals.jobs.set(String(nodeId), set);
  };

  function show(name: string, a: Record<string, unknown>): void {
    switch (name) {
      case "PoolCreated": {
        const p = a.policy as { strategy: number; redundancy: number; verification: number };
        return event(
          "pools",
          `${pool(a.poolId)} created: ${CONSENSUS_STRATEGIES[p.strategy]}, n=${p.redundancy}, ${LEVELS[p.verification]}`,
        );
      }
      case "JobPosted":
        return event(
          "market",
          `${job(a.jobId)} posted to ${pool(a.poolId)}: ${String(a.n)} x ${eth(a.pricePerNode as bigint)} in escrow` +
            ((a.collateralPerNode as bigint) > 0n
              ? `, stake ${eth(a.collateralPerNode as bigint)} per node`
              : ""),
        );
      case "SlotTaken":
        addJob(a.nodeId, a.jobId);
        return event("market", `${node(a.nodeId)} claimed ${job(a.jobId)} (slot ${String(a.slot)})`);
      case "ResultCommitted":
        addJob(a.nodeId, a.jobId);
        return event(
          "market",
          `${node(a.nodeId)} claimed ${job(a.jobId)} by committing a sealed result ${c.dim(short(a.seal as Hex))}`,
        );
      case "ResultRevealed":
        return event(
          "market",
          `${node(a.nodeId)} revealed ${job(a.jobId)}: digest ${short(a.digest as Hex)}, invoice ${eth(a.invoice as bigint)}`,
        );
      case "ResultReported":
        return event(
          "market",
          `${node(a.nodeId)} reported ${job(a.jobId)}: digest ${short(a.digest as Hex)}, invoice ${eth(a.invoice as bigint)}`,
        );
      case "ReceiptSubmitted":
        return event(
          "market",
          `${node(a.nodeId)} sent a signed receipt for ${job(a.jobId)} (${String(a.wallMs)} ms)`,
        );
      case "ConsensusReached":
        return event(
          "consensus",
          c.green(`${job(a.jobId)}: ${String(a.agreeing)} node(s) agree on ${short(a.digest as Hex)}`),
        );
      case "Slashed":
        totals.slashed.set(
          String(a.nodeId),
          (totals.slashed.get(String(a.nodeId)) ?? 0n) + (a.amount as bigint),
        );
        return event(
          "slash",
          c.red(
            `${node(a.nodeId)} loses ${eth(a.amount as bigint)} of its bond on ${job(a.jobId)} (outvoted)`,
          ),
        );
      case "PaymentCredited":
        totals.payments++;
        totals.credited.set(
          String(a.account).toLowerCase(),
          (totals.credited.get(String(a.account).toLowerCase()) ?? 0n) + (a.amount as bigint),
        );
        return event(
          "payment",
          `${eth(a.amount as bigint)} credited to ${account(a.account)} for ${job(a.jobId)}`,
        );
      case "JobRefunded":
        return event(
          "payment",
          `${eth(a.amount as bigint)} refunded to ${account(a.requester)} for ${job(a.jobId)}`,
        );
      case "JobSettled":
        totals.settled.set(String(a.jobId), Boolean(a.consensus));
        return event(
          "settled",
          a.consensus
            ? c.green(`${job(a.jobId)} settled with consensus`)
            : c.yellow(`${job(a.jobId)} settled without consensus`),
        );
      case "ReputationUpdated":
        return event(
          "reputation",
          `${node(a.nodeId)}: ${OUTCOMES[Number(a.outcome)]} -> score ${(Number(a.score) / 1e6).toFixed(3)}`,
        );
      case "Withdrawn":
        return event("withdraw", `${account(a.account)} withdrew ${eth(a.amount as bigint)}`);
      default:
        return; // collateral bookkeeping, heartbeats, admin: not shown
    }
  }

  let from = chain.deployBlock;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const addresses: Address[] = [
    chain.deployment.jobMarket,
    chain.deployment.nodeRegistry,
    chain.deployment.poolRegistry,
  ];

  async function tick(): Promise<void> {
    const head = await chain.publicClient.getBlockNumber();
    if (head < from) return;
    const logs = (await chain.publicClient.getLogs({
      address: addresses,
      fromBlock: from,
      toBlock: head,
    })) as Log[];
    from = head + 1n;
    const parsed = parseEventLogs({ abi: ABI, logs, strict: false });
    for (const l of parsed) show(l.eventName, (l.args ?? {}) as Record<string, unknown>);
  }

  const flush = (): Promise<void> => {
    running = running.then(tick, tick);
    return running;
  };
  const loop = async () => {
    while (!stopped) {
      await flush().catch(() => undefined); // a missed tick is read on the next one
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const looping = loop();
  return {
    totals,
    flush,

    async stop() {
      stopped = true;
      await looping;
      await flush();
    },
  };
}
