/**
 * The original design's "Node Pool Management" pattern (NodeFleet), run against the
 * in-process Hardhat chain: `node scripts/examples/node-fleet.ts`.
 *
 * Changes from the design's snippet, and why:
 * - `sandrun` is passed to the fleet's constructor (the snippet used a global).
 * - `getOptimalPricing` and `redistributeJobs` are the design's placeholders: here pricing is
 *   derived from the GPU count, and redistribution moves local reservations from overloaded to
 *   underutilised nodes' ledgers (the contracts have no job migration).
 * - The root has the worker attached (client/worker/attach.ts), so `node.startListening()`
 *   starts each node's worker daemon in this process; `shutdown()` stops them (each drains),
 *   so the script exits on its own.
 * - Load is each node's reserved share (`u.reserved`, the busiest resource), not `u.overall`:
 *   with the worker attached, `overall` also takes the machine's own CPU, memory and disk use,
 *   and the three nodes of this local fleet share one machine, so that part is the same for
 *   every node and says nothing about which one to move work from.
 * - `totalEarnings` sums exact decimal strings with decimal.js instead of `parseFloat`
 *   (money is never a float).
 * - `u.nodeId`: getUtilization() returns the node id with the shares, as the snippet expects.
 */
import { ExactDecimal } from "../../client/index.ts";
import type {
  Node,
  NodeCapabilities,
  PricingModel,
  Sandrun,
  Reservation,
  ResourceUtilization,
} from "../../client/index.ts";
import { localSandrun } from "./node-setup.ts";

/** A node's load in this fleet: its busiest reserved resource (see the header for why not `overall`). */
function load(u: ResourceUtilization): number {
  return Math.max(u.reserved.cpu, u.reserved.memory, u.reserved.gpu, u.reserved.storage);
}

// Manage multiple nodes as a fleet
export class NodeFleet {
  private nodes: Node[] = [];
  private readonly sandrun: Sandrun;
  private readonly reservations = new Map<string, Reservation[]>();

  constructor(sandrun: Sandrun) {
    this.sandrun = sandrun;
  }

  async addNode(config: NodeCapabilities) {
    const node = await this.sandrun
      .node()
      .capabilities(config)
      .pricing(this.getOptimalPricing(config))
      .register();

    this.nodes.push(node);
    await node.startListening();
    return node;
  }

  getOptimalPricing(config: NodeCapabilities): PricingModel {
    const gpus = config.gpu?.count ?? 0;
    return gpus > 0
      ? { gpu: { perHour: new ExactDecimal("0.25").times(gpus).toString() }, currency: "ETH" }
      : { cpu: { perCoreHour: "0.01" }, currency: "ETH" };
  }

  /** Puts local load on a node (what running jobs do through the worker). */
  async load(node: Node, gpus: number) {
    const r = await node.reserveResources({ gpus });
    this.reservations.set(node.id, [...(this.reservations.get(node.id) ?? []), r]);
  }

  async rebalanceLoad() {
    const utilizations = await Promise.all(this.nodes.map((node) => node.getUtilization()));

    // Move jobs from overloaded to underutilized nodes
    const overloaded = utilizations.filter((u) => load(u) > 0.9).map((u) => u.nodeId);

    const underutilized = utilizations.filter((u) => load(u) < 0.5).map((u) => u.nodeId);

    if (overloaded.length > 0 && underutilized.length > 0) {
      await this.redistributeJobs(overloaded, underutilized);
    }
    return { overloaded, underutilized };
  }

  async redistributeJobs(from: string[], to: string[]) {
    const byId = new Map(this.nodes.map((n) => [n.id, n]));
    for (const [i, id] of from.entries()) {
      const source = byId.get(id)!;
      const target = byId.get(to[i % to.length]!)!;
      const moved = this.reservations.get(id)?.pop();
      if (!moved) continue;
      await source.releaseResources(moved.id);
      await this.load(target, moved.resources.gpus);
    }
  }

  async getFleetStatus() {
    const statuses = await Promise.all(this.nodes.map((node) => node.status()));

    return {
      totalNodes: this.nodes.length,
      activeNodes: statuses.filter((s) => s.online).length,
      totalEarnings: statuses.reduce((sum, s) => sum.plus(s.earnings.total), new ExactDecimal(0)).toString(),
      avgUtilization: statuses.reduce((sum, s) => sum + load(s.utilization), 0) / statuses.length,
    };
  }

  get members(): readonly Node[] {
    return this.nodes;
  }

  async shutdown() {
    await Promise.all(this.nodes.map((n) => n.shutdown()));
  }
}

export async function main() {
  const { sandrun, heartbeats, workerMessages, close } = await localSandrun();
  const fleet = new NodeFleet(sandrun);
  const base = {
    cpu: { cores: 32, threads: 64, frequency: 3000 },
    memory: { total: 128, type: "ddr5" as const, speed: 4800 },
    storage: { type: "nvme" as const, capacity: "4TB", iops: 500000 },
    network: { bandwidth: 10000, latency: 5 },
  };
  const a = await fleet.addNode({ ...base, gpu: { type: "h100", memory: "80GB", count: 4 } });
  await fleet.addNode({ ...base, gpu: { type: "rtx4090", memory: "24GB", count: 2 } });
  await fleet.addNode(base);
  await fleet.load(a, 2);
  await fleet.load(a, 2); // node a is now fully reserved
  const before = await fleet.getFleetStatus();
  const moves = await fleet.rebalanceLoad();
  const after = await fleet.getFleetStatus();
  const ids = fleet.members.map((n) => n.id);
  // Each node's worker sent a heartbeat as it started (the registry's record of it).
  const heartbeatsWhileListening = await Promise.all(ids.map((id) => heartbeats(id)));
  await fleet.shutdown();
  close();
  const logged = (msg: string) => ids.filter((id) => workerMessages(id).includes(msg));
  return {
    before,
    moves,
    after,
    heartbeatsWhileListening,
    workers: { started: logged("worker starting"), stopped: logged("worker stopped") },
  };
}

if (import.meta.main) console.log(JSON.stringify(await main(), null, 2));
