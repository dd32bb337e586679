/**
 * The real {@link WorkerChain}: the JobMarket and NodeRegistry through viem. One `getLogs`
 * per poll brings every event the worker reacts to (JobPosted + JobSpec give a job's full
 * terms, which are never stored on-chain); reads are the market's `job`/`slotOf`/`balanceOf`
 * views; writes go through the node-side actions (simulate, send, wait, decode reverts).
 * @module
 */
import { BlockNotFoundError, getAbiItem, type Address, type Hex } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { poolRegistryAbi } from "../../abis/generated/PoolRegistry.ts";
import { commitResult } from "../../actions/market/commitResult.ts";
import { reportResult } from "../../actions/market/reportResult.ts";
import { revealResult } from "../../actions/market/revealResult.ts";
import { takeSlot } from "../../actions/market/takeSlot.ts";
import { sendSimulated } from "../../chain/send.ts";
import { marketErrorAbis } from "../../actions/market/nodeTx.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import type { HeldJob } from "../decide.ts";
import type { MarketEvent, OfferDetails, RevealInput, WorkerChain } from "./ports.ts";

const RUNTIMES = ["wasm", "js", "process"] as const;
const STATUSES = ["none", "open", "settled", "cancelled"] as const;

const WATCHED = [
  getAbiItem({ abi: jobMarketAbi, name: "JobPosted" }),
  getAbiItem({ abi: jobMarketAbi, name: "JobSpec" }),
  getAbiItem({ abi: jobMarketAbi, name: "JobSettled" }),
  getAbiItem({ abi: jobMarketAbi, name: "JobCancelled" }),
  getAbiItem({ abi: jobMarketAbi, name: "JobExpired" }),
  getAbiItem({ abi: jobMarketAbi, name: "PaymentCredited" }),
  getAbiItem({ abi: jobMarketAbi, name: "DisputeRaised" }),
] as const;

/**
 * Unpacks `JobRequest.resources`: gpuCount (bits 0-7) | memoryMB (8-39) | timeoutSeconds (40-63).
 *
 * @example
 * ```ts
 * import { unpackResources } from "sandrun/client/worker/daemon/viem-chain.ts";
 * unpackResources((60n << 40n) | (512n << 8n) | 1n); // { gpuCount: 1, memoryMB: 512, timeoutSeconds: 60 }
 * ```
 */
export function unpackResources(resources: bigint): {
  gpuCount: number;
  memoryMB: number;
  timeoutSeconds: number;
} {
  return {
    gpuCount: Number(resources & 0xffn),
    memoryMB: Number((resources >> 8n) & 0xffffffffn),
    timeoutSeconds: Number((resources >> 40n) & 0xffffffn),
  };
}

type Posted = {
  jobId: bigint;
  poolId: bigint;
  requester: Address;
  token: Address;
  pricePerNode: bigint;
  collateralPerNode: bigint;
  n: number;
  level: number;
  commitDeadline: number;
  specHash: Hex;
};
type Spec = {
  runtime: number;
  resources: bigint;
  nodes: readonly bigint[];
  specURI: string;
  inlineSpec: Hex;
  encryptionKey: Hex;
};

function toOffer(p: Posted, s: Spec): OfferDetails {
  const r = unpackResources(s.resources);
  return {
    jobId: p.jobId,
    token: p.token.toLowerCase(),
    pricePerNode: p.pricePerNode,
    collateral: p.collateralPerNode,
    redundancy: p.n,
    slotsTaken: 0,
    commitDeadline: p.commitDeadline,
    directedTo: s.nodes,
    requirements: {
      runtime: RUNTIMES[s.runtime] ?? `unknown-${s.runtime}`,
      timeoutSeconds: r.timeoutSeconds,
      memoryMB: r.memoryMB,
      cpuCores: 1,
      gpuCount: r.gpuCount,
      gpuModel: "",
      gpuMemoryGB: 0,
    },
    specHash: p.specHash,
    specURI: s.specURI,
    verification: p.level,
    requester: p.requester,
    runtimeCode: s.runtime,
    inlineSpec: s.inlineSpec,
    encryptionKey: s.encryptionKey,
  };
}

/** Where the worker's node and contracts are. */
export type ViemWorkerChainParameters = {
  client: SandrunClient;
  chainId: number;
  jobMarket: Address;
  nodeRegistry: Address;
  poolRegistry: Address;
  nodeId: bigint;
  /** The node's owner: payments are credited to it; only it can withdraw them. */
  owner: Address;
  /** The account sending the worker's transactions (owner or signer). */
  sender: Address;
  /** Block the market was deployed at (lower bound of log searches). */
  deployBlock: bigint;
};

/**
 * @example
 * ```ts
 * import { ViemWorkerChain } from "sandrun/client/worker/daemon/viem-chain.ts";
 * const chain = new ViemWorkerChain({ client, chainId, jobMarket, nodeRegistry, nodeId, owner, sender, deployBlock: 0n });
 * ```
 */
