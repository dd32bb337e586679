/**
 * The job market's requester-side types as the client speaks them, and their decoding.
 * @module
 */
import type { Address, Hex } from "viem";

import { strategyFromEnum, type ConsensusStrategy } from "../../proofs/consensus.ts";
import { VERIFICATION_LEVELS, type VerificationLevel } from "../pools/policy.ts";

/**
 * A job's lifecycle statuses, indexed by the contract's `JobStatus` enum value, so a raw
 * status read from the chain maps to a name.
 *
 * @example
 * ```ts
 * import { JOB_STATUSES } from "sandrun/client/actions/market/jobTypes.ts";
 * JOB_STATUSES[1]; // "open"
 * ```
 */
export const JOB_STATUSES = ["none", "open", "settled", "cancelled"] as const;
/** A job's lifecycle status. */
export type JobStatusName = (typeof JOB_STATUSES)[number];

/**
 * The runtimes, in the contract's code order: a runtime's index here is the `runtime`
 * byte a `JobRequest` carries.
 *
 * @example
 * ```ts
 * import { RUNTIME_NAMES } from "sandrun/client/actions/market/jobTypes.ts";
 * RUNTIME_NAMES.indexOf("js"); // 1
 * ```
 */
export const RUNTIME_NAMES = ["wasm", "js", "process"] as const;

/** The on-chain `JobRequest`, with client-friendly optional fields. */
export type JobRequestInput = {
  readonly poolId: bigint;
  readonly specHash: Hex;
  readonly runtime: (typeof RUNTIME_NAMES)[number];
  /** undefined = the pool's strategy (encoded as 255). */
  readonly consensus?: ConsensusStrategy | undefined;
  /** undefined = the pool's redundancy (encoded as 0). */
  readonly redundancy?: number | undefined;
  readonly resources: bigint;
  /** address(0) = ETH. */
  readonly token: Address;
  readonly pricePerNode: bigint;
  readonly collateralPerNode: bigint;
  readonly commitWindow: number;
  readonly revealWindow: number;
  /** Directed job: exactly n distinct pool members; empty = open job. */
  readonly nodes?: readonly bigint[] | undefined;
  readonly specURI?: string | undefined;
  readonly inlineSpec?: Hex | undefined;
  readonly encryptionKey?: Hex | undefined;
};

/** A job as `getJob` returns it. */
export type JobInfo = {
  readonly jobId: bigint;
  readonly status: JobStatusName;
  readonly poolId: bigint;
  readonly requester: Address;
  readonly n: number;
  readonly consensus: ConsensusStrategy;
  readonly verification: VerificationLevel;
  readonly taken: number;
  readonly revealed: number;
  readonly directed: boolean;
  readonly runtime: number;
  readonly commitDeadline: number;
  readonly revealDeadline: number;
  readonly token: Address;
  readonly pricePerNode: bigint;
  readonly collateralPerNode: bigint;
  readonly specHash: Hex;
  readonly settlementHash: Hex;
};

/** The contract's `SettlementRecord`. */
export type SettlementRecord = {
  readonly requester: Address;
  readonly token: Address;
  readonly collateralPerNode: bigint;
  readonly fee: bigint;
  readonly treasury: Address;
  readonly challengeEnds: number;
  readonly nodes: readonly bigint[];
  readonly payees: readonly Address[];
  readonly amounts: readonly bigint[];
};

/**
 * Encodes a request as the contract's `JobRequest` struct: runtime and consensus names
 * become their enum codes (255 and redundancy 0 mean "the pool's default") and absent
 * optional fields become empty values.
 *
 * @example
 * ```ts
 * import { encodeJobRequest } from "sandrun/client/actions/market/jobTypes.ts";
 * const struct = encodeJobRequest({
 *   poolId: 1n, specHash, runtime: "js", resources: 0n, token: zeroAddress,
 *   pricePerNode: parseEther("0.01"), collateralPerNode: 0n, commitWindow: 600, revealWindow: 300,
 * });
 * struct.strategy; // 255 (the pool's strategy)
 * ```
 */
export function encodeJobRequest(r: JobRequestInput) {
  return {
    poolId: r.poolId,
    specHash: r.specHash,
    runtime: RUNTIME_NAMES.indexOf(r.runtime),
    strategy:
      r.consensus === undefined
        ? 255
        : [
            "fastest-wins",
            "majority-rule",
            "2-of-3",
            "3-of-5",
            "byzantine-fault-tolerant",
            "proof-of-stake-weighted",
          ].indexOf(r.consensus),
    redundancy: r.redundancy ?? 0,
    resources: r.resources,
    token: r.token,
    pricePerNode: r.pricePerNode,
    collateralPerNode: r.collateralPerNode,
    commitWindow: r.commitWindow,
    revealWindow: r.revealWindow,
    nodes: [...(r.nodes ?? [])],
    specURI: r.specURI ?? "",
    inlineSpec: r.inlineSpec ?? "0x",
    encryptionKey: r.encryptionKey ?? "0x",
  } as const;
}

/**
 * The escrow a request needs: n × pricePerNode (n resolved by the caller when the pool's
 * default applies), in the token's smallest unit.
 *
 * @example
 * ```ts
 * import { escrowOf } from "sandrun/client/actions/market/jobTypes.ts";
 * escrowOf(parseEther("0.01"), 3); // 30000000000000000n
 * ```
 */
export function escrowOf(pricePerNode: bigint, n: number): bigint {
  return pricePerNode * BigInt(n);
}

/**
 * Decodes the contract's `JobView` (as `JobMarket.job` returns it) into a {@link JobInfo}
 * with status, consensus and verification names instead of enum codes.
 *
 * @example
 * ```ts
 * import { decodeJobView } from "sandrun/client/actions/market/jobTypes.ts";
 * const view = await publicClient.readContract({ address: jobMarket, abi: jobMarketAbi, functionName: "job", args: [jobId] });
 * const job = decodeJobView(jobId, view);
 * job.status; // "open"
 * ```
 */
export function decodeJobView(
  jobId: bigint,
  v: {
    status: number;
    poolId: bigint;
    requester: Address;
    n: number;
    strategy: number;
    level: number;
    taken: number;
    revealed: number;
    directed: boolean;
    runtime: number;
    commitDeadline: number;
    revealDeadline: number;
    token: Address;
    pricePerNode: bigint;
    collateralPerNode: bigint;
    specHash: Hex;
    settlementHash: Hex;
  },
): JobInfo {
  return {
    jobId,
    status: JOB_STATUSES[Number(v.status)] ?? "none",
    poolId: BigInt(v.poolId),
    requester: v.requester,
    n: Number(v.n),
    consensus: strategyFromEnum(v.strategy),
    verification: VERIFICATION_LEVELS[Number(v.level)] ?? "basic",
    taken: Number(v.taken),
    revealed: Number(v.revealed),
    directed: v.directed,
    runtime: Number(v.runtime),
    commitDeadline: Number(v.commitDeadline),
    revealDeadline: Number(v.revealDeadline),
    token: v.token,
    pricePerNode: BigInt(v.pricePerNode),
    collateralPerNode: BigInt(v.collateralPerNode),
    specHash: v.specHash,
    settlementHash: v.settlementHash,
  };
}

/** Common parameters: the market and a job id. */
export type JobParameters = { readonly jobMarket: Address; readonly jobId: bigint };
