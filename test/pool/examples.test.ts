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
