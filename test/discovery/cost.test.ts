import { expect } from "chai";

import { MixedPriceTokensError } from "../../client/discovery/errors.ts";
import {
  ceilDiv,
  computeUnitPrice,
  estimatePoolCost,
  hourlyRate,
  jobCost,
  nodeHourlyCost,
  priceUnder,
} from "../../client/pool/cost.ts";
import { USDC, eth, makeNode } from "./fixtures.ts";

describe("cost definitions", () => {
  const node = makeNode(1); // 4 GPUs @0.1, 32 cores @0.001, 512 GB @0.0001, 8000 GB storage @0.00001; perJob 0.01, min 0.02

  it("node cost per hour = whole machine's GPUs, cores and memory; storage excluded", () => {
    expect(nodeHourlyCost(node)).to.equal(eth("0.4832"));
    expect(hourlyRate(node.prices, { gpus: 4, cpuCores: 32, memoryGb: 512, storageGb: 8000 })).to.equal(
      eth("0.5632"),
    );
  });

  it("job cost = max(minimumJob, perJob + ceil(rate * seconds / 3600))", () => {
    expect(jobCost(node.prices, { gpus: 1 }, 3600)).to.equal(eth("0.11"));
    expect(jobCost(node.prices, { gpus: 1 }, 1)).to.equal(eth("0.02")); // 0.01 + 0.0000277… < minimum 0.02
    // rounding up: rate 7 wei/h for 1 s = 7/3600 wei -> 1 wei
    const tiny = { ...node.prices, gpuHour: 7n, perJob: 0n, minimumJob: 0n };
    expect(jobCost(tiny, { gpus: 1 }, 1)).to.equal(1n);
    expect(jobCost(tiny, { gpus: 1 }, 0)).to.equal(0n);
    expect(() => jobCost(tiny, { gpus: 1 }, 1.5)).to.throw(RangeError);
    expect(ceilDiv(7n, 2n)).to.equal(4n);
    expect(ceilDiv(0n, 2n)).to.equal(0n);
  });

  it("prices under each pricing model", () => {
    expect(priceUnder("per-hour", node)).to.equal(eth("0.4832"));
    expect(priceUnder("per-job", node, 1800)).to.equal(eth("0.01") + eth("0.2416"));
    expect(priceUnder("per-compute", node)).to.equal(eth("0.1"));
    const cpuOnly = makeNode(2, { capabilities: { gpu: { count: 0, model: "" } } });
    expect(computeUnitPrice(cpuOnly)).to.equal(eth("0.001"));
  });

  it("estimates a pool: hourly sum, and one job at its redundancy cheapest members", () => {
    const a = makeNode(1);
    const b = makeNode(2, { prices: { gpuHour: eth("0.2") } });
    const c = makeNode(3, { prices: { gpuHour: eth("0.05") } });
    const e = estimatePoolCost([a, b, c], { redundancy: 2, jobSeconds: 3600, shape: { gpus: 1 } });
    expect(e.perHour).to.equal(eth("1.6496")); // 0.4832 + 0.8832 + 0.2832
    expect(e.perJob).to.equal(eth("0.06") + eth("0.11")); // c: 0.01 + 0.05, a: 0.01 + 0.1
    expect(e.redundancyMet).to.equal(true);
    expect(e.nodes.map((n) => n.id)).to.deep.equal([1n, 2n, 3n]);
    expect(estimatePoolCost([a], { redundancy: 3 }).redundancyMet).to.equal(false);
    expect(() => estimatePoolCost([a, makeNode(4, { prices: { token: USDC } })])).to.throw(
      MixedPriceTokensError,
    );
  });
});
