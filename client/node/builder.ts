/**
 * NodeBuilder: the original design's node registration builder. Immutable: every method
 * returns a new builder over frozen state; only `register()` touches the chain, and
 * `validate()` works offline (given token decimals, see `createSandrun`).
 */
import { privateKeyToAccount } from "viem/accounts";
import type { Hex } from "viem";
import { registerNode } from "../actions/registry/registerNode.ts";
import { approveToken } from "../actions/tokens/approveToken.ts";
import { accountAddress } from "../chain/clients.ts";
import type { SandrunContext } from "../context.ts";
import { ValidationError } from "../errors/input.ts";
import { planRegistration } from "./config.ts";
import type { NodeConfig, ValidationResult } from "./config.ts";
import { Node } from "./node.ts";
import type {
  AvailabilitySchedule,
  CPUSpecs,
  GPUSpecs,
  InsurancePolicy,
  MemorySpecs,
  NodeCapabilities,
  PaymentMethod,
  PricingModel,
  Size,
  StorageSpecs,
} from "./types.ts";

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A structured copy (plain data only) so later changes to the caller's objects cannot leak in. */
function copy<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

/**
 * Builds and registers a node.
 *
 * @example
 * ```ts
 * const node = await sandrun.node()
 *   .alias("my-rtx4090-rig")
 *   .capabilities({ gpu: { type: "rtx4090", memory: "24GB", count: 2 }, cpu: { cores: 16, threads: 32, frequency: 3600 },
 *     memory: { total: 64, type: "ddr4", speed: 3200 } })
 *   .region("us-west-2")
 *   .pricing({ gpu: { perHour: "0.5" }, cpu: { perCoreHour: "0.02" }, currency: "ETH" })
 *   .register();
 * ```
 */
export class NodeBuilder {
  readonly #context: SandrunContext;
  /** The frozen configuration so far. */
  readonly config: NodeConfig;

  constructor(context: SandrunContext, config: NodeConfig = { capabilities: {} }) {
    this.#context = context;
    this.config = deepFreeze(config);
    Object.freeze(this);
  }

  #with(patch: Partial<NodeConfig>): NodeBuilder {
    return new NodeBuilder(this.#context, { ...this.config, ...patch });
  }

