import { expect } from "chai";

import { InvalidCriteriaError } from "../../client/discovery/errors.ts";
import { compileQuery, failedFilters } from "../../client/discovery/filters.ts";
import type { NodeRecord, Query } from "../../client/discovery/types.ts";
import { NOW, USDC, eth, makeNode, options } from "./fixtures.ts";

/** Every criterion at once; the base node (makeNode) passes all of it. */
const EVERYTHING: Query = {
  criteria: {
    minNodes: 1,
    regions: ["us-east-1", "us-west-2"],
    capabilities: [
      {
        type: "gpu",
        specs: { type: "h100", memory: "80GB", interconnect: "nvlink", computeCapability: 8.9 },
      },
      { type: "storage", specs: { type: "nvme", capacity: "4TB", iops: 500000 } },
      { type: "cpu", specs: { architecture: "x86_64", cores: 16, threads: 32, frequency: 2500 } },
      { type: "memory", specs: { total: "256GB", type: "ddr5", speed: 3200 } },
      { type: "network", specs: { bandwidth: 10000, latency: 20 } },
    ],
    reputation: 0.95,
    latency: 10,
    availability: 0.99,
    pricing: { max: "1", currency: "ETH", model: "per-hour" },
  },
  filters: {
    nodes: ["1", 2n, "0x3"],
    regions: ["us-east-1"],
    minGPUs: { count: 4 },
    minMemory: 128,
    minBandwidth: 5000,
    maxCostPerHour: { amount: "0.8", token: "ETH" },
    preferredPricing: { strategy: "on-demand", maxPrice: "0.6" },
  },
};
const everything = compileQuery(EVERYTHING, { ...options, minFreeBond: eth("1") });

