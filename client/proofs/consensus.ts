/**
 * The job market's consensus rules, off-chain: given the revealed digests of a job, the
 * verdict the contract reaches. `Pool.verify` uses it so a requester can check proofs before
 * (or without) asking the chain; the rules are those of contracts/libraries/Consensus.sol
 * (`isConsistent`, `accepts`, `tally`), and the tests check them against the contract.
 *
 * Rules (DESIGN.md, Consensus), with `n` the job's redundancy:
 *
 * | strategy | accepted when |
 * | --- | --- |
 * | fastest-wins | `n = 1`: the one result is accepted |
 * | majority-rule | more than half of the `n` slots agree: `count * 2 > n` |
 * | 2-of-3 | `n = 3`, two agree |
 * | 3-of-5 | `n = 5`, three agree |
 * | byzantine-fault-tolerant | more than two thirds of `n` agree: `count * 3 > 2n` |
 * | proof-of-stake-weighted | agreeing collateral * 3 > 2 * collateral that revealed |
 *
 * All arithmetic is on integers (bigint for collateral), as on-chain.
 * @module
 */
import type { Hex } from "viem";
import { ValidationError } from "../errors.ts";

/**
 * The consensus strategies of the original design, in the contract's enum order: a name's
 * index is its on-chain `ConsensusStrategy` value.
 *
 * @example
 * ```ts
 * import { CONSENSUS_STRATEGIES } from "sandrun/client/proofs/consensus.ts";
 * CONSENSUS_STRATEGIES.indexOf("2-of-3"); // 2
 * ```
 */
export const CONSENSUS_STRATEGIES = [
  "fastest-wins",
  "majority-rule",
  "2-of-3",
  "3-of-5",
  "byzantine-fault-tolerant",
  "proof-of-stake-weighted",
] as const;

/** How a job's results are accepted (the original design's `ConsensusStrategy`). */
export type ConsensusStrategy = (typeof CONSENSUS_STRATEGIES)[number];

/**
 * The contract's `ConsensusStrategy` enum value for a strategy name.
 *
 * @example
 * ```ts
 * import { strategyToEnum } from "sandrun/client/proofs/consensus.ts";
 * strategyToEnum("2-of-3"); // 2
 * ```
 */
export function strategyToEnum(strategy: ConsensusStrategy): number {
  const index = CONSENSUS_STRATEGIES.indexOf(strategy);
  if (index < 0) {
    throw new ValidationError("Consensus strategy", [
      {
        field: "consensus",
        message: `unknown strategy ${JSON.stringify(strategy)}; one of ${CONSENSUS_STRATEGIES.join(", ")}`,
      },
    ]);
  }
  return index;
}

/**
 * The strategy name for the contract's enum value.
 *
 * @example
 * ```ts
 * import { strategyFromEnum } from "sandrun/client/proofs/consensus.ts";
 * strategyFromEnum(4); // "byzantine-fault-tolerant"
 * ```
 */
export function strategyFromEnum(value: number | bigint): ConsensusStrategy {
  const strategy = CONSENSUS_STRATEGIES[Number(value)];
  if (strategy === undefined) {
    throw new ValidationError("Consensus strategy", [
      { field: "consensus", message: `unknown enum value ${value}` },
    ]);
  }
  return strategy;
}

/**
 * True when `value` is one of {@link CONSENSUS_STRATEGIES}; narrows untrusted input (a CLI
 * flag, a config file) to a {@link ConsensusStrategy}.
 *
 * @example
 * ```ts
 * import { isConsensusStrategy } from "sandrun/client/proofs/consensus.ts";
 * isConsensusStrategy("2-of-3"); // true
 * isConsensusStrategy("2-of-4"); // false
 * ```
 */
export function isConsensusStrategy(value: unknown): value is ConsensusStrategy {
  return typeof value === "string" && (CONSENSUS_STRATEGIES as readonly string[]).includes(value);
}

/**
 * The redundancy a strategy implies when none is given: 1 for fastest-wins, 3 for 2-of-3,
 * 5 for 3-of-5, 3 for majority-rule, BFT and stake-weighted.
 *
 * @example
 * ```ts
 * import { naturalRedundancy } from "sandrun/client/proofs/consensus.ts";
 * naturalRedundancy("3-of-5"); // 5
 * ```
 */
export function naturalRedundancy(strategy: ConsensusStrategy): number {
  switch (strategy) {
    case "fastest-wins":
      return 1;
    case "3-of-5":
      return 5;
    default:
      return 3;
  }
}

/**
 * Largest redundancy a job may ask for (the contract's `Consensus.MAX_N`), which keeps the
 * contract's per-job loops bounded.
 *
 * @example
 * ```ts
 * import { MAX_REDUNDANCY } from "sandrun/client/proofs/consensus.ts";
 * const n = Math.min(requested, MAX_REDUNDANCY); // 16 at most
 * ```
 */
