import { expect } from "chai";
import { keccak256, parseEther, toBytes, zeroAddress, type Hex } from "viem";

import { CriteriaUnmetError } from "../../client/discovery/errors.ts";
import { ValidationError } from "../../client/errors.ts";
import { JobBuilder } from "../../client/job/JobBuilder.ts";
import { outputToDataUri } from "../../client/job/output.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import type { Pool } from "../../client/pool/Pool.ts";
import { signReport } from "../../client/proofs/sign.ts";
import { deploySandrun } from "./fixture.ts";

const out = (text: string) => ({
  bytes: toBytes(text),
  digest: keccak256(toBytes(text)),
  uri: outputToDataUri(toBytes(text)),
});

describe("PoolBuilder (immutable state)", () => {
  it("every method returns a new frozen builder and leaves the old one unchanged", () => {
    const b0 = new PoolBuilder({} as never);
    const b1 = b0.discover({ minNodes: 2 }).region(["us-east-1", "us-west-2"]).minGPUs(4, "a100");
    const b2 = b1.minMemory(64).minBandwidth(1000).consensus("byzantine-fault-tolerant").redundancy(3);
    const b3 = b2
      .verification("cryptographic")
      .maxCostPerHour("1.0", "ETH")
      .preferredPricing({ strategy: "spot-pricing", maxPrice: "0.3" });
    const b4 = b3.nodes(["1", "2"]);
    expect(
      Object.isFrozen(b0) &&
        Object.isFrozen(b4) &&
        Object.isFrozen(b4.state) &&
        Object.isFrozen(b4.state.filters),
    ).to.equal(true);
    expect(b0.state).to.deep.equal({ filters: {} });
    expect(b1.state.filters).to.deep.equal({
      regions: ["us-east-1", "us-west-2"],
      minGPUs: { count: 4, type: "a100" },
    });
    expect(b2.state.consensus).to.equal("byzantine-fault-tolerant");
    expect(b1.state.consensus).to.equal(undefined);
    expect(b4.state.filters.nodes).to.deep.equal(["1", "2"]);
    expect(b3.state.filters.nodes).to.equal(undefined);
    expect(() => b0.minGPUs(0)).to.throw(/minGPUs/);
    expect(() => b0.redundancy(17)).to.throw(/redundancy/);
    expect(() => b0.consensus("nope" as never)).to.throw(/consensus/);
  });

  it("JobBuilder is immutable too and builds a content-addressed spec (js by default)", async () => {
    const j0 = new JobBuilder();
    const j1 = j0.code("gpu_computation()");
    expect(j0.state.code).to.equal(undefined);
    expect(Object.isFrozen(j1)).to.equal(true);
    const job = await j1.timeout("30s").memory("512MB").gpu({ count: 1, type: "a100" }).args(["x"]).build();
    expect(job.spec.runtime).to.equal("js");
    expect(job.spec.limits).to.deep.equal({ timeoutMs: 30_000, memoryMb: 512, maxOutputBytes: 1024 * 1024 });
    expect(job.specHash).to.equal(keccak256(job.specBytes));
    expect(job.resources).to.equal(1n | (512n << 8n) | (30n << 40n));
    await j0.build().then(
      () => expect.fail("built without code"),
      (e: unknown) => expect(e).to.be.instanceOf(ValidationError),
    );
    await j1
      .consensus("2-of-3")
      .redundancy(5)
      .build()
      .then(
        () => expect.fail("2-of-3 with 5"),
        (e: unknown) => expect((e as ValidationError).issues[0]!.field).to.equal("redundancy"),
      );
  });
});