export class ViemWorkerChain implements WorkerChain {
  readonly chainId: number;
  readonly market: Hex;
  readonly nodeId: bigint;
  readonly #p: ViemWorkerChainParameters;
  /** RPC requests made (for the e2e benchmark's calls-per-job figure). */
  rpcCalls = 0;

  constructor(p: ViemWorkerChainParameters) {
    this.#p = p;
    this.chainId = p.chainId;
    this.market = p.jobMarket;
    this.nodeId = p.nodeId;
  }

  get #client(): SandrunClient {
    return this.#p.client;
  }

  async blockNumber(): Promise<bigint> {
    this.rpcCalls++;
    return this.#client.publicClient.getBlockNumber({ cacheTime: 0 });
  }

  async head(): Promise<{ number: bigint; hash: Hex; timestamp: number }> {
    this.rpcCalls++;
    const b = await this.#client.publicClient.getBlock({ blockTag: "latest" });
    return { number: b.number, hash: b.hash, timestamp: Number(b.timestamp) };
  }

  async blockHash(n: bigint): Promise<Hex | undefined> {
    this.rpcCalls++;
    try {
      return (await this.#client.publicClient.getBlock({ blockNumber: n })).hash;
    } catch (e) {
      // A block past the head is an answer ("not found"), not a transport failure.
      if (e instanceof BlockNotFoundError) return undefined;
      throw e;
    }
  }

  async events(fromBlock: bigint, toBlock: bigint): Promise<MarketEvent[]> {
    this.rpcCalls++;
    const logs = await this.#client.publicClient.getLogs({
      address: this.#p.jobMarket,
      events: WATCHED,
      fromBlock,
      toBlock,
    });
    const posted = new Map<string, Posted>();
    const out: MarketEvent[] = [];
    const pending: Promise<void>[] = [];
    for (const log of logs) {
      const base = { blockNumber: log.blockNumber, logIndex: log.logIndex };
      switch (log.eventName) {
        case "JobPosted": {
          const a = log.args;
          posted.set(a.jobId!.toString(), {
            jobId: a.jobId!,
            poolId: a.poolId!,
            requester: a.requester!,
            token: a.token!,
            pricePerNode: a.pricePerNode!,
            collateralPerNode: a.collateralPerNode!,
            n: a.n!,
            level: a.level!,
            commitDeadline: a.commitDeadline!,
            specHash: a.specHash!,
          });
          break;
        }
        case "JobSpec": {
          const a = log.args;
          const p = posted.get(a.jobId!.toString());
          if (p) {
            const offer = toOffer(p, a as Spec);
            out.push({ kind: "posted", jobId: p.jobId, ...base, offer });
            pending.push(this.#isMember(p.poolId).then((m) => void (offer.poolMember = m)));
          }
          break;
        }
        case "JobSettled":
        case "JobCancelled":
        case "JobExpired":
          out.push({ kind: "final", jobId: log.args.jobId!, ...base });
          break;
        case "PaymentCredited":
          if (log.args.account?.toLowerCase() === this.#p.owner.toLowerCase())
            out.push({
              kind: "paid",
              jobId: log.args.jobId!,
              ...base,
              amount: log.args.amount,
              token: log.args.token,
              heldUntil: log.args.heldUntil === undefined ? undefined : Number(log.args.heldUntil),
            });
          break;
        case "DisputeRaised":
          out.push({ kind: "dispute", jobId: log.args.jobId!, ...base });
          break;
      }
    }
    await Promise.all(pending);
    return out;
  }

  /** Pool membership, cached briefly: one read per pool per few seconds, not per job. */
  readonly #members = new Map<string, { at: number; member: Promise<boolean> }>();
  #isMember(poolId: bigint): Promise<boolean> {
    const key = poolId.toString();
    const hit = this.#members.get(key);
    if (hit && Date.now() - hit.at < 5_000) return hit.member;
    this.rpcCalls++;
    const member = this.#client.publicClient.readContract({
      address: this.#p.poolRegistry,
      abi: poolRegistryAbi,
      functionName: "isMember",
      args: [poolId, this.nodeId],
    });
    this.#members.set(key, { at: Date.now(), member });
    member.catch(() => this.#members.delete(key));
    return member;
  }

  async offer(jobId: bigint): Promise<OfferDetails | undefined> {
    this.rpcCalls += 2;
    const range = {
      address: this.#p.jobMarket,
      args: { jobId },
      fromBlock: this.#p.deployBlock,
      toBlock: "latest",
    } as const;
    const [postedLogs, specLogs] = await Promise.all([
      this.#client.publicClient.getLogs({ ...range, event: WATCHED[0] }),
      this.#client.publicClient.getLogs({ ...range, event: WATCHED[1] }),
    ]);
    const a = postedLogs[0]?.args;
    const s = specLogs[0]?.args;
    if (!a || !s) return undefined;
    const p: Posted = {
      jobId,
      poolId: a.poolId!,
      requester: a.requester!,
      token: a.token!,
      pricePerNode: a.pricePerNode!,
      collateralPerNode: a.collateralPerNode!,
      n: a.n!,
      level: a.level!,
      commitDeadline: a.commitDeadline!,
      specHash: a.specHash!,
    };
    return toOffer(p, s as Spec);
  }

  async held(jobId: bigint, slot: number | undefined): Promise<HeldJob> {
    this.rpcCalls++;
    const readJob = () =>
      this.#client.publicClient.readContract({
        address: this.#p.jobMarket,
        abi: jobMarketAbi,
        functionName: "job",
        args: [jobId],
      });
    let j = await readJob();
    let mine = { taken: false, revealed: false };
    if (slot !== undefined && j.status === 1) {
      this.rpcCalls++;
      const s = await this.#client.publicClient.readContract({
        address: this.#p.jobMarket,
        abi: jobMarketAbi,
        functionName: "slotOf",
        args: [jobId, slot],
      });
      if (s.nodeId === this.nodeId) mine = { taken: s.taken, revealed: s.revealed };
      else {
        // Our slot is ours until settlement clears it: the job settled between the two reads
        // (another block). Read it again rather than report an open job we hold no slot in,
        // which the loop would take for a lost race and abandon, never seeing it completed.
        this.rpcCalls++;
        j = await readJob();
      }
    }
    const status = STATUSES[j.status] ?? "none";
    return {
      verification: j.level,
      status: status === "none" ? "cancelled" : status,
      commitDeadline: j.commitDeadline,
      revealDeadline: j.revealDeadline,
      full: j.taken >= j.n,
      allRevealed: j.taken > 0 && j.revealed === j.taken,
      mySlot: { executed: false, ...mine },
    };
  }

  async take(jobId: bigint): Promise<number> {
    this.rpcCalls += 4;
    const r = await takeSlot(this.#client, { jobMarket: this.#p.jobMarket, jobId, nodeId: this.nodeId });
    return r.slot;
  }

  async commit(jobId: bigint, seal: Hex): Promise<number> {
    this.rpcCalls += 4;
    const r = await commitResult(this.#client, {
      jobMarket: this.#p.jobMarket,
      jobId,
      nodeId: this.nodeId,
      seal,
    });
    return r.slot;
  }

  async reveal(jobId: bigint, slot: number, r: RevealInput): Promise<void> {
    this.rpcCalls += 4;
    await revealResult(this.#client, { jobMarket: this.#p.jobMarket, jobId, slot, reveal: r });
  }

  async report(jobId: bigint, r: { digest: Hex; invoice: bigint; resultURI: string }): Promise<void> {
    this.rpcCalls += 4;
    await reportResult(this.#client, { jobMarket: this.#p.jobMarket, jobId, nodeId: this.nodeId, ...r });
  }

  async settle(jobId: bigint): Promise<void> {
    this.rpcCalls += 4;
    await sendSimulated(this.#client, "settle", marketErrorAbis, (account) =>
      this.#client.publicClient.simulateContract({
        address: this.#p.jobMarket,
        abi: jobMarketAbi,
        functionName: "settle",
        args: [jobId],
        account,
      }),
    );
  }

  async balance(token: string): Promise<bigint> {
    // Only the owner's account can withdraw what is credited to it.
    if (this.#p.owner.toLowerCase() !== this.#p.sender.toLowerCase()) return 0n;
    this.rpcCalls++;
    return this.#client.publicClient.readContract({
      address: this.#p.jobMarket,
      abi: jobMarketAbi,
      functionName: "balanceOf",
      args: [this.#p.owner, token as Address],
    });
  }

  async withdraw(token: string): Promise<bigint> {
    this.rpcCalls += 4;
    const before = await this.balance(token);
    await sendSimulated(this.#client, "withdraw", marketErrorAbis, (account) =>
      this.#client.publicClient.simulateContract({
        address: this.#p.jobMarket,
        abi: jobMarketAbi,
        functionName: "withdraw",
        args: [token as Address],
        account,
      }),
    );
    return before;
  }

  async heartbeat(): Promise<void> {
    this.rpcCalls += 4;
    await sendSimulated(this.#client, "heartbeat", marketErrorAbis, (account) =>
      this.#client.publicClient.simulateContract({
        address: this.#p.nodeRegistry,
        abi: nodeRegistryAbi,
        functionName: "heartbeat",
        args: [this.nodeId],
        account,
      }),
    );
  }

  /** The node's free (unlocked) bond. */
  async freeBond(): Promise<bigint> {
    this.rpcCalls++;
    const b = await this.#client.publicClient.readContract({
      address: this.#p.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: "bondInfo",
      args: [this.nodeId],
    });
    return b.bond - b.locked;
  }
}