export const MAX_REDUNDANCY = 16;

/**
 * Checks a (strategy, redundancy) pair the way the contract does (`Consensus.isConsistent`):
 * fastest-wins needs n = 1, 2-of-3 n = 3, 3-of-5 n = 5, BFT n >= 3, majority-rule and
 * stake-weighted n >= 1; always n <= 16. Returns the problems found (empty when valid).
 *
 * @example
 * ```ts
 * import { checkRedundancy } from "sandrun/client/proofs/consensus.ts";
 * checkRedundancy("2-of-3", 5); // [{ field: "redundancy", message: "2-of-3 needs redundancy 3, got 5" }]
 * ```
 */
export function checkRedundancy(
  strategy: ConsensusStrategy,
  n: number,
): { field: string; message: string }[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_REDUNDANCY) {
    return [{ field: "redundancy", message: `must be an integer from 1 to ${MAX_REDUNDANCY}, got ${n}` }];
  }
  const exact = { "fastest-wins": 1, "2-of-3": 3, "3-of-5": 5 } as Partial<Record<ConsensusStrategy, number>>;
  const want = exact[strategy];
  if (want !== undefined && n !== want)
    return [{ field: "redundancy", message: `${strategy} needs redundancy ${want}, got ${n}` }];
  if (strategy === "byzantine-fault-tolerant" && n < 3) {
    return [
      { field: "redundancy", message: `byzantine-fault-tolerant needs redundancy of at least 3, got ${n}` },
    ];
  }
  return [];
}

/**
 * How many agreeing reveals a strategy needs out of `n` slots (for stake-weighted, the
 * count is not the rule; this returns 1, since any single reveal may carry the weight).
 *
 * @example
 * ```ts
 * import { quorum } from "sandrun/client/proofs/consensus.ts";
 * quorum("byzantine-fault-tolerant", 4); // 3
 * quorum("byzantine-fault-tolerant", 3); // 3
 * quorum("majority-rule", 4); // 3
 * ```
 */
export function quorum(strategy: ConsensusStrategy, n: number): number {
  switch (strategy) {
    case "fastest-wins":
    case "proof-of-stake-weighted":
      return 1;
    case "majority-rule":
      return Math.floor(n / 2) + 1;
    case "2-of-3":
      return 2;
    case "3-of-5":
      return 3;
    case "byzantine-fault-tolerant":
      return Math.floor((2 * n) / 3) + 1;
  }
}

/** One node's revealed result, in the order the contract recorded the reveals. */
export type RevealedResult = {
  /** The node's on-chain id. */
  readonly nodeId: bigint;
  /** The result digest it revealed. */
  readonly digest: Hex;
  /** The collateral its slot locked (only stake-weighted consensus reads it). */
  readonly collateral?: bigint | undefined;
};

/** The verdict on a job's reveals. */
export type ConsensusResult = {
  /** Whether the reveals reach consensus under the strategy. */
  readonly reached: boolean;
  /** The accepted digest in the contract's tally form (its high 20 bytes, see {@link tallyKey}), when reached. */
  readonly digest: Hex | undefined;
  /** Nodes whose result was accepted (paid), in reveal order. */
  readonly agreeing: readonly bigint[];
  /** Nodes that revealed a different digest (or, for fastest-wins, revealed too late to be paid). */
  readonly dissenting: readonly bigint[];
  /** Slots that revealed nothing (`n - reveals`, never negative). */
  readonly missing: number;
  /** How many agreeing reveals the strategy needed (count strategies). */
  readonly needed: number;
  /** For stake-weighted: agreeing and total revealed collateral. */
  readonly weight?: { readonly agreeing: bigint; readonly revealed: bigint } | undefined;
  /** Why consensus was or was not reached, in one line. */
  readonly reason: string;
};

/**
 * Applies a strategy to the reveals of one job (in reveal order) and returns the contract's
 * verdict. A node that revealed twice counts once (its first reveal), as on-chain a slot
 * reveals once. Digests compare as the contract compares them: by their high 20 bytes.
 *
 * @param strategy - the pool's (or job's) consensus strategy.
 * @param n - the job's redundancy (slots).
 * @param reveals - the revealed results, first revealed first.
 * @returns the verdict: reached, accepted digest, agreeing and dissenting nodes.
 *
 * @example
 * ```ts
 * import { decideConsensus } from "sandrun/client/proofs/consensus.ts";
 * const v = decideConsensus("2-of-3", 3, [
 *   { nodeId: 1n, digest: "0xaa" }, { nodeId: 2n, digest: "0xbb" }, { nodeId: 3n, digest: "0xaa" },
 * ]);
 * v.reached; // true — v.agreeing = [1n, 3n], v.dissenting = [2n]
 * ```
 */