describe("PoolBuilder filters on a seeded registry", () => {
  it("each excluded node fails exactly one filter; estimate sends nothing; join says which criterion binds", async () => {
    const f = await deploySandrun();
    const [good1, good2] = await f.seed([{}, { caps: { region: "us-west-2" } }]);
    // One reason each:
    const excluded = await f.seed([
      { pause: true }, // status
      { caps: { region: "eu-west-1" } }, // region
      { caps: { gpuCount: 2 } }, // minGPUs count
      { caps: { gpuModel: "h100" } }, // minGPUs type
      { caps: { memoryGB: 32 } }, // minMemory
      { caps: { bandwidthMbps: 100 } }, // minBandwidth
      { prices: { gpuHour: parseEther("1") } }, // maxCostPerHour
      { caps: { latencyMs: 500 } }, // latency
      { caps: { storageType: 2 } }, // capabilities[0] storage type
    ]);
    const builder = new PoolBuilder(f.context)
      .discover({ maxNodes: 10, latency: 100, capabilities: [{ type: "storage", specs: { type: "nvme" } }] })
      .region(["us-east-1", "us-west-2"])
      .minGPUs(4, "a100")
      .minMemory(64)
      .minBandwidth(1000)
      .maxCostPerHour("1.0", "ETH")
      .consensus("fastest-wins"); // n = 1, so two matches are enough
    const before = await f.publicClient.getBlockNumber();
    const est = await builder.estimate();
    expect(await f.publicClient.getBlockNumber()).to.equal(before); // no transaction
    expect(est.matched).to.equal(2);
    expect([...est.nodes].sort()).to.deep.equal([good1!.id, good2!.id].map(String).sort());
    expect(est.feasible).to.equal(true);
    expect(est.token).to.equal("ETH");
    for (const c of est.criteria) {
      if (c.key === "heartbeat") continue;
      // every criterion that excludes someone excludes exactly one node, alone (minGPUs covers
      // both the count and the model, so two)
      if (c.passed < 11) expect(c.nearMisses, c.key).to.equal(c.key === "minGPUs" ? 2 : 1);
    }
    const keys = est.criteria
      .filter((c) => c.passed < 11)
      .map((c) => c.key)
      .sort();
    expect(keys).to.deep.equal([
      "capabilities[0].storage.type",
      "latency",
      "maxCostPerHour",
      "minBandwidth",
      "minGPUs",
      "minMemory",
      "region",
      "status",
    ]);
    expect(excluded).to.have.length(9);

    const err = await builder
      .discover({ minNodes: 5, latency: 100 })
      .join()
      .then(
        () => expect.fail("joined"),
        (e: unknown) => e as CriteriaUnmetError,
      );
    expect(err).to.be.instanceOf(CriteriaUnmetError);
    expect(err.required).to.equal(5);
    expect(err.found).to.equal(3); // discover() replaced the criteria: the hdd node matches again
    expect(err.criterion).to.be.a("string");
  });
});

