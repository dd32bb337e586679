/**
 * The extension points through which the Node.js worker (client/worker) gives a Node its
 * job-running methods and machine metrics. The browser-safe core only declares them.
 */
import type { Node } from "./node.ts";

/** Machine metrics, each a share in [0, 1] or `null` when the probe cannot tell. */
export type MachineMetrics = {
  readonly cpu: number | null;
  readonly memory: number | null;
  readonly gpu: number | null;
  readonly storage: number | null;
  /** °C */
  readonly temperature?: number | null;
  /** Watts */
  readonly powerDraw?: number | null;
  readonly errors?: readonly string[];
};

/**
 * Reads the local machine's metrics.
 * @example
 * ```ts
 * const probe: UtilizationProbe = async () => ({ cpu: 0.2, memory: 0.5, gpu: null, storage: null });
 * ```
 */
export type UtilizationProbe = () => Promise<MachineMetrics>;

/**
 * What the worker module implements. Each method receives the Node it acts for. Results are
 * typed by the worker module (`unknown` here keeps the core free of the job types).
 *
 * @example
 * ```ts
 * // client/worker (Node.js only):
 * const worker: NodeWorker = { claimJob: async (node, jobId) => …, … };
 * createSandrun({ publicClient, walletClient, deployment, extensions: { worker } });
 * // or for one node: node.attachWorker(worker)
 * ```
 */
export type NodeWorker = {
  claimJob(node: Node, jobId: string): Promise<unknown>;
  executeJob(node: Node, job: unknown): Promise<unknown>;
  generateProof(node: Node, execution: unknown): Promise<unknown>;
  benchmark(node: Node): Promise<unknown>;
  startListening(node: Node): Promise<void>;
  stopListening(node: Node): Promise<void>;
  /** Called by `Node.shutdown()` before the core stops its watchers (drain, persist cursor, …). */
  shutdown?(node: Node): Promise<void>;
  /** A machine probe the worker provides for `getUtilization`. */
  utilizationProbe?: UtilizationProbe;
};
