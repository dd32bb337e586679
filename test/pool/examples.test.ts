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
