import { expect } from "chai";

import { main as simple } from "../../scripts/examples/simple-pool-discovery.ts";

describe("the design's pool patterns (scripts/examples)", () => {
  it("Simple Pool Discovery: a GPU pool under the price cap, and a job submitted to it", async () => {
    const { pool, execution, status } = await simple();
    expect(pool.records).to.have.length(1);
    expect(pool.records[0]!.capabilities.gpu.count).to.be.greaterThan(0);
    expect(pool.consensus).to.equal("majority-rule");
    expect(status.phase).to.equal("waiting-for-nodes");
    expect(status.job.poolId).to.equal(BigInt(pool.id));
    expect(execution.id).to.equal("1");
  });
});

import { main as highReliability } from "../../scripts/examples/high-reliability-pool.ts";

describe("High-Reliability Pool (scripts/examples)", () => {
  it("builds a 5-node BFT cryptographic pool of reputable a100 nodes and replaces a node that leaves", async () => {
    const { reliablePool, leaving, replacements, ids } = await highReliability();
    expect(reliablePool.consensus).to.equal("byzantine-fault-tolerant");
    expect(reliablePool.redundancy).to.equal(3);
    expect(reliablePool.verification).to.equal("cryptographic");
    expect(replacements).to.have.length(1);
    const members = reliablePool.records.map((r) => r.id.toString());
    expect(members).to.have.length(5);
    expect(members).to.not.include(leaving);
    expect(members).to.include(replacements[0]);
    expect(members).to.not.include(ids[6]); // eu-west-1 is never chosen
    for (const r of reliablePool.records) expect(r.reputationPpm).to.be.at.least(950_000);
  });
});

import { main as costOptimized } from "../../scripts/examples/cost-optimized-pool.ts";
import { main as specialized } from "../../scripts/examples/specialized-hardware-pool.ts";

describe("Cost-Optimized and Specialized Hardware Pools (scripts/examples)", () => {
  it("Cost-Optimized: spot pricing under 0.3 picks the budget node; schedule prices three jobs exactly", async () => {
    const { budgetPool, schedule } = await costOptimized();
    expect(budgetPool.consensus).to.equal("fastest-wins");
    expect(budgetPool.records).to.have.length(1);
    expect(budgetPool.records[0]!.capabilities.gpu.count).to.equal(4);
    expect(schedule.assignments).to.have.length(3);
    expect(schedule.unassigned).to.have.length(0);
    // each job: one GPU (0.01 ETH per GPU-hour) and the one core every job is metered at
    // (0.0001 ETH per core-hour) for 10 minutes, rounded up to the wei
    const perJob = ((10n ** 16n + 10n ** 14n) * 600n + 3599n) / 3600n;
    expect(schedule.totalCost).to.equal(3n * perJob);
    expect(schedule.totalCostFormatted).to.equal("0.005050000000000002");
    expect(schedule.tokenSymbol).to.equal("ETH");
    expect(schedule.makespan).to.equal(3 * 600);
  });

  it("Specialized Hardware: only the node meeting every requirement is chosen", async () => {
    const { specializedPool, matchId } = await specialized();
    expect(specializedPool.records.map((r) => r.id.toString())).to.deep.equal([matchId]);
    expect(specializedPool.requirements.region).to.equal("us-east-1");
    expect(specializedPool.requirements.minBandwidthMbps).to.equal(10000);
  });
});