describe("discovery filters", () => {
  it("the base node passes every criterion at once", () => {
    expect(failedFilters(everything, makeNode(1))).to.deep.equal([]);
    // every filter of the query was compiled (liveness 3 + nodes + 2 region + 16 capability fields + 3 + 3 builder + 3 money)
    expect(everything.filters.length).to.equal(31);
  });

  // Each variant differs from the base node in ONE way and must be excluded for exactly that reason.
  const oneReason: [string, NodeRecord, string][] = [
    ["paused", makeNode(1, { status: "paused" }), "status"],
    ["unbonding", makeNode(1, { status: "unbonding" }), "status"],
    ["deregistered", makeNode(1, { status: "deregistered" }), "status"],
    ["stale heartbeat", makeNode(1, { lastSeen: NOW - 3601 }), "heartbeat"],
    ["too little free bond", makeNode(1, { freeBond: eth("0.5") }), "freeBond"],
    ["not in nodes(ids)", makeNode(4), "nodes"],
    ["region outside region()", makeNode(1, { capabilities: { region: "us-west-2" } }), "region"],
    ["gpu model", makeNode(1, { capabilities: { gpu: { model: "a100" } } }), "capabilities[0].gpu.type"],
    ["gpu memory", makeNode(1, { capabilities: { gpu: { memoryGb: 40 } } }), "capabilities[0].gpu.memory"],
    [
      "compute capability 8.0 < 8.9",
      makeNode(1, { capabilities: { gpu: { computeCapability: 80 } } }),
      "capabilities[0].gpu.computeCapability",
    ],
    [
      "interconnect",
      makeNode(1, { capabilities: { gpu: { interconnect: "infiniband" } } }),
      "capabilities[0].gpu.interconnect",
    ],
    [
      "storage type",
      makeNode(1, { capabilities: { storage: { type: "ssd" } } }),
      "capabilities[1].storage.type",
    ],
    [
      "storage 3999 GB < 4TB",
      makeNode(1, { capabilities: { storage: { gb: 3999 } } }),
      "capabilities[1].storage.capacity",
    ],
    ["iops", makeNode(1, { capabilities: { storage: { iops: 499_999 } } }), "capabilities[1].storage.iops"],
    [
      "arm64",
      makeNode(1, { capabilities: { cpu: { architecture: "arm64" } } }),
      "capabilities[2].cpu.architecture",
    ],
    ["cores", makeNode(1, { capabilities: { cpu: { cores: 15 } } }), "capabilities[2].cpu.cores"],
    ["threads", makeNode(1, { capabilities: { cpu: { threads: 31 } } }), "capabilities[2].cpu.threads"],
    ["frequency", makeNode(1, { capabilities: { cpu: { mhz: 2400 } } }), "capabilities[2].cpu.frequency"],
    ["memory total", makeNode(1, { capabilities: { memory: { gb: 200 } } }), "capabilities[3].memory.total"],
    [
      "memory type",
      makeNode(1, { capabilities: { memory: { type: "ddr4" } } }),
      "capabilities[3].memory.type",
    ],
    [
      "memory speed",
      makeNode(1, { capabilities: { memory: { speedMhz: 3000 } } }),
      "capabilities[3].memory.speed",
    ],
    [
      "bandwidth spec",
      makeNode(1, { capabilities: { network: { bandwidthMbps: 8000 } } }),
      "capabilities[4].network.bandwidth",
    ],
    ["latency 15 > 10", makeNode(1, { capabilities: { network: { latencyMs: 15 } } }), "latency"],
    ["reputation 0.94", makeNode(1, { reputationPpm: 940_000 }), "reputation"],
    ["availability 0.985", makeNode(1, { availabilityPpm: 985_000 }), "availability"],
    ["GPUs 3 < 4", makeNode(1, { capabilities: { gpu: { count: 3 } } }), "minGPUs"],
    // hourly = 4·0.13 + 32·0.001 + 512·0.0001 = 0.6032 > 0.6 (preferred) but <= 0.8 and 1
    [
      "hourly cost above preferred max",
      makeNode(1, { prices: { gpuHour: eth("0.13") } }),
      "preferredPricing",
    ],
  ];
  for (const [why, node, key] of oneReason) {
    it(`excludes a node for one reason: ${why}`, () => {
      expect(failedFilters(everything, node)).to.deep.equal([key]);
    });
  }

  // Filters that overlap in the query above are each checked alone: [query, passes, fails, key].
  const alone: [string, Query, NodeRecord, NodeRecord, string][] = [
    [
      "regions",
      { criteria: { regions: ["EU-West-1"] } },
      makeNode(1, { capabilities: { region: "eu-west-1" } }),
      makeNode(1),
      "regions",
    ],
    [
      "region(string[])",
      { filters: { regions: ["us-east-1", "us-west-2"] } },
      makeNode(1, { capabilities: { region: "us-west-2" } }),
      makeNode(1, { capabilities: { region: "eu-west-1" } }),
      "region",
    ],
    [
      "gpu count spec",
      { criteria: { capabilities: [{ type: "gpu", specs: { count: 4 } }] } },
      makeNode(1),
      makeNode(1, { capabilities: { gpu: { count: 3 } } }),
      "capabilities[0].gpu.count",
    ],
    [
      "minGPUs with type",
      { filters: { minGPUs: { count: 4, type: "A100" } } },
      makeNode(1, { capabilities: { gpu: { model: "a100" } } }),
      makeNode(1),
      "minGPUs",
    ],
    [
      "minMemory",
      { filters: { minMemory: 512 } },
      makeNode(1),
      makeNode(1, { capabilities: { memory: { gb: 511 } } }),
      "minMemory",
    ],
    [
      "minBandwidth",
      { filters: { minBandwidth: 25_000 } },
      makeNode(1),
      makeNode(1, { capabilities: { network: { bandwidthMbps: 24_999 } } }),
      "minBandwidth",
    ],
    [
      "network latency spec",
      { criteria: { capabilities: [{ type: "network", specs: { latency: 5 } }] } },
      makeNode(1),
      makeNode(1, { capabilities: { network: { latencyMs: 6 } } }),
      "capabilities[0].network.latency",
    ],
    // hourly of the base node: 0.4 + 0.032 + 0.0512 = 0.4832 ETH
    [
      "maxCostPerHour at the boundary",
      { filters: { maxCostPerHour: { amount: "0.4832" } } },
      makeNode(1),
      makeNode(1, { prices: { memoryGbHour: eth("0.0001") + 1n } }),
      "maxCostPerHour",
    ],
    [
      "maxCostPerHour in USDC",
      { filters: { maxCostPerHour: { amount: "2", token: "USDC" } } },
      makeNode(1, { prices: { token: USDC, gpuHour: 500_000n, cpuCoreHour: 0n, memoryGbHour: 0n } }),
      makeNode(1),
      "maxCostPerHour",
    ],
    [
      "pricing per-hour",
      { criteria: { pricing: { max: "0.4832", currency: "ETH", model: "per-hour" } } },
      makeNode(1),
      makeNode(1, { prices: { cpuCoreHour: eth("0.002") } }),
      "pricing",
    ],
    // per-job (1 h reference): max(0.02, 0.01 + 0.4832) = 0.4932
    [
      "pricing per-job",
      { criteria: { pricing: { max: "0.4932", currency: "ETH", model: "per-job" } } },
      makeNode(1),
      makeNode(1, { prices: { perJob: eth("0.0100001") } }),
      "pricing",
    ],
    [
      "pricing per-compute (GPU-hour)",
      { criteria: { pricing: { max: "0.1", currency: "ETH", model: "per-compute" } } },
      makeNode(1),
      makeNode(1, { prices: { gpuHour: eth("0.11") } }),
      "pricing",
    ],
    [
      "pricing per-compute (core-hour on a CPU node)",
      { criteria: { pricing: { max: "0.001", currency: "ETH", model: "per-compute" } } },
      makeNode(1, { capabilities: { gpu: { count: 0, model: "" } }, prices: { gpuHour: eth("9") } }),
      makeNode(1, { capabilities: { gpu: { count: 0, model: "" } }, prices: { cpuCoreHour: eth("0.002") } }),
      "pricing",
    ],
    [
      "pricing in another token excludes",
      { criteria: { pricing: { max: "1000", currency: "USDC", model: "per-hour" } } },
      makeNode(1, { prices: { token: USDC, gpuHour: 1n, cpuCoreHour: 0n, memoryGbHour: 0n } }),
      makeNode(1),
      "pricing",
    ],
    [
      "spot-pricing caps the price",
      { filters: { preferredPricing: { strategy: "spot-pricing", maxPrice: "0.3", token: "ETH" } } },
      makeNode(1, { prices: { gpuHour: eth("0.05") } }),
      makeNode(1),
      "preferredPricing",
    ],
    [
      "preferredPricing token from pricing.currency",
      {
        criteria: { pricing: { max: "5000", currency: "USDC", model: "per-hour" } },
        filters: { preferredPricing: { maxPrice: "100" } },
      },
      makeNode(1, { prices: { token: USDC, gpuHour: 10_000_000n, cpuCoreHour: 0n, memoryGbHour: 0n } }),
      makeNode(1, { prices: { token: USDC, gpuHour: 30_000_000n, cpuCoreHour: 0n, memoryGbHour: 0n } }),
      "preferredPricing",
    ],
    [
      "heartbeat age is configurable",
      { criteria: {} },
      makeNode(1, { lastSeen: NOW - 100 }),
      makeNode(1, { lastSeen: NOW - 101 }),
      "heartbeat",
    ],
  ];
  for (const [name, query, pass, fail, key] of alone) {
    it(`filter alone: ${name}`, () => {
      const o = name.startsWith("heartbeat") ? { ...options, maxHeartbeatAgeSeconds: 100 } : options;
      const q = compileQuery(query, o);
      expect(failedFilters(q, pass), "passing node").to.deep.equal([]);
      expect(failedFilters(q, fail), "failing node").to.deep.equal([key]);
    });
  }

  it("a node priced in another token fails every price cap, and only those", () => {
    const q = compileQuery(EVERYTHING, options);
    const usdcNode = makeNode(1, { prices: { token: USDC } });
    expect(failedFilters(q, usdcNode)).to.deep.equal(["pricing", "maxCostPerHour", "preferredPricing"]);
  });

  it("parses sizes exactly and rounds requirements up", () => {
    const q = (memory: string | number) =>
      compileQuery({ criteria: { capabilities: [{ type: "gpu", specs: { memory } }] } }, options);
    expect(q("80GB").filters.at(-1)?.required).to.equal(80);
    expect(q("1.5TB").filters.at(-1)?.required).to.equal(1500);
    expect(q("512MB").filters.at(-1)?.required).to.equal(1);
    expect(q("80GiB").filters.at(-1)?.required).to.equal(86); // 85.899… GB
    expect(q(24).filters.at(-1)?.required).to.equal(24);
  });

  it("rejects malformed criteria with InvalidCriteriaError naming the criterion", () => {
    const bad: [Query, string][] = [
      [
        { criteria: { capabilities: [{ type: "gpu", specs: { memory: "80 parsecs" } }] } },
        "capabilities[0].specs.memory",
      ],
      [{ criteria: { reputation: 1.5 } }, "reputation"],
      [{ criteria: { availability: 99 } }, "availability"],
      [{ criteria: { minNodes: 3, maxNodes: 2 } }, "maxNodes"],
      [{ criteria: { minNodes: -1 } }, "minNodes"],
      [
        { criteria: { pricing: { max: "0.1", currency: "ETH", model: "per-flop" as "per-job" } } },
        "pricing.model",
      ],
      [{ criteria: { pricing: { max: "0.1", currency: "DOGE", model: "per-hour" } } }, "pricing.max"],
      [{ filters: { minGPUs: { count: 0 } } }, "minGPUs.count"],
      [{ filters: { nodes: ["abc"] } }, "nodes[0]"],
      [{ filters: { regions: [] } }, "region"],
      [{ filters: { maxCostPerHour: { amount: "1e-30" } } }, "maxCostPerHour"],
      [{ filters: { preferredPricing: { strategy: "auction" as "reserved" } } }, "preferredPricing.strategy"],
    ];
    for (const [query, criterion] of bad) {
      try {
        compileQuery(query, options);
        expect.fail(`accepted ${JSON.stringify(query)}`);
      } catch (e) {
        expect(e).to.be.instanceOf(InvalidCriteriaError);
        expect((e as InvalidCriteriaError).criterion).to.equal(criterion);
      }
    }
  });
});