export function decideConsensus(
  strategy: ConsensusStrategy,
  n: number,
  reveals: readonly RevealedResult[],
): ConsensusResult {
  const problems = checkRedundancy(strategy, n);
  if (problems.length > 0) throw new ValidationError("Consensus parameters", problems);

  // One reveal per node and at most n reveals, as the contract's slots allow.
  const seen = new Set<bigint>();
  const unique: RevealedResult[] = [];
  for (const r of reveals) {
    if (seen.has(r.nodeId) || unique.length >= n) continue;
    seen.add(r.nodeId);
    unique.push({ ...r, digest: tallyKey(r.digest) });
  }
  const missing = n - unique.length;
  const needed = quorum(strategy, n);

  if (unique.length === 0) {
    return verdict(false, undefined, [], [], missing, needed, undefined, "no results revealed");
  }

  if (strategy === "fastest-wins") {
    const first = unique[0]!;
    return verdict(
      true,
      first.digest,
      [first.nodeId],
      unique.slice(1).map((r) => r.nodeId),
      missing,
      needed,
      undefined,
      `first result from node ${first.nodeId} accepted`,
    );
  }

  // Tally digests in first-seen order so ties resolve to the earliest digest, as a
  // contract tallying reveals in order would.
  const counts = new Map<Hex, { count: number; weight: bigint }>();
  let revealedWeight = 0n;
  for (const r of unique) {
    const c = counts.get(r.digest) ?? { count: 0, weight: 0n };
    c.count += 1;
    c.weight += r.collateral ?? 0n;
    revealedWeight += r.collateral ?? 0n;
    counts.set(r.digest, c);
  }

  let best: Hex | undefined;
  let bestTally = { count: 0, weight: 0n };
  for (const [digest, tally] of counts) {
    const better =
      strategy === "proof-of-stake-weighted"
        ? tally.weight > bestTally.weight ||
          (tally.weight === bestTally.weight && tally.count > bestTally.count)
        : tally.count > bestTally.count;
    if (better || best === undefined) {
      best = digest;
      bestTally = tally;
    }
  }
  const agreeingOf = (d: Hex): bigint[] => unique.filter((r) => r.digest === d).map((r) => r.nodeId);
  const dissentingOf = (d: Hex): bigint[] => unique.filter((r) => r.digest !== d).map((r) => r.nodeId);

  if (strategy === "proof-of-stake-weighted") {
    const ok = revealedWeight > 0n && bestTally.weight * 3n > revealedWeight * 2n;
    const weight = { agreeing: bestTally.weight, revealed: revealedWeight };
    return ok
      ? verdict(
          true,
          best,
          agreeingOf(best!),
          dissentingOf(best!),
          missing,
          needed,
          weight,
          `agreeing collateral ${bestTally.weight} > 2/3 of revealed ${revealedWeight}`,
        )
      : verdict(
          false,
          undefined,
          [],
          unique.map((r) => r.nodeId),
          missing,
          needed,
          weight,
          `best digest holds ${bestTally.weight} of ${revealedWeight} revealed collateral (needs more than 2/3)`,
        );
  }

  const ok = bestTally.count >= needed;
  return ok
    ? verdict(
        true,
        best,
        agreeingOf(best!),
        dissentingOf(best!),
        missing,
        needed,
        undefined,
        `${bestTally.count} of ${n} agree (needs ${needed})`,
      )
    : verdict(
        false,
        undefined,
        [],
        unique.map((r) => r.nodeId),
        missing,
        needed,
        undefined,
        `at most ${bestTally.count} of ${n} agree (needs ${needed})`,
      );
}

/**
 * The form the contract tallies a digest in: its high 20 bytes (`SlotRecord.truncate`), lower
 * case. Two digests agreeing on those bytes agree on-chain, so they agree here.
 *
 * @example
 * ```ts
 * import { tallyKey } from "sandrun/client/proofs/consensus.ts";
 * tallyKey("0x" + "ab".repeat(32)); // "0x" + "ab".repeat(20)
 * ```
 */
export function tallyKey(digest: Hex): Hex {
  const hex = digest.slice(2).toLowerCase().padEnd(64, "0");
  return `0x${hex.slice(0, 40)}`;
}

function verdict(
  reached: boolean,
  digest: Hex | undefined,
  agreeing: bigint[],
  dissenting: bigint[],
  missing: number,
  needed: number,
  weight: ConsensusResult["weight"],
  reason: string,
): ConsensusResult {
  return Object.freeze({
    reached,
    digest,
    agreeing: Object.freeze(agreeing),
    dissenting: Object.freeze(dissenting),
    missing,
    needed,
    weight: weight ? Object.freeze(weight) : undefined,
    reason,
  });
}
