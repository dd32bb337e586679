/**
 * The daemon's ports: what the loop needs from the chain, the sandbox and the prover,
 * as interfaces. The loop (loop.ts) is written against these only; `viem-chain.ts` plugs
 * the real JobMarket in, tests may plug anything that behaves the same.
 * @module
 */
import type { Hex } from "viem";
import type { HeldJob, JobOffer } from "../decide.ts";

/** A market event the daemon reacts to, in chain order. */
export type MarketEvent = {
  /** 'posted': a job to consider; 'final': a job reached settled/refunded/cancelled; 'paid': this node was credited; 'dispute': a dispute was raised. */
  kind: "posted" | "final" | "paid" | "dispute";
  jobId: bigint;
  blockNumber: bigint;
  logIndex: number;
  /** The job's terms, for 'posted' (from JobPosted + JobSpec). */
  offer?: OfferDetails | undefined;
  /** Amount credited, for 'paid'. */
  amount?: bigint | undefined;
  /** Token credited, for 'paid'. */
  token?: string | undefined;
  /** Unix seconds until which a 'paid' credit is held (its challenge window). */
  heldUntil?: number | undefined;
};

/** A job on offer plus what the worker needs to fetch and run it. */
export type OfferDetails = JobOffer & {
  specHash: Hex;
  specURI: string;
  /** Verification level: 0 basic, 1 standard, 2 strict, 3 cryptographic. */
  verification: number;
  /** The requester's account. */
  requester: Hex;
  /** Runtime code (0 wasm, 1 js, 2 process), as receipts sign it. */
  runtimeCode: number;
  /** The spec inline in calldata (empty when it lives at `specURI`). */
  inlineSpec: Hex;
  /** The requester's public key for encrypted outputs (empty = plaintext). */
  encryptionKey: Hex;
};

/** What a finished execution hands to the protocol steps. */
export type ExecutionResult = {
  /** keccak256 of the (plaintext) output: what consensus compares. */
  digest: Hex;
  output: Uint8Array;
  /** Wall time in ms, CPU time in ms, peak memory in bytes. */
  usage: { wallMs: number; cpuMs: number; peakMemoryBytes: number };
  /** Exit status of the program; non-zero still yields a digest (of what it printed). */
  exitCode: number;
};

/** The protocol actions a worker sends for its node, and the reads it needs. */
export interface WorkerChain {
  readonly chainId: number;
  readonly market: Hex;
  readonly nodeId: bigint;
  blockNumber(): Promise<bigint>;
  /** Number, hash and timestamp of the latest block (its timestamp is the chain's clock, not the machine's). */
  head(): Promise<{ number: bigint; hash: Hex; timestamp: number }>;
  /** Hash of block `n`, or undefined when the chain has no such block (yet). */
  blockHash(n: bigint): Promise<Hex | undefined>;
  events(fromBlock: bigint, toBlock: bigint): Promise<MarketEvent[]>;
  /** The job's terms (read back from its JobPosted/JobSpec logs), e.g. after a restart. */
  offer(jobId: bigint): Promise<OfferDetails | undefined>;
  /** The job's state and this node's slot `slot` (when it holds one); `executed` is left false. */
  held(jobId: bigint, slot: number | undefined): Promise<HeldJob>;
  /** Takes a slot (basic/standard); returns the slot index. */
  take(jobId: bigint): Promise<number>;
  /** Commits `seal`, taking a slot in the same call (strict+); returns the slot index. */
  commit(jobId: bigint, seal: Hex): Promise<number>;
  reveal(jobId: bigint, slot: number, r: RevealInput): Promise<void>;
  report(jobId: bigint, r: { digest: Hex; invoice: bigint; resultURI: string }): Promise<void>;
  /** settle(): decides a settleable job, or ends (refunds) one past its deadlines. */
  settle(jobId: bigint): Promise<void>;
  /** Credited balance of the node's owner in `token` (what withdraw would pay). */
  balance(token: string): Promise<bigint>;
  withdraw(token: string): Promise<bigint>;
  heartbeat(): Promise<void>;
}

/** A reveal preimage with its cryptographic-level extras. */
export type RevealInput = {
  digest: Hex;
  salt: Hex;
  invoice: bigint;
  resultURI: string;
  usage: { wallMs: bigint; cpuMs: bigint; peakMemory: bigint };
  /** EIP-712 Receipt signature (cryptographic level), else "0x". */
  receiptSignature: Hex;
};

/** Fetches a job's spec, checks its hash, and runs it in the sandbox. */
export interface JobRunner {
  run(offer: OfferDetails, signal: AbortSignal): Promise<ExecutionResult>;
}

/** Builds the cryptographic material of a result. */
export interface ResultProver {
  /** The commit seal (the contract's formula: chain, market, job, node, digest, URI, invoice, salt). */
  seal(jobId: bigint, digest: Hex, resultURI: string, invoice: bigint, salt: Hex): Hex;
  /** A fresh random 32-byte salt. */
  salt(): Hex;
  /** The signed EIP-712 execution receipt (cryptographic level), or undefined when not needed. */
  receipt(offer: OfferDetails, digest: Hex, resultURI: string, usage: RevealInput["usage"]): Promise<Hex>;
}

/** Publishes an output where the requester can fetch it; returns the URI. */
export interface OutputPublisher {
  publish(jobId: bigint, output: Uint8Array, offer: OfferDetails): Promise<string>;
}
