/**
 * Pool.schedule(jobs, { post: true }) on Hardhat's chain with four in-process workers: the
 * assignments are posted as directed jobs in one transaction, each to exactly the nodes it was
 * assigned, offering each node its scheduled charge; the workers run them and every job
 * settles with consensus among its assigned nodes. Without `post` nothing is sent.
 */
import { expect } from "chai";
import { parseEther } from "viem";

import { JobBuilder, type Job } from "../../client/job/JobBuilder.ts";
import { jobCost } from "../../client/pool/cost.ts";
import type { Pool } from "../../client/pool/Pool.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import { deployWithWorkers, type WorkerFixture } from "../job/workers.ts";

describe("Pool.schedule with { post: true } and real workers", function () {
  this.timeout(60_000);
  let f: WorkerFixture;
  let pool: Pool;

  before(async () => {
    f = await deployWithWorkers({ count: 4 });
    pool = await new PoolBuilder(f.context).discover({ minNodes: 4, maxNodes: 4 }).consensus("2-of-3").join();
  });
  after(async () => {
    pool?.close();
    await f?.close();
  });

  it("posts each assignment to its nodes at their scheduled charge; the workers settle every job", async () => {
    const jobs: Job[] = await Promise.all(
      [1, 2, 3, 4].map((k) =>
        new JobBuilder()
          .code(`console.log(${k} * 11)`)
          .timeout(`${k * 30}s`)
          .build(),
      ),
    );
    const before = await f.publicClient.getBlockNumber();
    const plan = await pool.schedule(jobs);
    expect(await f.publicClient.getBlockNumber()).to.equal(before); // planning sends nothing
    expect(plan.executions).to.equal(undefined);

    // The lower bound, computed here: each job at its three cheapest members.
    const lower = jobs.reduce((sum, j) => {
      const costs = pool.records
        .map((r) => jobCost(r.prices, { gpus: 0, cpuCores: 1, memoryGb: j.memoryGb }, j.timeoutSeconds))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return sum + costs[0]! + costs[1]! + costs[2]!;
    }, 0n);
    expect(plan.lowerBound).to.equal(lower);
    expect(plan.totalCost * 100n <= lower * 105n).to.equal(true);

    // Post them all at once: more jobs than the workers run at a time, so a worker must keep a job
    // it is too busy for and take it when a running one finishes (not decline it for good).
    const toPost = jobs;
    const posted = await pool.schedule(toPost, { post: true });
    expect(posted.assignments).to.deep.equal(plan.assignments);
    expect(posted.executions).to.have.length(toPost.length);
    const txs = new Set<string>();
    let escrow = 0n;
    for (const [i, a] of posted.assignments.entries()) {
      const execution = posted.executions![i]!;
      const job = jobs[Number(a.jobId)]!;
      const events = await execution.events();
      const postedLog = events.find((e) => e.eventName === "JobPosted")!;
      const spec = events.find((e) => e.eventName === "JobSpec")!;
      txs.add(postedLog.transactionHash);
      expect(new Set(a.nodeIds).size).to.equal(3);
      expect([...(spec.args.nodes as bigint[])].sort()).to.deep.equal([...a.nodeIds].sort());
      expect(postedLog.args.specHash).to.equal(job.specHash);
      const cap = a.nodeCosts.reduce((x, y) => (y > x ? y : x), 0n);
      expect(postedLog.args.pricePerNode).to.equal(cap);
      expect((await f.market.read.job([BigInt(execution.id)])).directed).to.equal(true);
      escrow += cap * 3n;
    }
    expect(txs.size).to.equal(1); // one postJobs transaction
    const [tx] = [...txs];
    const receipt = await f.publicClient.getTransaction({ hash: tx as `0x${string}` });
    expect(receipt.value).to.equal(escrow);

    await f.startAll();
    for (const [i, a] of posted.assignments.entries()) {
      const result = await posted.executions![i]!.wait({ timeoutMs: 30_000 });
      expect(result.consensus, `job ${a.jobId}`).to.equal(true);
      const ids = result.results.map((r) => BigInt(r.nodeId)).sort();
      expect(ids).to.deep.equal([...a.nodeIds].sort());
      expect(new TextDecoder().decode(await posted.executions![i]!.download())).to.equal(
        `${(Number(a.jobId) + 1) * 11}\n`,
      );
    }
  });

  it("an explicit payment caps the charge: members it does not cover are not scheduled", async () => {
    const cheap = await new JobBuilder().code("console.log(0)").timeout("60s").payment("0.00001").build();
    const plan = await pool.schedule([cheap]);
    const covered = pool.records.filter(
      (r) =>
        jobCost(r.prices, { gpus: 0, cpuCores: 1, memoryGb: cheap.memoryGb }, 60) <= parseEther("0.00001"),
    ).length;
    if (covered >= 3) expect(plan.assignments).to.have.length(1);
    else {
      expect(plan.assignments).to.deep.equal([]);
      expect(plan.unassigned[0]!.jobId).to.equal("0");
    }
  });
});
