/**
 * Pool.distribute with each distribution strategy on Hardhat's chain: the nodes a directed job
 * is posted to (its JobSpec event) are the ones the strategy promises — cheapest, round-robin
 * rotation, least loaded by the pool's job history, fastest by declared latency, most reputable
 * — and several jobs go in one transaction. Jobs no member can run are refused with why.
 */
import { expect } from "chai";
import { keccak256, parseEther, toBytes } from "viem";

import { ValidationError } from "../../client/errors.ts";
import { JobBuilder, type Job } from "../../client/job/JobBuilder.ts";
import type { JobExecution } from "../../client/job/JobExecution.ts";
import { outputToDataUri } from "../../client/job/output.ts";
import { jobCost } from "../../client/pool/cost.ts";
import type { Pool } from "../../client/pool/Pool.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import { deploySandrun, type SeededNode } from "./fixture.ts";

describe("Pool.distribute strategies on Hardhat's chain", function () {
  this.timeout(60_000);
  let f: Awaited<ReturnType<typeof deploySandrun>>;
  let seeded: SeededNode[];
  let pool: Pool;
  let job: Job;

  before(async () => {
    f = await deploySandrun();
    // Prices fall with the id, latency rises with it: cheapest and fastest disagree.
    seeded = await f.seed(
      [5, 4, 3, 2, 1].map((k, i) => ({
        prices: { gpuHour: parseEther(`0.00${k}`) },
        caps: { latencyMs: 10 + 10 * i },
      })),
    );
    pool = await new PoolBuilder(f.context).discover({ minNodes: 5, maxNodes: 5 }).consensus("2-of-3").join();
    job = await new JobBuilder().code("console.log(1)").gpu(1).timeout("10m").payment("0.01").build();
  });
  after(() => pool?.close());

  const directedAt = async (e: JobExecution): Promise<bigint[]> => {
    const spec = (await e.events()).find((x) => x.eventName === "JobSpec")!;
    expect((await f.market.read.job([BigInt(e.id)])).directed).to.equal(true);
    return [...(spec.args.nodes as bigint[])].sort((a, b) => (a < b ? -1 : 1));
  };
  const ids = (...n: number[]) => n.map((i) => seeded[i - 1]!.id);

  it("cheapest: the three lowest job costs at the members' prices", async () => {
    const [e] = await pool.distribute(job, "cheapest");
    const cost = (s: SeededNode) =>
      jobCost(pool.records.find((r) => r.id === s.id)!.prices, { gpus: 1, cpuCores: 1, memoryGb: 1 }, 600);
    const expected = [...seeded]
      .sort((a, b) => (cost(a) < cost(b) ? -1 : cost(a) > cost(b) ? 1 : 0))
      .slice(0, 3)
      .map((s) => s.id)
      .sort();
    expect(await directedAt(e!)).to.deep.equal(expected);
    expect(expected).to.deep.equal(ids(3, 4, 5));
  });

  it("fastest: the three lowest declared latencies", async () => {
    const [e] = await pool.distribute(job, "fastest");
    expect(await directedAt(e!)).to.deep.equal(ids(1, 2, 3));
  });

  it("round-robin: successive jobs rotate through the members in id order; several jobs go in one transaction", async () => {
    const executions = await pool.distribute([job, job, job], "round-robin");
    expect(executions).to.have.length(3);
    const txs = new Set(
      await Promise.all(
        executions.map(
          async (e) => (await e.events()).find((x) => x.eventName === "JobPosted")!.transactionHash,
        ),
      ),
    );
    expect(txs.size).to.equal(1);
    expect(await directedAt(executions[0]!)).to.deep.equal(ids(1, 2, 3));
    expect(await directedAt(executions[1]!)).to.deep.equal(ids(1, 4, 5));
    expect(await directedAt(executions[2]!)).to.deep.equal(ids(2, 3, 4));
    const [next] = await pool.distribute(job, "round-robin");
    expect(await directedAt(next!)).to.deep.equal(ids(1, 2, 5));
  });

  it("least-loaded: members holding slots of unsettled jobs come last", async () => {
    // Nodes 1 and 2 take slots in the job the 'fastest' test directed at 1, 2, 3.
    const [busy] = await pool.distribute(job, "fastest");
    for (const s of seeded.slice(0, 2))
      await f.market.write.takeSlot([BigInt(busy!.id), s.id], { account: s.owner.account });
    const [e] = await pool.distribute(job, "least-loaded");
    expect(await directedAt(e!)).to.deep.equal(ids(3, 4, 5));
  });

  it("most-reputable: every chosen node's reputation is at least every other member's", async () => {
    // A 2-of-3 job where node 3 dissents: the settlement moves reputations apart.
    const [e] = await pool.distribute(job, "cheapest"); // nodes 3, 4, 5
    const good = toBytes("1\n");
    const bad = toBytes("2\n");
    const byId = new Map(seeded.map((s) => [s.id, s]));
    await f.report(byId.get(ids(4)[0]!)!, e!.id, keccak256(good), outputToDataUri(good));
    await f.report(byId.get(ids(5)[0]!)!, e!.id, keccak256(good), outputToDataUri(good));
    await f.report(byId.get(ids(3)[0]!)!, e!.id, keccak256(bad), outputToDataUri(bad));
    expect((await e!.wait({ timeoutMs: 10_000 })).consensus).to.equal(true);
    await pool.refresh();
    const rep = new Map(pool.records.map((r) => [r.id, r.reputationPpm]));
    expect(new Set(rep.values()).size).to.be.greaterThan(1); // the settlement did move them
    const [m] = await pool.distribute(job, "most-reputable");
    const chosen = await directedAt(m!);
    const others = pool.records.map((r) => r.id).filter((id) => !chosen.includes(id));
    const lowestChosen = Math.min(...chosen.map((id) => rep.get(id)!));
    for (const id of others) expect(rep.get(id)!, `node ${id}`).to.be.at.most(lowestChosen);
  });

  it("refuses a job too few members can run, saying why for each, and an unknown strategy", async () => {
    const big = await new JobBuilder().code("x").gpu(9).payment("1").build();
    const e = await pool.distribute(big).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ValidationError);
    const issues = (e as ValidationError).issues;
    expect(issues).to.have.length(5);
    for (const i of issues) expect(i.message).to.match(/has 8 GPUs, job needs 9/);
    const poor = await new JobBuilder().code("x").gpu(1).timeout("10m").payment("0.0001").build();
    const p = await pool.distribute(poor).catch((x: unknown) => x);
    expect(
      (p as ValidationError).issues.every((i) => /job would cost \d+, job pays/.test(i.message)),
    ).to.equal(true);
    const u = await pool.distribute(job, "random" as never).catch((x: unknown) => x);
    expect((u as ValidationError).issues[0]!.field).to.equal("strategy");
  });
});
