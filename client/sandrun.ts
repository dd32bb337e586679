/**
 * The library's root: `createSandrun({ publicClient, walletClient, deployment })` returns a
 * {@link Sandrun} with `node()`, `pool()` and `job()`.
 *
 * `pool()` and `job()` return the design's PoolBuilder and JobBuilder. A caller may pass its own
 * factories (`createSandrun({ …, pool: createPoolBuilderFactory({ pollingInterval: 500 }) })`),
 * and the root's `pool()`/`job()` then return exactly those types.
 */
import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";
import type { SandrunClient } from "./chain/clients.ts";
import type { SandrunContext, SandrunExtensions } from "./context.ts";
import { loadTokens, resolveDeployment, tokensOffline } from "./deployment.ts";
import type { DeploymentInput } from "./deployment.ts";
import type { TokenRegistry } from "./money/tokens.ts";
import { NodeBuilder } from "./node/builder.ts";
import type { JobBuilder } from "./job/JobBuilder.ts";
import type { PoolBuilder } from "./pool/PoolBuilder.ts";
import { jobBuilderFactory, poolBuilderFactory } from "./pool/factory.ts";

/** A factory for a builder from the shared context. */
export type BuilderFactory<T> = (context: SandrunContext) => T;

/** Default `pool()` factory: the design's PoolBuilder. */
const defaultPool: BuilderFactory<PoolBuilder> = poolBuilderFactory;
/** Default `job()` factory: the design's JobBuilder. */
const defaultJob: BuilderFactory<JobBuilder> = jobBuilderFactory;

/** What `createSandrun` takes. */
export type CreateSandrunParameters<P = PoolBuilder, J = JobBuilder> = {
  publicClient: PublicClient<Transport, Chain | undefined>;
  /** Needed for anything that sends a transaction. */
  walletClient?: WalletClient<Transport, Chain | undefined, Account | undefined> | undefined;
  /** What the Ignition module returns, or plain addresses. */
  deployment: DeploymentInput;
  /** Worker and machine-probe extension points (client/worker provides them). */
  extensions?: SandrunExtensions;
  /** The PoolBuilder factory (client/pool). */
  pool?: BuilderFactory<P>;
  /** The JobBuilder factory (client/job). */
  job?: BuilderFactory<J>;
};

/**
 * The root object.
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/index.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment });
 * const node = await sandrun.node().alias("rig").capabilities(caps).pricing(prices).register();
 * ```
 */
export class Sandrun<P = PoolBuilder, J = JobBuilder> {
  /** Clients, deployment, tokens and extensions shared by every builder. */
  readonly context: SandrunContext;
  readonly #pool: BuilderFactory<P>;
  readonly #job: BuilderFactory<J>;

  constructor(
    context: SandrunContext,
    factories: { pool?: BuilderFactory<P>; job?: BuilderFactory<J> } = {},
  ) {
    this.context = context;
    this.#pool = factories.pool ?? (defaultPool as unknown as BuilderFactory<P>);
    this.#job = factories.job ?? (defaultJob as unknown as BuilderFactory<J>);
    Object.freeze(this);
  }

  /**
   * A new NodeBuilder.
   * @example
   * ```ts
   * const builder = sandrun.node().alias("my-rig");
   * ```
   */
  node(): NodeBuilder {
    return new NodeBuilder(this.context);
  }

  /**
   * A new PoolBuilder (or what the `pool` factory given to `createSandrun` builds).
   * @example
   * ```ts
   * const pool = await sandrun.pool().discover({ minNodes: 1 }).join();
   * ```
   */
  pool(): P {
    return this.#pool(this.context);
  }

  /**
   * A new JobBuilder (or what the `job` factory given to `createSandrun` builds).
   * @example
   * ```ts
   * const execution = await sandrun.job().code("…").with(pool).submit();
   * ```
   */
  job(): J {
    return this.#job(this.context);
  }
}

/**
 * Creates the Sandrun root. Synchronous and chain-free: addresses are checked now; token
 * decimals not given in `deployment.tokens` are read on first use and cached.
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/index.ts";
 * import { network } from "hardhat";
 * const { viem } = await network.create();
 * const sandrun = createSandrun({
 *   publicClient: await viem.getPublicClient(),
 *   walletClient: (await viem.getWalletClients())[0],
 *   deployment: { nodeRegistry: registry.address, poolRegistry: pools.address, jobMarket: market.address },
 * });
 * ```
 */
export function createSandrun<P = PoolBuilder, J = JobBuilder>(
  parameters: CreateSandrunParameters<P, J>,
): Sandrun<P, J> {
  const deployment = resolveDeployment(parameters.deployment);
  const client: SandrunClient = {
    publicClient: parameters.publicClient,
    walletClient: parameters.walletClient,
  };
  const offline = tokensOffline(deployment);
  let tokens: Promise<TokenRegistry> | undefined = offline ? Promise.resolve(offline) : undefined;
  const context: SandrunContext = Object.freeze({
    client,
    deployment,
    tokens: () => {
      tokens ??= loadTokens(client, deployment).catch((e: unknown) => {
        tokens = undefined; // a failed read (e.g. RPC down) is retried next time
        throw e;
      });
      return tokens;
    },
    extensions: Object.freeze({ ...(parameters.extensions ?? {}) }),
  });
  return new Sandrun<P, J>(context, {
    ...(parameters.pool ? { pool: parameters.pool } : {}),
    ...(parameters.job ? { job: parameters.job } : {}),
  });
}