describe("discovery filters: capabilities given as a node's declared capabilities", () => {
  it("reads them as 'at least this' (the High-Reliability pattern's replacement search)", () => {
    const lost = {
      gpu: { type: "h100", memory: "80GB", count: 4, interconnect: "nvlink" as const },
      cpu: { cores: 32, threads: 64, frequency: 3000 },
      memory: { total: 512, type: "ddr5" as const, speed: 4800 },
      storage: { type: "nvme" as const, capacity: 8000, iops: 1_000_000 },
      network: { bandwidth: 25_000, latency: 5 },
    };
    const q = compileQuery({ criteria: { minNodes: 1, capabilities: lost } }, options);
    expect(failedFilters(q, makeNode(1))).to.deep.equal([]);
    expect(
      failedFilters(q, makeNode(2, { capabilities: { gpu: { count: 8 }, network: { latencyMs: 1 } } })),
    ).to.deep.equal([]);
    expect(failedFilters(q, makeNode(3, { capabilities: { gpu: { count: 2 } } }))).to.deep.equal([
      "capabilities[0].gpu.count",
    ]);
    expect(failedFilters(q, makeNode(4, { capabilities: { network: { latencyMs: 6 } } }))).to.deep.equal([
      "capabilities[4].network.latency",
    ]);
  });
});