  #withCaps(patch: Partial<NodeCapabilities>): NodeBuilder {
    return this.#with({ capabilities: { ...this.config.capabilities, ...copy(patch) } });
  }

  /** The worker's signer key (0x + 64 hex). `undefined` (an unset env variable) is reported by validate(). */
  identity(privateKey: string | undefined): NodeBuilder {
    return this.#with({ privateKey });
  }
  /** A human-readable name (metadata). */
  alias(name: string): NodeBuilder {
    return this.#with({ alias: name });
  }
  /** All capabilities at once (replaces earlier gpu/cpu/memory/storage/network calls). */
  capabilities(caps: NodeCapabilities): NodeBuilder {
    return this.#with({ capabilities: copy(caps) });
  }
  /** GPU specs. */
  gpu(specs: GPUSpecs): NodeBuilder {
    return this.#withCaps({ gpu: specs });
  }
  /** CPU specs. */
  cpu(specs: CPUSpecs): NodeBuilder {
    return this.#withCaps({ cpu: specs });
  }
  /** Memory: GB (number), a size string, or full specs. */
  memory(gb: Size | MemorySpecs): NodeBuilder {
    return this.#withCaps({ memory: typeof gb === "object" ? gb : { total: gb } });
  }
  /** Storage specs. */
  storage(specs: StorageSpecs): NodeBuilder {
    return this.#withCaps({ storage: specs });
  }
  /** Bandwidth (Mbps) and latency (ms). */
  network(bandwidth: number, latency: number): NodeBuilder {
    return this.#withCaps({ network: { bandwidth, latency } });
  }
  /** The region code (on-chain, e.g. 'us-east-1'). */
  region(region: string): NodeBuilder {
    return this.#with({ region });
  }
  /** Availability schedule (metadata). */
  availability(schedule: AvailabilitySchedule): NodeBuilder {
    return this.#with({ availability: copy(schedule) });
  }
  /** Prices (on-chain) and discounts (metadata). */
  pricing(model: PricingModel): NodeBuilder {
    return this.#with({ pricing: copy(model) });
  }
  /** Accepted payment tokens (metadata; must include the pricing currency). */
  paymentMethods(methods: PaymentMethod[]): NodeBuilder {
    return this.#with({ paymentMethods: copy(methods) });
  }
  /** The bond staked at registration, in token units ('10.0', 'ETH'). */
  bondAmount(amount: string, token: string): NodeBuilder {
    return this.#with({ bond: { amount, token } });
  }
  /** Insurance policy (metadata). */
  insurance(policy: InsurancePolicy): NodeBuilder {
    return this.#with({ insurance: copy(policy) });
  }
  /** The node's status endpoint (metadata; used by `Pool.healthCheck`). Not in the original design. */
  statusEndpoint(url: string): NodeBuilder {
    return this.#with({ statusEndpoint: url });
  }
  /** Benchmark results to publish (metadata). Not in the original design. */
  benchmarks(results: Record<string, number | string>): NodeBuilder {
    return this.#with({ benchmarks: copy(results) });
  }
  /** Host the metadata document yourself: the URI to announce instead of a data: URI. */
  metadataURI(uri: string): NodeBuilder {
    return this.#with({ metadataURI: uri });
  }

  /**
   * Checks everything offline and returns every problem at once.
   * @example
   * ```ts
   * const { valid, issues } = await sandrun.node().memory(-1).validate();
   * ```
   */
  async validate(): Promise<ValidationResult> {
    const { issues } = planRegistration(this.config, await this.#context.tokens());
    return Object.freeze({ valid: issues.length === 0, issues: Object.freeze(issues) });
  }

  /**
   * Validates, approves the bond token when it is an ERC-20, registers (bonding in the same
   * transaction) and returns the Node.
   * @throws ValidationError listing every problem; decoded contract errors
   * @example
   * ```ts
   * const node = await builder.bondAmount("10.0", "ETH").register();
   * ```
   */
  async register(): Promise<Node> {
    const ctx = this.#context;
    const { issues, plan } = planRegistration(this.config, await ctx.tokens());
    if (!plan) throw new ValidationError("Node", issues);
    const owner = accountAddress(ctx.client, "register");
    const registry = ctx.deployment.nodeRegistry;
    if (plan.bond.amount > 0n && BigInt(plan.bond.token.address) !== 0n)
      await approveToken(ctx.client, {
        token: plan.bond.token.address,
        spender: registry,
        amount: plan.bond.amount,
      });
    const signerAccount = this.config.privateKey
      ? privateKeyToAccount(this.config.privateKey as Hex)
      : undefined;
    const { nodeId, hash, blockNumber } = await registerNode(ctx.client, {
      registry,
      signer: plan.signer?.address ?? owner,
      bondToken: plan.bond.token.address,
      bondAmount: plan.bond.amount,
      capabilities: plan.capabilities.toStruct(),
      prices: plan.prices.toStruct(),
      metadataHash: plan.metadata.hash,
      metadataURI: plan.metadata.uri,
    });
    return Node.load(ctx, nodeId, {
      ...(signerAccount ? { signerAccount } : {}),
      registrationTx: hash,
      registeredAtBlock: blockNumber,
      metadataURI: plan.metadata.uri,
    });
  }

  /**
   * A Node object for an already registered node (reads it from the chain).
   * @param nodeId - the node id
   * @param privateKey - the signer key, when this process runs the node's worker
   * @example
   * ```ts
   * const node = await sandrun.node().attach("3");
   * ```
   */
  async attach(nodeId: string | bigint, privateKey?: string): Promise<Node> {
    return Node.load(
      this.#context,
      BigInt(nodeId),
      privateKey ? { signerAccount: privateKeyToAccount(privateKey as Hex) } : {},
    );
  }
}
