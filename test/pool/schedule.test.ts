import { expect } from "chai";
import fc from "fast-check";

import { InvalidScheduleInputError, MixedPriceTokensError } from "../../client/discovery/errors.ts";
import { argsort } from "../../client/pool/schedule-market.ts";
import { makespan, schedule } from "../../client/pool/schedule.ts";
import type { ScheduleJob, ScheduleNode, ScheduleResult } from "../../client/pool/schedule-types.ts";
import {
  ETH,
  bruteLowerBound,
  contendedArb,
  costAt,
  eligible,
  jobArb,
  maxFlow,
  nodeArb,
  toJobs,
  toNodes,
} from "./schedule-helpers.ts";

/** Every invariant a schedule must satisfy, checked against independent reference code. */
function checkValid(jobs: ScheduleJob[], nodes: ScheduleNode[], result: ScheduleResult): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const load = new Map<bigint, number>();
  let total = 0n;
  let lower = 0n;
  const seen = new Set<string>();
  for (const a of result.assignments) {
    const job = jobById.get(a.jobId)!;
    expect(seen.has(a.jobId), "job assigned once").to.equal(false);
    seen.add(a.jobId);
    expect(a.nodeIds.length, "redundancy").to.equal(job.redundancy);
    expect(new Set(a.nodeIds).size, "distinct nodes").to.equal(a.nodeIds.length);
    a.nodeIds.forEach((id, k) => {
      const node = byId.get(id)!;
      expect(eligible(job, node), `node ${id} eligible for ${job.id}`).to.equal(true);
      expect(a.nodeCosts[k], "exact node cost").to.equal(costAt(job, node));
      load.set(id, (load.get(id) ?? 0) + job.durationSeconds);
    });
    expect(a.cost).to.equal(a.nodeCosts.reduce((s, c) => s + c, 0n));
    total += a.cost;
    const lb = bruteLowerBound(job, nodes);
    expect(lb, "assigned job has a lower bound").to.not.equal(undefined);
    lower += lb!;
  }
  for (const u of result.unassigned) {
    expect(seen.has(u.jobId), "job either assigned or unassigned").to.equal(false);
    seen.add(u.jobId);
    const job = jobById.get(u.jobId)!;
    const count = nodes.filter((n) => eligible(job, n)).length;
    expect(u.eligible, "eligible count").to.equal(count);
    expect(u.reason).to.equal(
      count === 0 ? "no-eligible-nodes" : count < job.redundancy ? "too-few-eligible-nodes" : "capacity",
    );
  }
  expect(seen.size, "every job accounted for").to.equal(jobs.length);
  for (const [id, l] of load)
    expect(l, `capacity of node ${id}`).to.be.at.most(byId.get(id)!.capacitySeconds ?? Infinity);
  expect(result.totalCost).to.equal(total);
  expect(result.lowerBound).to.equal(lower);
  expect(result.totalCost >= result.lowerBound).to.equal(true);
  // makespan: at least each node's load spread evenly over its slots, at most that plus its longest job (LPT)
  let minSpan = 0;
  let maxSpan = 0;
  for (const [id, l] of load) {
    const node = byId.get(id)!;
    const longest = Math.max(
      ...result.assignments
        .filter((a) => a.nodeIds.includes(id))
        .map((a) => jobById.get(a.jobId)!.durationSeconds),
    );
    minSpan = Math.max(minSpan, l / (node.slots ?? 1), longest);
    maxSpan = Math.max(maxSpan, l / (node.slots ?? 1) + longest);
  }
  expect(result.makespanSeconds).to.be.at.least(minSpan).and.at.most(maxSpan);
}

