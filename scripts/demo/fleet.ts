/**
 * The demo's fleet: six machines with different hardware, regions and prices, each registered
 * by its own operator account through the client's NodeBuilder (`sandrun.node()…register()`).
 * One of them, "mallory", runs a worker that corrupts its output digest (the daemon's test-only
 * `dishonestCorruptDigest`), so the protocol has someone to catch.
 *
 * Prices are chosen so the original design's pool patterns pick distinct nodes: the A100 boxes
 * cost over 1 ETH an hour as whole machines (too dear for the quick pool), the RTX box about
 * 0.56 ETH (quick, but not budget), and the CPU boxes a few hundredths (budget).
 */
import type { NodeCapabilities, PricingModel } from "../../client/node/types.ts";
import type { NodeBuilder } from "../../client/node/builder.ts";
import type { Node } from "../../client/node/node.ts";

/** One machine of the fleet, in the NodeBuilder's vocabulary. */
export type MachineSpec = {
  readonly alias: string;
  readonly region: string;
  readonly capabilities: NodeCapabilities;
  readonly pricing: PricingModel;
  /** Its worker lies about results (demo only). */
  readonly dishonest: boolean;
  /** One line for the newcomer. */
  readonly hardware: string;
};

const cpu = (cores: number, frequency: number) => ({
  architecture: "x86_64" as const,
  cores,
  threads: cores * 2,
  frequency,
  features: ["avx2", "sse4"],
});

const a100Box = (alias: string, region: string, dishonest = false): MachineSpec => ({
  alias,
  region,
  dishonest,
  hardware: "4x A100, 32 cores, 256 GB",
  capabilities: {
    gpu: { type: "a100", memory: "80GB", count: 4, computeCapability: 8.0, interconnect: "nvlink" },
    cpu: cpu(32, 3000),
    memory: { total: 256, type: "ddr5", speed: 4800 },
    storage: { type: "nvme", capacity: 4000, iops: 600_000 },
    network: { bandwidth: 25_000, latency: 4 },
  },
  pricing: {
    gpu: { perHour: "0.6" },
    cpu: { perCoreHour: "0.002" },
    memory: { perGBHour: "0.0001" },
    minimumJob: "0.004",
    currency: "ETH",
  },
});

/** The fleet, in registration order. */
export const FLEET: readonly MachineSpec[] = [
  a100Box("atlas", "us-east-1"),
  a100Box("borealis", "us-west-2"),
  a100Box("mallory", "us-east-1", true),
  {
    alias: "kestrel",
    region: "eu-west-1",
    dishonest: false,
    hardware: "1x RTX 4090, 16 cores, 64 GB",
    capabilities: {
      gpu: { type: "rtx4090", memory: "24GB", count: 1, computeCapability: 8.9 },
      cpu: cpu(16, 4200),
      memory: { total: 64, type: "ddr5", speed: 5600 },
      storage: { type: "nvme", capacity: 2000, iops: 100_000 },
      network: { bandwidth: 1000, latency: 12 },
    },
    pricing: {
      gpu: { perHour: "0.4" },
      cpu: { perCoreHour: "0.01" },
      memory: { perGBHour: "0.0002" },
      minimumJob: "0.002",
      currency: "ETH",
    },
  },
  {
    alias: "tern",
    region: "ap-south-1",
    dishonest: false,
    hardware: "8 cores, 32 GB",
    capabilities: {
      cpu: cpu(8, 2400),
      memory: { total: 32, type: "ddr4", speed: 3200 },
      storage: { type: "ssd", capacity: 500, iops: 20_000 },
      network: { bandwidth: 500, latency: 40 },
    },
    pricing: {
      cpu: { perCoreHour: "0.005" },
      memory: { perGBHour: "0.0001" },
      minimumJob: "0.0005",
      currency: "ETH",
    },
  },
  {
    alias: "wren",
    region: "eu-central-1",
    dishonest: false,
    hardware: "16 cores, 64 GB",
    capabilities: {
      cpu: cpu(16, 2900),
      memory: { total: 64, type: "ddr4", speed: 3200 },
      storage: { type: "ssd", capacity: 1000, iops: 40_000 },
      network: { bandwidth: 1000, latency: 25 },
    },
    pricing: {
      cpu: { perCoreHour: "0.004" },
      memory: { perGBHour: "0.0001" },
      minimumJob: "0.0008",
      currency: "ETH",
    },
  },
];

/** Every node's bond: ten times the registry's minimum, so a slash shows and the node survives it. */
export const BOND_ETH = "1.0";

/** A registered machine: its spec, the client's Node, and the dev account that operates it. */
export type FleetNode = {
  readonly spec: MachineSpec;
  readonly node: Node;
  readonly id: string;
  /** Index of the operator's dev account. */
  readonly accountIndex: number;
};

/** The roots the fleet registers through: one per operator account. */
export type OperatorRoot = { node(): NodeBuilder };

/**
 * Registers every machine with its operator's root (`sandrun.node()…register()`), bonding
 * {@link BOND_ETH} each.
 */
export async function registerFleet(
  rootFor: (index: number) => OperatorRoot,
  firstAccount: number,
): Promise<FleetNode[]> {
  const fleet: FleetNode[] = [];
  for (const [i, spec] of FLEET.entries()) {
    const accountIndex = firstAccount + i;
    const node = await rootFor(i)
      .node()
      .alias(spec.alias)
      .capabilities(spec.capabilities)
      .region(spec.region)
      .pricing(spec.pricing)
      .bondAmount(BOND_ETH, "ETH")
      .register();
    fleet.push({ spec, node, id: node.id, accountIndex });
  }
  return fleet;
}
