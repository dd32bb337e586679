/**
 * What every builder and Node shares: the viem clients, the resolved deployment, the token
 * registry (loaded once) and the extension points later modules plug into.
 */
import type { SandrunClient } from "./chain/clients.ts";
import type { Deployment } from "./deployment.ts";
import type { TokenRegistry } from "./money/tokens.ts";
import type { NodeWorker, UtilizationProbe } from "./node/worker-extension.ts";

/**
 * Extension points of the library. `worker` and `utilizationProbe` plug Node.js-only parts
 * (client/worker) into the browser-safe core.
 */
export type SandrunExtensions = {
  /** Runs jobs for Nodes: claimJob, executeJob, generateProof, benchmark, start/stopListening. */
  readonly worker?: NodeWorker | undefined;
  /** Reads machine metrics for `Node.getUtilization` (the worker provides an `os`-based one). */
  readonly utilizationProbe?: UtilizationProbe | undefined;
};

/**
 * The shared context.
 * @example
 * ```ts
 * const ctx: SandrunContext = sandrun.context;
 * const tokens = await ctx.tokens();
 * ```
 */
export type SandrunContext = {
  readonly client: SandrunClient;
  readonly deployment: Deployment;
  /** The deployment's tokens (ETH + ERC-20s), loaded on first use and cached. */
  readonly tokens: () => Promise<TokenRegistry>;
  readonly extensions: SandrunExtensions;
};
