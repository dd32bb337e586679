/**
 * `sandrun.pool()`: an immutable builder of a pool. Each method returns a new frozen builder;
 * `estimate()` reads the registry (a handful of calls) and says what the pool would cost and
 * whether the criteria can be met, sending nothing; `join()` creates the pool on-chain with
 * the best-ranked matching nodes or throws {@link CriteriaUnmetError} naming the criterion that
 * could not be met and how close the registry came.
 *
 * Policy defaults: `majority-rule`; redundancy the strategy's natural n (1 for fastest-wins, 5
 * for 3-of-5, else 3) — except when neither consensus nor redundancy is named, where it is
 * min(3, minNodes) so a one-node discovery makes a one-node pool; verification `standard`.
 *
 * How many nodes `join()` takes: `maxNodes` when given, else `max(minNodes, redundancy)`
 * (minNodes defaults to 1): the smallest pool that meets the criteria and can run a job at the
 * chosen redundancy. It needs at least `max(minNodes, redundancy)` matching nodes.
 *
 * The pool's on-chain requirements (what nodes joining by themselves must meet) follow the
 * filters the registry can check: `minGPUs` (count and model), `minMemory`, `minBandwidth`, and
 * `region` when exactly one region is given.
 * @module
 */
import type { Address } from "viem";

import { createPool } from "../actions/pools/createPool.ts";
import {
  VERIFICATION_LEVELS,
  type PoolRequirementsInput,
  type VerificationLevel,
} from "../actions/pools/policy.ts";
import { readRegistryPacked, type RegistryNode } from "../discovery/reader.ts";
import { evaluate, type CriterionReport, type Shortfall } from "../discovery/evaluate.ts";
import { CriteriaUnmetError, InvalidCriteriaError } from "../discovery/errors.ts";
import type {
  BuilderFilters,
  DiscoveryCriteria,
  PricingPreference,
  QueryOptions,
} from "../discovery/types.ts";
import { ValidationError } from "../errors.ts";
import { fromBaseUnits, toBaseUnits } from "../money/index.ts";
import {
  checkRedundancy,
  isConsensusStrategy,
  naturalRedundancy,
  type ConsensusStrategy,
} from "../proofs/consensus.ts";
import { estimatePoolCost } from "./cost.ts";
import { Pool, resolvePoolContext, type PoolContext } from "./Pool.ts";

/** What `estimate()` returns. */
export type PoolEstimate = {
  /** Whether enough nodes match every criterion. */
  readonly feasible: boolean;
  /** Nodes the pool needs: max(minNodes, redundancy). */
  readonly required: number;
  /** Nodes matching every criterion. */
  readonly matched: number;
  /** Nodes `join()` would take, best first (ids as decimal strings). */
  readonly nodes: readonly string[];
  readonly consensus: ConsensusStrategy;
  readonly redundancy: number;
  readonly verification: VerificationLevel;
  /** Running every chosen node for an hour (whole machines), token units. */
  readonly costPerHour: string;
  /** One job of an hour at `redundancy` of the chosen nodes (the cheapest ones), token units. */
  readonly costPerJob: string;
  /** The price token symbol (or address when the deployment does not name it). */
  readonly token: string;
  /** Exact figures, base units. */
  readonly raw: { readonly perHour: bigint; readonly perJob: bigint; readonly token: Address };
  /** How each criterion fared over the registry. */
  readonly criteria: readonly CriterionReport[];
  /** Why the criteria cannot be met, when they cannot. */
  readonly shortfall?: Shortfall | undefined;
};

type State = {
  readonly criteria?: DiscoveryCriteria;
  readonly filters: BuilderFilters;
  readonly consensus?: ConsensusStrategy;
  readonly redundancy?: number;
  readonly verification?: VerificationLevel;
  readonly open?: boolean;
};

/** What the builder needs beyond the pool context: where nodes come from. */
export type PoolBuilderContext = PoolContext & {
  /** Current registry records (default: a fresh paged read of the registry). */
  readonly loadNodes?: (() => Promise<readonly RegistryNode[]>) | undefined;
  /** A node whose last heartbeat is older than this is not chosen (default 3600 s). */
  readonly maxHeartbeatAgeSeconds?: number | undefined;
};

const bad = (criterion: string, problem: string, value: unknown): never => {
  throw new InvalidCriteriaError(criterion, problem, value);
};
const nonNegative = (v: unknown, criterion: string): number =>
  typeof v === "number" && Number.isFinite(v) && v >= 0
    ? v
    : bad(criterion, "must be a non-negative number", v);

/**
 * Builds a pool immutably.
 *
 * @example
 * ```ts
 * const quickPool = await sandrun.pool().discover({ minNodes: 1 }).minGPUs(1).maxCostPerHour("1.0", "ETH").join();
 * ```
 */