describe("Pool against Hardhat's chain", () => {
  async function setup() {
    const f = await deploySandrun();
    const seeded = await f.seed([
      {},
      { prices: { gpuHour: parseEther("0.002") } },
      { prices: { gpuHour: parseEther("0.003") } },
      {},
      { caps: { region: "eu-west-1" } },
    ]);
    const pool: Pool = await new PoolBuilder(f.context)
      .discover({ minNodes: 3, maxNodes: 3 })
      .region("us-east-1")
      .consensus("2-of-3")
      .verification("standard")
      .join();
    return { f, seeded, pool };
  }

  it("join: both patterns (BFT with redundancy 3, fastest-wins with none) create the policy on-chain", async () => {
    const f = await deploySandrun();
    await f.seed([{}, {}, {}, {}]);
    const bft = await new PoolBuilder(f.context)
      .discover({ minNodes: 3 })
      .consensus("byzantine-fault-tolerant")
      .redundancy(3)
      .verification("cryptographic")
      .join();
    expect(bft.consensus).to.equal("byzantine-fault-tolerant");
    expect(bft.redundancy).to.equal(3);
    expect(bft.verification).to.equal("cryptographic");
    expect(bft.nodes).to.have.length(3);
    const fast = await new PoolBuilder(f.context).consensus("fastest-wins").join();
    expect(fast.redundancy).to.equal(1);
    expect(fast.nodes).to.have.length(1);
    expect(fast.capabilities.gpus.total).to.equal(8);
  });

  it("distribute → nodes report → wait, download, verify, distributePayments, metrics, health; events once and in order", async () => {
    const { f, seeded, pool } = await setup();
    const seen: string[] = [];
    const log = (name: string) => (e: { toString(): string; jobId?: string }) => {
      seen.push(`${name}:${e.jobId ?? e.toString()}`);
    };
    for (const ev of [
      "node-joined",
      "node-left",
      "job-started",
      "job-completed",
      "consensus-achieved",
      "dispute-raised",
      "payment-distributed",
    ] as const) {
      pool.on(ev, log(ev));
    }
    const job = await new JobBuilder().code("console.log(42)").timeout("10s").payment("0.001").build();
    const [execution] = await pool.distribute(job, "cheapest");
    const onChain = await f.market.read.job([BigInt(execution!.id)]);
    expect(onChain.directed).to.equal(true);
    // cheapest: nodes 1, 4 (0.001/h) then 2 (0.002/h); 3 is dearer, 5 not a member
    const chosen = (await execution!.events()).find((e) => e.eventName === "JobSpec")!.args.nodes as bigint[];
    expect([...chosen].sort()).to.deep.equal([1n, 2n, 4n]);

    const good = out("42\n");
    const evil = out("41\n");
    const byId = new Map(seeded.map((s) => [s.id, s]));
    await f.report(byId.get(1n)!, execution!.id, good.digest, good.uri);
    await f.report(byId.get(4n)!, execution!.id, good.digest, good.uri);
    await f.report(byId.get(2n)!, execution!.id, evil.digest, evil.uri);
    const result = await execution!.wait({ timeoutMs: 20_000 });
    expect(result.consensus).to.equal(true);
    expect(result.agreeing.map((r) => r.nodeId).sort()).to.deep.equal(["1", "4"]);
    expect(new TextDecoder().decode(await execution!.download())).to.equal("42\n");
    expect((await execution!.logs()).some((l) => l.includes("JobSettled"))).to.equal(true);

    // verify: signed reports of the same results give the contract's verdict; a forged one is rejected
    const chainId = await f.publicClient.getChainId();
    const domain = { chainId, market: f.addresses.jobMarket };
    const proof = async (nodeId: bigint, o: { digest: Hex; uri: string }, key = byId.get(nodeId)!.signer) => {
      const s = await signReport(key, domain, {
        jobId: BigInt(execution!.id),
        nodeId,
        digest: o.digest,
        resultURI: o.uri,
        invoice: 0n,
      });
      return {
        kind: "report" as const,
        jobId: execution!.id,
        nodeId,
        digest: o.digest,
        resultURI: o.uri,
        signature: s.signature,
      };
    };
    const verdict = await pool.verify([
      await proof(1n, good),
      await proof(2n, evil),
      await proof(4n, good),
      await proof(3n, good),
    ]);
    expect(verdict.reached).to.equal(true);
    expect(verdict.agreeing).to.deep.equal([1n, 4n]);
    expect(verdict.invalid).to.deep.equal([
      { nodeId: "3", reason: `node is not a member of pool ${pool.id}` },
    ]);
    const forged = await pool.verify([await proof(1n, good), await proof(4n, good, byId.get(2n)!.signer)]);
    expect(forged.valid).to.deep.equal(["1"]);
    expect(forged.invalid[0]!.reason).to.match(/signed by/);
    expect(forged.reached).to.equal(false);

    const payments = await pool.distributePayments(result);
    expect(payments.consensus).to.equal(true);
    expect(payments.payments.length).to.be.greaterThan(0);
    expect(payments.token).to.equal(zeroAddress);

    const metrics = await pool.getMetrics();
    expect(metrics.jobs.posted).to.equal(1);
    expect(metrics.jobs.consensusReached).to.equal(1);
    expect(metrics.escrowed[zeroAddress]).to.equal(parseEther("0.003"));

    const health = await pool.healthCheck();
    expect(health.status).to.equal("healthy");
    expect(health.activeNodes).to.equal(3);
    expect(health.consensusReliability).to.equal(1);

    await pool.removeNode("2");
    expect(pool.nodes).to.have.length(2);
    await pool.addNode(2n);
    await pool.replaceNode("2", { id: "3" });
    expect(pool.records.map((r) => r.id).sort()).to.deep.equal([1n, 3n, 4n]);

    expect(await pool.pollEvents()).to.be.greaterThan(0);
    expect(await pool.pollEvents()).to.equal(0); // never twice
    const jobEvents = seen.filter((s) => !s.startsWith("node-"));
    expect(jobEvents[0]).to.equal(`job-started:${execution!.id}`);
    expect(jobEvents.indexOf(`consensus-achieved:${execution!.id}`)).to.be.lessThan(
      jobEvents.indexOf(`job-completed:${execution!.id}`),
    );
    expect(seen.filter((s) => s.startsWith("node-"))).to.deep.equal([
      "node-left:2",
      "node-joined:2",
      "node-left:2",
      "node-joined:3",
    ]);

    // The job is settled: a top-up is refused before anything is sent (test/pool/escrow-funds.test.ts covers the rest).
    await pool.escrowFunds("1", execution!.id).then(
      () => expect.fail("escrowFunds"),
      (e: unknown) => expect(e).to.be.instanceOf(ValidationError),
    );
    // Ids that are not positive integers are typed refusals, not BigInt's SyntaxError.
    const notIds: [string, () => Promise<unknown>][] = [
      ["distributePayments", () => pool.distributePayments("abc")],
      ["resolveDispute", () => pool.resolveDispute("1.5")],
      ["escrowFunds", () => pool.escrowFunds("1", "0")],
      ["removeNode", () => pool.removeNode("-2")],
    ];
    for (const [method, call] of notIds)
      await call().then(
        () => expect.fail(method),
        (e: unknown) =>
          expect(e, method)
            .to.be.instanceOf(ValidationError)
            .and.match(/not a (job|node) id/),
      );
    pool.close();
  });
});
