/**
 * Typed errors of the sandboxes. A job that misbehaves never throws: it yields a result
 * with an outcome. These errors are for the worker's own set-up problems.
 * @module
 */
import { SandrunError } from "../../errors/base.ts";

/**
 * The `process` runtime (and the strongest `js` isolation) needs bubblewrap, and it is not
 * installed or cannot create namespaces here.
 *
 * @example
 * ```ts
 * import { assertBubblewrap } from "sandrun/client/worker/sandbox/bwrap.ts";
 * await assertBubblewrap(); // throws BubblewrapMissingError on a machine without bwrap
 * ```
 */
export class BubblewrapMissingError extends SandrunError {
  override name = "BubblewrapMissingError";
  /** The path that was tried. */
  readonly path: string;
  constructor(path: string, reason: string) {
    super("bubblewrap is required for the process runtime and is not usable.", {
      details: `${path}: ${reason}. Install it (Debian: apt-get install -y bubblewrap).`,
    });
    this.path = path;
  }
}

/**
 * The sandbox itself could not be set up (scratch directory, spawn failure, worker thread
 * failure): nothing about the job, everything about the machine.
 *
 * @example
 * ```ts
 * const result = await runInSandbox(spec);
 * if (result.error instanceof SandboxSetupError) console.error(result.error.details);
 * ```
 */
export class SandboxSetupError extends SandrunError {
  override name = "SandboxSetupError";
  /** Which runtime. */
  readonly runtime: string;
  constructor(runtime: string, reason: string, cause?: unknown) {
    super(`The ${runtime} sandbox could not start: ${reason}.`, { cause });
    this.runtime = runtime;
  }
}

/**
 * The job asks for something the sandbox refuses before running anything (a wasm module
 * with foreign imports, a memory larger than its limit, an environment variable that would
 * reconfigure the runtime).
 *
 * @example
 * ```ts
 * const result = await runInSandbox(spec);
 * if (result.outcome === "refused") console.log(result.error?.shortMessage);
 * ```
 */
export class SandboxRefusedError extends SandrunError {
  override name = "SandboxRefusedError";
  /** Why, one line. */
  readonly reason: string;
  constructor(reason: string) {
    super(`Job refused by the sandbox: ${reason}.`);
    this.reason = reason;
  }
}
