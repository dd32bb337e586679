/**
 * The Node.js binary that runs `js` jobs and `node` programs: the worker's own (Node 22),
 * resolved through symlinks so it can be bound into a sandbox.
 * @module
 */
import { realpathSync } from "node:fs";

/**
 * Where the node binary appears inside bubblewrap sandboxes (bound there from
 * {@link hostNodePath}).
 *
 * @example
 * ```ts
 * import { hostNodePath, SANDBOX_NODE_PATH } from "sandrun/client/worker/sandbox/node-binary.ts";
 * const bind = { source: hostNodePath(), target: SANDBOX_NODE_PATH };
 * ```
 */
export const SANDBOX_NODE_PATH = "/sandrun/bin/node";

let cached: string | undefined;

/**
 * The real path of the running Node.js binary (symlinks resolved, so bwrap can bind it); cached.
 *
 * @example
 * ```ts
 * import { hostNodePath } from "sandrun/client/worker/sandbox/node-binary.ts";
 * hostNodePath(); // e.g. "/usr/local/lib/node-v22/bin/node"
 * ```
 */
export function hostNodePath(): string {
  cached ??= realpathSync(process.execPath);
  return cached;
}
