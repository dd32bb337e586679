import { expect } from "chai";

import { CriteriaUnmetError } from "../../client/discovery/errors.ts";
import { evaluate } from "../../client/discovery/evaluate.ts";
import { rankNodes } from "../../client/discovery/rank.ts";
import { ETH, USDC, eth, makeNode, options } from "./fixtures.ts";

const a100 = (id: number, count: number) => makeNode(id, { capabilities: { gpu: { model: "a100", count } } });

describe("discovery evaluate: explanations", () => {
  const registry = [
    a100(1, 4),
    a100(2, 8),
    a100(3, 2),
    a100(4, 2),
    a100(5, 1),
    makeNode(6, { capabilities: { gpu: { model: "h100", count: 8 } } }),
    makeNode(7, { status: "paused", capabilities: { gpu: { model: "a100", count: 8 } } }),
  ];

  it("names the binding criterion and how close it came", () => {
    const r = evaluate(
      { criteria: { minNodes: 5 }, filters: { minGPUs: { count: 4, type: "a100" } } },
      registry,
      options,
    );
    expect(r.satisfied).to.equal(false);
    expect(r.matched).to.equal(2);
    expect(r.nodes.map((n) => n.node.id)).to.have.members([1n, 2n]);
    const gpus = r.criteria.find((c) => c.key === "minGPUs");
    expect(gpus).to.include({ passed: 3, nearMisses: 4, passedWithoutIt: 6, bestNearMiss: 2, required: 4 });
    const status = r.criteria.find((c) => c.key === "status");
    expect(status).to.include({ passed: 6, nearMisses: 1 }); // the paused a100x8 fails only status
    expect(r.shortfall?.binding?.key).to.equal("minGPUs");
    expect(r.shortfall?.message).to.equal(
      "minGPUs(4, 'a100'): 2 of 5 required nodes match; without it 6 would; best near miss 2 vs 4 required (a100 GPUs)",
    );
    const err = new CriteriaUnmetError(r.shortfall!);
    expect(err).to.include({
      name: "CriteriaUnmetError",
      required: 5,
      found: 2,
      criterion: "minGPUs",
      withoutIt: 6,
      best: 2,
      requiredValue: 4,
    });
    expect(err.shortMessage).to.equal("Discovery criteria cannot be met: 2 of 5 required nodes.");
  });

  it("picks the criterion whose removal helps most when several exclude nodes", () => {
    const nodes = [
      makeNode(1),
      makeNode(2, { reputationPpm: 500_000 }),
      makeNode(3, { capabilities: { network: { latencyMs: 50 } } }),
      makeNode(4, { capabilities: { network: { latencyMs: 40 } } }),
      makeNode(5, { capabilities: { network: { latencyMs: 30 } } }),
    ];
    const r = evaluate({ criteria: { minNodes: 3, reputation: 0.9, latency: 20 } }, nodes, options);
    expect(r.shortfall?.binding?.key).to.equal("latency");
    expect(r.shortfall?.binding?.bestNearMiss).to.equal(30); // lowest latency among near misses
    expect(r.shortfall?.found).to.equal(1);
  });

  it("reports a registry that is simply too small", () => {
    const r = evaluate({ criteria: { minNodes: 3 } }, [makeNode(1)], options);
    expect(r.shortfall?.binding).to.equal(undefined);
    expect(r.shortfall?.message).to.match(/only 1 nodes are known/);
  });

  it("cuts to maxNodes after ranking and is satisfied at minNodes", () => {
    const nodes = [1, 2, 3, 4].map((i) => makeNode(i, { prices: { gpuHour: eth(`0.${i}`) } }));
    const r = evaluate({ criteria: { minNodes: 2, maxNodes: 2 } }, nodes, options);
    expect(r.satisfied).to.equal(true);
    expect(r.matched).to.equal(4);
    expect(r.nodes.map((n) => n.node.id)).to.deep.equal([1n, 2n]);
  });
});

describe("discovery ranking", () => {
  it("orders by the weighted score, ties by ascending id", () => {
    const nodes = [
      makeNode(9, { prices: { gpuHour: eth("0.2") } }),
      makeNode(3, { prices: { gpuHour: eth("0.2") } }),
      makeNode(5, { prices: { gpuHour: eth("0.1") } }),
    ];
    expect(rankNodes(nodes, { price: 1, reputation: 0, latency: 0 }).map((r) => r.node.id)).to.deep.equal([
      5n,
      3n,
      9n,
    ]);
  });

  it("weights trade price against reputation and latency", () => {
    const cheap = makeNode(1, {
      prices: { gpuHour: eth("0.1") },
      reputationPpm: 600_000,
      capabilities: { network: { latencyMs: 80 } },
    });
    const good = makeNode(2, {
      prices: { gpuHour: eth("0.3") },
      reputationPpm: 990_000,
      capabilities: { network: { latencyMs: 2 } },
    });
    expect(rankNodes([cheap, good], { price: 1, reputation: 0, latency: 0 })[0]?.node.id).to.equal(1n);
    expect(rankNodes([cheap, good], { price: 0, reputation: 1, latency: 0 })[0]?.node.id).to.equal(2n);
    expect(rankNodes([cheap, good], { price: 0, reputation: 0, latency: 1 })[0]?.node.id).to.equal(2n);
    // default: 50·P + 30·R + 20·L: cheap = 50e6 + 18e6 + 0; good = 0 + 29.7e6 + 20e6
    expect(
      rankNodes([cheap, good], { price: 50, reputation: 30, latency: 20 }).map((r) => r.score),
    ).to.deep.equal([68_000_000, 49_700_000]);
  });

  it("spot-pricing ranks by price alone; prices in different tokens are normalised per token", () => {
    const nodes = [
      makeNode(1, { prices: { gpuHour: eth("0.3") }, reputationPpm: 1_000_000 }),
      makeNode(2, { prices: { gpuHour: eth("0.1") }, reputationPpm: 0 }),
      makeNode(3, { prices: { token: USDC, gpuHour: 1n, cpuCoreHour: 0n, memoryGbHour: 0n } }),
    ];
    const r = evaluate({ filters: { preferredPricing: { strategy: "spot-pricing" } } }, nodes, options);
    // USDC node is alone in its token: full price score, lowest id among the top scores wins the tie
    expect(r.nodes.map((n) => n.node.id)).to.deep.equal([2n, 3n, 1n]);
    expect(r.nodes.map((n) => n.node.prices.token)).to.deep.equal([ETH, USDC, ETH]);
  });
});
