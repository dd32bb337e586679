/**
 * Plugs the pool and job builders into the root: `createSandrun({ …, pool: poolBuilderFactory,
 * job: jobBuilderFactory })`, or with options through {@link createPoolBuilderFactory}.
 * @module
 */
import type { Hex } from "viem";

import type { SandrunContext } from "../context.ts";
import { MissingConfigurationError } from "../errors.ts";
import { JobBuilder } from "../job/JobBuilder.ts";
import type { RegistryNode } from "../discovery/reader.ts";
import { PoolBuilder, type PoolBuilderContext } from "./PoolBuilder.ts";

/** Options of {@link createPoolBuilderFactory}. */
export type PoolFactoryOptions = {
  /** The requester's ECIES key for cryptographic pools (default: derived from the wallet's signature). */
  readonly encryptionKey?: Hex | Uint8Array | undefined;
  /** Milliseconds between event polls while handlers are registered (default 1000). */
  readonly pollingInterval?: number | undefined;
  /** Where discovery reads nodes (default: a fresh paged read of the registry per estimate). */
  readonly loadNodes?: (() => Promise<readonly RegistryNode[]>) | undefined;
  /** Turns registry records into the root's Node objects. */
  readonly toNode?: ((record: RegistryNode) => unknown) | undefined;
};

/**
 * The pool context of a root context: the client, contract addresses and tokens a
 * {@link PoolBuilder} needs, or a MissingConfigurationError when the deployment has no
 * PoolRegistry or JobMarket.
 *
 * @example
 * ```ts
 * import { poolContextOf } from "sandrun/client/pool/factory.ts";
 * const builder = new PoolBuilder(poolContextOf(sandrun.context, { pollingInterval: 500 }));
 * ```
 */
export function poolContextOf(ctx: SandrunContext, options: PoolFactoryOptions = {}): PoolBuilderContext {
  const { poolRegistry, jobMarket, nodeRegistry } = ctx.deployment;
  if (!poolRegistry)
    throw new MissingConfigurationError("deployment.poolRegistry", "pools live in the PoolRegistry");
  if (!jobMarket)
    throw new MissingConfigurationError("deployment.jobMarket", "pools post jobs to the JobMarket");
  return {
    client: ctx.client,
    nodeRegistry,
    poolRegistry,
    jobMarket,
    tokens: ctx.tokens,
    encryptionKey: options.encryptionKey,
    pollingInterval: options.pollingInterval,
    loadNodes: options.loadNodes,
    toNode: options.toNode,
  };
}

/**
 * A `pool` factory with options.
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/sandrun.ts";
 * import { createPoolBuilderFactory, jobBuilderFactory } from "sandrun/client/pool/factory.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment, pool: createPoolBuilderFactory({ pollingInterval: 500 }), job: jobBuilderFactory });
 * ```
 */
export function createPoolBuilderFactory(
  options: PoolFactoryOptions = {},
): (ctx: SandrunContext) => PoolBuilder {
  return (ctx) => new PoolBuilder(poolContextOf(ctx, options));
}

/**
 * The default `pool` factory: `sandrun.pool()` returns a {@link PoolBuilder}.
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/sandrun.ts";
 * import { jobBuilderFactory, poolBuilderFactory } from "sandrun/client/pool/factory.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment, pool: poolBuilderFactory, job: jobBuilderFactory });
 * const pool = await sandrun.pool().discover({ minNodes: 3 }).consensus("2-of-3").join();
 * ```
 */
export const poolBuilderFactory: (ctx: SandrunContext) => PoolBuilder = createPoolBuilderFactory();

/**
 * The `job` factory: `sandrun.job()` returns a {@link JobBuilder}.
 *
 * @example
 * ```ts
 * import { createSandrun } from "sandrun/client/sandrun.ts";
 * import { jobBuilderFactory, poolBuilderFactory } from "sandrun/client/pool/factory.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment, pool: poolBuilderFactory, job: jobBuilderFactory });
 * const job = await sandrun.job().code("console.log(6 * 7)").build();
 * ```
 */
export const jobBuilderFactory = (_ctx: SandrunContext): JobBuilder => new JobBuilder();
