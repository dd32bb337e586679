/**
 * The pool policy and requirements as the client speaks them (strategy names, scores in
 * [0, 1], GPU model and region strings) and their on-chain encodings (`PoolPolicy`,
 * `PoolRequirements` in contracts/types).
 * @module
 */
import { hexToString, stringToHex, type Hex } from "viem";

import { ValidationError } from "../../errors.ts";
import {
  checkRedundancy,
  naturalRedundancy,
  strategyFromEnum,
  strategyToEnum,
  type ConsensusStrategy,
} from "../../proofs/consensus.ts";

/**
 * The verification levels of DESIGN.md, in the contract's enum order, so a level's index
 * is its on-chain `VerificationLevel` value.
 *
 * @example
 * ```ts
 * import { VERIFICATION_LEVELS } from "sandrun/client/actions/pools/policy.ts";
 * VERIFICATION_LEVELS.indexOf("strict"); // 2
 * ```
 */
export const VERIFICATION_LEVELS = ["basic", "standard", "strict", "cryptographic"] as const;
/** What a result must carry and what a wrong or missing one costs. */
export type VerificationLevel = (typeof VERIFICATION_LEVELS)[number];

/** A pool's policy, client side. */
export type PoolPolicyInput = {
  readonly consensus: ConsensusStrategy;
  /** Nodes per job (default: the strategy's natural n). */
  readonly redundancy?: number | undefined;
  readonly verification?: VerificationLevel | undefined;
  /** Any node meeting the requirements may join (default false: only the owner adds). */
  readonly open?: boolean | undefined;
  /** Minimum reputation score in [0, 1] for nodes joining by themselves. */
  readonly minReputation?: number | undefined;
  /** Minimum free bond, base units of the node's bond token, for nodes joining by themselves. */
  readonly minBond?: bigint | undefined;
};

/** A pool's policy as read back from the chain. */
export type PoolPolicyView = {
  readonly consensus: ConsensusStrategy;
  readonly redundancy: number;
  readonly verification: VerificationLevel;
  readonly open: boolean;
  /** Parts per million. */
  readonly minReputationPpm: number;
  readonly minBond: bigint;
};

/** Capabilities a node must have to join an open pool ("" / 0 = any). */
export type PoolRequirementsInput = {
  readonly gpuModel?: string | undefined;
  readonly region?: string | undefined;
  readonly minGpuCount?: number | undefined;
  readonly minMemoryGb?: number | undefined;
  readonly minBandwidthMbps?: number | undefined;
};

/** The on-chain `PoolPolicy` struct. */
export type PoolPolicyStruct = {
  strategy: number;
  redundancy: number;
  verification: number;
  open: boolean;
  minReputation: number;
  minBond: bigint;
};

/** The on-chain `PoolRequirements` struct. */
export type PoolRequirementsStruct = {
  gpuModel: Hex;
  region: Hex;
  minGpuCount: number;
  minMemoryGB: number;
  minBandwidthMbps: number;
};

/**
 * Encodes a policy, validating it as the contract would (all problems at once).
 *
 * @example
 * ```ts
 * import { encodePolicy } from "sandrun/client/actions/pools/policy.ts";
 * encodePolicy({ consensus: "byzantine-fault-tolerant", redundancy: 3, verification: "cryptographic" });
 * ```
 */
export function encodePolicy(policy: PoolPolicyInput): PoolPolicyStruct {
  const issues: { field: string; message: string }[] = [];
  let strategy = 0;
  try {
    strategy = strategyToEnum(policy.consensus);
  } catch (e) {
    issues.push(...((e as ValidationError).issues ?? []));
  }
  const redundancy = policy.redundancy ?? naturalRedundancy(policy.consensus);
  if (issues.length === 0) issues.push(...checkRedundancy(policy.consensus, redundancy));
  const verification = VERIFICATION_LEVELS.indexOf(policy.verification ?? "standard");
  if (verification < 0) {
    issues.push({
      field: "verification",
      message: `must be one of ${VERIFICATION_LEVELS.join(", ")}, got ${JSON.stringify(policy.verification)}`,
    });
  }
  const rep = policy.minReputation ?? 0;
  if (typeof rep !== "number" || !(rep >= 0 && rep <= 1))
    issues.push({ field: "minReputation", message: "must be a score in [0, 1]" });
  const minBond = policy.minBond ?? 0n;
  if (minBond < 0n || minBond >= 2n ** 96n) issues.push({ field: "minBond", message: "must fit in uint96" });
  if (issues.length > 0) throw new ValidationError("Pool policy", issues);
  return {
    strategy,
    redundancy,
    verification,
    open: policy.open ?? false,
    minReputation: Math.ceil(Number((rep * 1_000_000).toFixed(6))),
    minBond,
  };
}

/**
 * Decodes the on-chain policy.
 * @example
 * ```ts
 * const view = decodePolicy(policyStruct); // { consensus: "2-of-3", redundancy: 3, ... }
 * ```
 */
export function decodePolicy(p: PoolPolicyStruct): PoolPolicyView {
  return {
    consensus: strategyFromEnum(p.strategy),
    redundancy: Number(p.redundancy),
    verification: VERIFICATION_LEVELS[Number(p.verification)] ?? "basic",
    open: p.open,
    minReputationPpm: Number(p.minReputation),
    minBond: BigInt(p.minBond),
  };
}

function code16(text: string | undefined, field: string): Hex {
  const t = (text ?? "").trim();
  if (t.length > 16)
    throw new ValidationError("Pool requirements", [{ field, message: "at most 16 ASCII characters" }]);
  return stringToHex(t, { size: 16 });
}

/**
 * Encodes requirements. GPU models are lower-cased (the registry stores what the node
 * declared; the client's NodeBuilder lower-cases models) and regions kept as given.
 *
 * @example
 * ```ts
 * encodeRequirements({ gpuModel: "a100", minGpuCount: 4, region: "us-east-1" });
 * ```
 */
export function encodeRequirements(r: PoolRequirementsInput = {}): PoolRequirementsStruct {
  return {
    gpuModel: code16(r.gpuModel?.toLowerCase(), "gpuModel"),
    region: code16(r.region, "region"),
    minGpuCount: r.minGpuCount ?? 0,
    minMemoryGB: r.minMemoryGb ?? 0,
    minBandwidthMbps: r.minBandwidthMbps ?? 0,
  };
}

/**
 * Decodes on-chain requirements (the inverse of {@link encodeRequirements}): `bytes16`
 * codes back to strings with their zero padding stripped, every field present.
 *
 * @example
 * ```ts
 * import { decodeRequirements, encodeRequirements } from "sandrun/client/actions/pools/policy.ts";
 * decodeRequirements(encodeRequirements({ gpuModel: "A100", minGpuCount: 4 }));
 * // { gpuModel: "a100", region: "", minGpuCount: 4, minMemoryGb: 0, minBandwidthMbps: 0 }
 * ```
 */
export function decodeRequirements(r: PoolRequirementsStruct): Required<PoolRequirementsInput> {
  const text = (h: Hex) => hexToString(h, { size: 16 }).replace(/\0+$/u, "");
  return {
    gpuModel: text(r.gpuModel),
    region: text(r.region),
    minGpuCount: Number(r.minGpuCount),
    minMemoryGb: Number(r.minMemoryGB),
    minBandwidthMbps: Number(r.minBandwidthMbps),
  };
}