export class PoolBuilder {
  readonly #ctx: PoolBuilderContext;
  readonly #s: State;

  constructor(context: PoolBuilderContext, state: State = { filters: {} }) {
    this.#ctx = context;
    this.#s = Object.freeze({ ...state, filters: Object.freeze({ ...state.filters }) });
    Object.freeze(this);
  }

  #with(patch: Partial<Omit<State, "filters">> & { filters?: Partial<BuilderFilters> }): PoolBuilder {
    const { filters, ...rest } = patch;
    return new PoolBuilder(this.#ctx, { ...this.#s, ...rest, filters: { ...this.#s.filters, ...filters } });
  }

  /** The accumulated state, frozen (for inspection and tests). */
  get state(): Readonly<State> {
    return this.#s;
  }

  /** The original design's discovery criteria (minNodes, maxNodes, regions, capabilities, reputation, latency, availability, pricing). */
  discover(criteria: DiscoveryCriteria = {}): PoolBuilder {
    if (criteria === null || typeof criteria !== "object")
      bad("discover", "criteria must be an object", criteria);
    return this.#with({ criteria: Object.freeze({ ...criteria }) });
  }

  /** Only these nodes (ids as decimal strings). */
  nodes(nodeIds: readonly (string | bigint)[]): PoolBuilder {
    if (!Array.isArray(nodeIds) || nodeIds.length === 0)
      bad("nodes", "must be a non-empty list of node ids", nodeIds);
    return this.#with({ filters: { nodes: [...nodeIds] } });
  }

  /** One region or several (a node must be in one of them). */
  region(region: string | readonly string[]): PoolBuilder {
    const list = typeof region === "string" ? [region] : [...region];
    if (list.length === 0 || list.some((r) => typeof r !== "string" || r.trim() === ""))
      bad("region", "must be a region or a non-empty list of regions", region);
    return this.#with({ filters: { regions: list } });
  }

  /** At least `count` GPUs per node, of model `type` when given. */
  minGPUs(count: number, type?: string): PoolBuilder {
    if (!Number.isSafeInteger(count) || count < 1) bad("minGPUs", "count must be a positive integer", count);
    return this.#with({ filters: { minGPUs: type === undefined ? { count } : { count, type } } });
  }

  /** At least `gb` GB of system memory per node. */
  minMemory(gb: number): PoolBuilder {
    return this.#with({ filters: { minMemory: nonNegative(gb, "minMemory") } });
  }

  /** At least `mbps` Mbps of bandwidth per node. */
  minBandwidth(mbps: number): PoolBuilder {
    return this.#with({ filters: { minBandwidth: nonNegative(mbps, "minBandwidth") } });
  }

  /** How results are accepted. */
  consensus(strategy: ConsensusStrategy): PoolBuilder {
    if (!isConsensusStrategy(strategy)) bad("consensus", "unknown consensus strategy", strategy);
    return this.#with({ consensus: strategy });
  }

  /** Nodes per job (default: the strategy's natural n: 1 for fastest-wins, 5 for 3-of-5, else 3). */
  redundancy(factor: number): PoolBuilder {
    if (!Number.isSafeInteger(factor) || factor < 1 || factor > 16)
      bad("redundancy", "must be an integer from 1 to 16", factor);
    return this.#with({ redundancy: factor });
  }

  /** What a result must carry: basic, standard, strict or cryptographic. */
  verification(level: VerificationLevel): PoolBuilder {
    if (!(VERIFICATION_LEVELS as readonly string[]).includes(level))
      bad("verification", `must be one of ${VERIFICATION_LEVELS.join(", ")}`, level);
    return this.#with({ verification: level });
  }

  /** Each node's whole-machine cost per hour at most `amount` of `token` (default ETH). */
  maxCostPerHour(amount: string, token?: string): PoolBuilder {
    if (typeof amount !== "string") bad("maxCostPerHour", "amount must be a decimal string", amount);
    return this.#with({ filters: { maxCostPerHour: token === undefined ? { amount } : { amount, token } } });
  }

  /** Pricing preference: `spot-pricing` ranks by price alone; `maxPrice` caps the price. */
  preferredPricing(model: PricingPreference): PoolBuilder {
    if (model === null || typeof model !== "object") bad("preferredPricing", "must be an object", model);
    return this.#with({ filters: { preferredPricing: Object.freeze({ ...model }) } });
  }

  /** Whether nodes meeting the requirements may join by themselves (default false). */
  open(open = true): PoolBuilder {
    return this.#with({ open });
  }

