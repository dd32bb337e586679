/**
 * The library's root: `createSandrun({ publicClient, walletClient, deployment })` returns a
 * {@link Sandrun} with `node()`, `pool()` and `job()`.
 *
 * Plugging in the pool and job builders (client/pool, client/job): pass factories,
 * `createSandrun({ …, pool: (ctx) => new PoolBuilder(ctx), job: (ctx) => new JobBuilder(ctx) })`
 * — the root's `pool()`/`job()` then return exactly those types — or make them the default by
 * setting `defaultPool` / `defaultJob` below to the same factories (one import each).
 */
import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";
import type { SandrunClient } from "./chain/clients.ts";
import type { SandrunContext, SandrunExtensions } from "./context.ts";
import { loadTokens, resolveDeployment, tokensOffline } from "./deployment.ts";
import type { DeploymentInput } from "./deployment.ts";
import { NotSupportedError } from "./errors/input.ts";
import type { TokenRegistry } from "./money/tokens.ts";
import { NodeBuilder } from "./node/builder.ts";

/** A factory for a builder from the shared context. */
export type BuilderFactory<T> = (context: SandrunContext) => T;

/** Default `pool()` factory: none until client/pool's PoolBuilder is wired here. */
const defaultPool: BuilderFactory<never> | undefined = undefined;
/** Default `job()` factory: none until client/job's JobBuilder is wired here. */
const defaultJob: BuilderFactory<never> | undefined = undefined;

/** What `createSandrun` takes. */
export type CreateSandrunParameters<P = never, J = never> = {
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
export class Sandrun<P = never, J = never> {
  /** Clients, deployment, tokens and extensions shared by every builder. */
  readonly context: SandrunContext;
  readonly #pool: BuilderFactory<P> | undefined;
  readonly #job: BuilderFactory<J> | undefined;

  constructor(
    context: SandrunContext,
    factories: { pool?: BuilderFactory<P>; job?: BuilderFactory<J> } = {},
  ) {
    this.context = context;
    this.#pool = factories.pool ?? (defaultPool as BuilderFactory<P> | undefined);
    this.#job = factories.job ?? (defaultJob as BuilderFactory<J> | undefined);
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
   * A new PoolBuilder. @throws NotSupportedError until a pool factory is plugged in
   * @example
   * ```ts
   * const pool = await sandrun.pool().discover({ minNodes: 1 }).join();
   * ```
   */
  pool(): P {
    if (!this.#pool)
      throw new NotSupportedError(
        "sandrun.pool()",
        "pass createSandrun({ pool: (ctx) => new PoolBuilder(ctx) })",
      );
    return this.#pool(this.context);
  }

  /**
   * A new JobBuilder. @throws NotSupportedError until a job factory is plugged in
   * @example
   * ```ts
   * const execution = await sandrun.job().code("…").with(pool).submit();
   * ```
   */
  job(): J {
    if (!this.#job)
      throw new NotSupportedError(
        "sandrun.job()",
        "pass createSandrun({ job: (ctx) => new JobBuilder(ctx) })",
      );
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
export function createSandrun<P = never, J = never>(
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
