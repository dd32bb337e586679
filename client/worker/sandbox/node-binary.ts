/**
 * The Node.js binary that runs `js` jobs and `node` programs: the worker's own (Node 22),
 * resolved through symlinks so it can be bound into a sandbox.
 * @module
 */
import { realpathSync } from "node:fs";

/** Where the node binary appears inside bubblewrap sandboxes. */
export const SANDBOX_NODE_PATH = "/sandrun/bin/node";

let cached: string | undefined;

/** The real path of the running Node.js binary. */
export function hostNodePath(): string {
  cached ??= realpathSync(process.execPath);
  return cached;
}