describe("schedule", () => {
  it("places a small instance at its cheapest distinct nodes (worked example)", () => {
    const prices = (gpuHour: bigint, perJob = 0n, minimumJob = 0n) => ({
      token: ETH,
      gpuHour,
      cpuCoreHour: 1n,
      memoryGbHour: 0n,
      storageGbHour: 0n,
      networkGb: 0n,
      perJob,
      minimumJob,
    });
    const nodes: ScheduleNode[] = [
      {
        id: 1n,
        gpu: { model: "a100", count: 2 },
        cpuCores: 8,
        memoryGb: 64,
        region: "x",
        prices: prices(3600n),
      },
      {
        id: 2n,
        gpu: { model: "a100", count: 1 },
        cpuCores: 8,
        memoryGb: 64,
        region: "x",
        prices: prices(1800n, 5n),
      },
      {
        id: 3n,
        gpu: { model: "h100", count: 4 },
        cpuCores: 8,
        memoryGb: 64,
        region: "y",
        prices: prices(36n, 0n, 5000n),
      },
      {
        id: 4n,
        gpu: { model: "a100", count: 4 },
        cpuCores: 8,
        memoryGb: 64,
        region: "x",
        prices: prices(7200n),
        capacitySeconds: 1000,
      },
    ];
    const jobs: ScheduleJob[] = [
      // 1 GPU + 2 cores for 1800 s: node 1: ⌈(3600+2)·0.5⌉ = 1801; node 2: 5 + ⌈(1800+2)·0.5⌉ = 906; node 3: max(5000, 19) = 5000; node 4 too small a capacity
      { id: "a", redundancy: 2, durationSeconds: 1800, requirements: { gpus: 1, cpuCores: 2 } },
      { id: "b", redundancy: 1, durationSeconds: 60, requirements: { gpus: 3 } }, // nodes 3 (5000) or 4 (360)
      { id: "c", redundancy: 1, durationSeconds: 60, requirements: { gpuModel: "tpu" } },
      { id: "d", redundancy: 5, durationSeconds: 60, requirements: {} },
    ];
    const r = schedule(jobs, nodes);
    expect(r.assignments).to.deep.equal([
      { jobId: "a", nodeIds: [2n, 1n], nodeCosts: [906n, 1801n], cost: 2707n },
      { jobId: "b", nodeIds: [4n], nodeCosts: [360n], cost: 360n },
    ]);
    expect(r.unassigned).to.deep.equal([
      { jobId: "c", reason: "no-eligible-nodes", eligible: 0, required: 1 },
      { jobId: "d", reason: "too-few-eligible-nodes", eligible: 4, required: 5 },
    ]);
    expect(r.totalCost).to.equal(3067n);
    expect(r.lowerBound).to.equal(3067n);
    expect(r.makespanSeconds).to.equal(1800);
    expect(r.token).to.equal(ETH);
  });

  it("moves placed jobs to make room (augmenting path) instead of giving up", () => {
    const p = {
      token: ETH,
      gpuHour: 0n,
      cpuCoreHour: 0n,
      memoryGbHour: 0n,
      storageGbHour: 0n,
      networkGb: 0n,
      perJob: 0n,
      minimumJob: 0n,
    };
    const nodes: ScheduleNode[] = [
      {
        id: 1n,
        gpu: { model: "a100", count: 1 },
        cpuCores: 2,
        memoryGb: 1,
        region: "x",
        prices: { ...p, perJob: 1n },
        capacitySeconds: 100,
      },
      {
        id: 2n,
        gpu: { model: "", count: 0 },
        cpuCores: 2,
        memoryGb: 1,
        region: "x",
        prices: { ...p, perJob: 2n },
        capacitySeconds: 100,
      },
      {
        id: 3n,
        gpu: { model: "a100", count: 1 },
        cpuCores: 1,
        memoryGb: 1,
        region: "x",
        prices: p,
        capacitySeconds: 50,
      },
    ];
    // Both jobs have one spare node by capabilities, so "any" goes first (id order) and takes the
    // cheap node 1; "gpu" then finds node 1 full and node 3 too small, and must move "any" to node 2.
    const jobs: ScheduleJob[] = [
      { id: "any", redundancy: 1, durationSeconds: 100, requirements: { cpuCores: 2 } },
      { id: "gpu", redundancy: 1, durationSeconds: 100, requirements: { gpus: 1 } },
    ];
    const r = schedule(jobs, nodes);
    expect(r.unassigned).to.deep.equal([]);
    expect(r.assignments.map((a) => [a.jobId, a.nodeIds])).to.deep.equal([
      ["any", [2n]],
      ["gpu", [1n]],
    ]);
    expect(r.totalCost).to.equal(3n);
    expect(r.lowerBound).to.equal(2n);
  });

  it("keeps every invariant on random instances (distinct eligible nodes, capacity, exact cost, lower bound, reasons)", () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb(), { minLength: 0, maxLength: 8 }),
        fc.array(jobArb(), { minLength: 0, maxLength: 15 }),
        (rn, rj) => {
          const nodes = toNodes(rn);
          const jobs = toJobs(rj);
          checkValid(jobs, nodes, schedule(jobs, nodes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reaches the lower bound exactly when capacity is ample (huge prices included)", () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb(), { minLength: 1, maxLength: 10 }),
        fc.array(jobArb(), { minLength: 1, maxLength: 20 }),
        (rn, rj) => {
          const nodes = toNodes(rn).map((n) => ({ ...n, capacitySeconds: undefined }) as ScheduleNode);
          nodes.forEach((n) => delete n.capacitySeconds);
          const jobs = toJobs(rj);
          const r = schedule(jobs, nodes);
          checkValid(jobs, nodes, r);
          expect(r.totalCost).to.equal(r.lowerBound);
          expect(r.unassigned.every((u) => u.reason !== "capacity")).to.equal(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves jobs unassigned only when no assignment exists (equal durations, checked by max-flow)", () => {
    const d = 3600;
    fc.assert(
      fc.property(
        fc.array(nodeArb({ unitDuration: d }), { minLength: 2, maxLength: 6 }),
        fc.array(jobArb({ unitDuration: d }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (rn, rj, loose) => {
          const nodes = toNodes(rn);
          // Half the runs drop the rarer requirements so many jobs compete for the same nodes.
          const jobs = toJobs(
            loose
              ? rj.map((x) => ({
                  ...x,
                  gpuModel: undefined,
                  cpuCores: 0,
                  memoryGb: 0,
                  maxPricePerNode: undefined,
                }))
              : rj,
          );
          const r = schedule(jobs, nodes);
          checkValid(jobs, nodes, r);
          const units = nodes.map((n) =>
            n.capacitySeconds === undefined ? jobs.length : n.capacitySeconds / d,
          );
          const demand = jobs.reduce((s, j) => s + j.redundancy, 0);
          if (maxFlow(jobs, nodes, units) === demand)
            expect(r.unassigned, "feasible instance fully placed").to.deep.equal([]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("fully places every feasible contended instance (max-flow oracle; fails without the repair)", () => {
    fc.assert(
      fc.property(contendedArb(100), ({ nodes, jobs, units }) => {
        const r = schedule(jobs, nodes);
        checkValid(jobs, nodes, r);
        const demand = jobs.reduce((s, j) => s + j.redundancy, 0);
        if (maxFlow(jobs, nodes, units) === demand) expect(r.unassigned).to.deep.equal([]);
      }),
      { numRuns: 4000 },
    );
  });

  it("places as many single-replica jobs as max-flow says can be placed", () => {
    const d = 600;
    fc.assert(
      fc.property(
        fc.array(nodeArb({ unitDuration: d }), { minLength: 1, maxLength: 7 }),
        fc.array(jobArb({ unitDuration: d, redundancy: 1 }), { minLength: 1, maxLength: 16 }),
        (rn, rj) => {
          const nodes = toNodes(rn);
          const jobs = toJobs(rj);
          const r = schedule(jobs, nodes);
          checkValid(jobs, nodes, r);
          const units = nodes.map((n) =>
            n.capacitySeconds === undefined ? jobs.length : n.capacitySeconds / d,
          );
          expect(r.assignments.length).to.equal(maxFlow(jobs, nodes, units));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("stays within 5% of the lower bound on a 2,000-job instance with ample capacity", async () => {
    const { instance } = await import("../../scripts/bench/schedule-instance.ts");
    const { nodes, jobs } = instance(200, 2000, 99);
    const r = schedule(jobs, nodes);
    expect(r.assignments.length + r.unassigned.length).to.equal(2000);
    expect(Number((r.totalCost * 1000n) / r.lowerBound)).to.be.at.most(1050);
  });

  it("rejects bad input and mixed price tokens with typed errors", () => {
    const node: ScheduleNode = {
      id: 1n,
      gpu: { model: "", count: 0 },
      cpuCores: 1,
      memoryGb: 1,
      region: "x",
      prices: {
        token: ETH,
        gpuHour: 0n,
        cpuCoreHour: 0n,
        memoryGbHour: 0n,
        storageGbHour: 0n,
        networkGb: 0n,
        perJob: 0n,
        minimumJob: 0n,
      },
    };
    const job: ScheduleJob = { id: "a", redundancy: 1, durationSeconds: 1, requirements: {} };
    const bad: [ScheduleJob[], ScheduleNode[], string][] = [
      [[{ ...job, redundancy: 0 }], [node], "jobs[0].redundancy"],
      [[{ ...job, durationSeconds: 1.5 }], [node], "jobs[0].durationSeconds"],
      [[job, job], [node], "jobs[1].id"],
      [[{ ...job, requirements: { gpus: -1 } }], [node], "jobs[0].requirements.gpus"],
      [[{ ...job, maxPricePerNode: -1n }], [node], "jobs[0].maxPricePerNode"],
      [[job], [node, node], "nodes[1].id"],
      [[job], [{ ...node, slots: 0 }], "nodes[0].slots"],
    ];
    for (const [jobs, nodes, field] of bad) {
      expect(() => schedule(jobs, nodes))
        .to.throw(InvalidScheduleInputError)
        .with.property("field", field);
    }
    const usdc = {
      ...node,
      id: 2n,
      prices: { ...node.prices, token: "0x00000000000000000000000000000000000000c0" as const },
    };
    expect(() => schedule([job], [node, usdc])).to.throw(MixedPriceTokensError);
    const r = schedule([job], [node, usdc], { token: usdc.prices.token });
    expect(r.assignments[0]?.nodeIds).to.deep.equal([2n]);
  });

  it("argsort orders indices by value, ties by index", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 40 }), (xs) => {
        const expected = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
        expect([...argsort(Float64Array.from(xs))]).to.deep.equal(expected);
      }),
    );
  });

  it("computes makespan by packing longest jobs first onto slots", () => {
    const node = { slots: 2 } as ScheduleNode;
    expect(makespan([node], [[0, 1, 2]], Float64Array.from([3, 2, 2]))).to.equal(4);
    expect(makespan([{ ...node, slots: 1 }], [[0, 1, 2]], Float64Array.from([3, 2, 2]))).to.equal(7);
  });
});