  #policy(): { consensus: ConsensusStrategy; redundancy: number; verification: VerificationLevel } {
    const consensus = this.#s.consensus ?? "majority-rule";
    // Neither consensus nor redundancy named: majority-rule over min(3, minNodes) nodes, so the
    // design's `discover({ minNodes: 1 })` asks for one node, not three.
    const unnamed = this.#s.consensus === undefined && this.#s.redundancy === undefined;
    const redundancy =
      this.#s.redundancy ??
      (unnamed ? Math.min(3, Math.max(1, this.#s.criteria?.minNodes ?? 1)) : naturalRedundancy(consensus));
    const issues = checkRedundancy(consensus, redundancy);
    if (issues.length > 0) throw new ValidationError("Pool", issues);
    return { consensus, redundancy, verification: this.#s.verification ?? "standard" };
  }

  #requirements(): PoolRequirementsInput {
    const f = this.#s.filters;
    return {
      gpuModel: f.minGPUs?.type,
      minGpuCount: f.minGPUs?.count,
      minMemoryGb: f.minMemory === undefined ? undefined : Math.ceil(f.minMemory),
      minBandwidthMbps: f.minBandwidth === undefined ? undefined : Math.ceil(f.minBandwidth),
      region: f.regions?.length === 1 ? f.regions[0] : undefined,
    };
  }

  /** What the pool would cost and whether its criteria can be met; sends no transaction. */
  async estimate(): Promise<PoolEstimate> {
    const policy = this.#policy();
    const ctx = await resolvePoolContext(this.#ctx);
    const [records, block] = await Promise.all([
      ctx.loadNodes
        ? ctx.loadNodes()
        : readRegistryPacked(ctx.client.publicClient, { registry: ctx.nodeRegistry }).then((r) => r.nodes),
      ctx.client.publicClient.getBlock({ blockTag: "latest" }),
    ]);
    const criteria = this.#s.criteria ?? {};
    const required = Math.max(criteria.minNodes ?? 1, policy.redundancy);
    const options: QueryOptions = {
      toBaseUnits: (amount, token) => toBaseUnits(amount, ctx.tokens.get(token).decimals),
      resolveToken: (token) => ctx.tokens.get(token).address,
      now: Number(block.timestamp),
      ...(ctx.maxHeartbeatAgeSeconds === undefined
        ? {}
        : { maxHeartbeatAgeSeconds: ctx.maxHeartbeatAgeSeconds }),
    };
    // Registry records carry extra fields; discovery reads only NodeRecord's.
    const result = evaluate(
      { criteria: { ...criteria, minNodes: required }, filters: this.#s.filters },
      records,
      options,
    );
    const take = criteria.maxNodes ?? required;
    const chosen = result.nodes.slice(0, take).map((r) => r.node);
    const cost = chosen.length > 0 ? estimatePoolCost(chosen, { redundancy: policy.redundancy }) : undefined;
    const tokenAddress = (cost?.token ?? "0x0000000000000000000000000000000000000000") as Address;
    const token = ctx.tokens.find(tokenAddress);
    const decimals = token?.decimals ?? 18;
    return Object.freeze({
      feasible: result.satisfied,
      required,
      matched: result.matched,
      nodes: Object.freeze(chosen.map((n) => n.id.toString())),
      ...policy,
      costPerHour: fromBaseUnits(cost?.perHour ?? 0n, decimals),
      costPerJob: fromBaseUnits(cost?.perJob ?? 0n, decimals),
      token: token?.symbol ?? tokenAddress,
      raw: Object.freeze({ perHour: cost?.perHour ?? 0n, perJob: cost?.perJob ?? 0n, token: tokenAddress }),
      criteria: Object.freeze(result.criteria),
      shortfall: result.shortfall,
    });
  }

  /**
   * Creates the pool on-chain (PoolRegistry) with the matching nodes, owned by the wallet.
   *
   * @throws CriteriaUnmetError naming the binding criterion, how many nodes matched and the
   *   best near miss; InvalidCriteriaError / ValidationError for malformed input.
   */
  async join(): Promise<Pool> {
    const estimate = await this.estimate();
    if (!estimate.feasible) {
      throw new CriteriaUnmetError(
        estimate.shortfall ?? {
          required: estimate.required,
          found: estimate.matched,
          message: "not enough matching nodes",
        },
      );
    }
    const ctx = this.#ctx;
    const { poolId } = await createPool(ctx.client, {
      poolRegistry: ctx.poolRegistry,
      policy: {
        consensus: estimate.consensus,
        redundancy: estimate.redundancy,
        verification: estimate.verification,
        open: this.#s.open ?? false,
      },
      requirements: this.#requirements(),
      nodes: estimate.nodes.map(BigInt),
    });
    return Pool.load(ctx, poolId);
  }
}
