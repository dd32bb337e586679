/**
 * Pool.verify(proofs) and Pool.resolveDispute against the contract: for each of the six
 * consensus strategies, jobs whose nodes agree, split or stay silent are settled on Hardhat's
 * chain, and the verdict `verify` reaches from the nodes' signed reports must be the one the
 * contract reached (consensus, accepted digest, the nodes it paid). Disputes on a settled job are
 * ruled through the market's SimpleArbiter by its owner (re-judging the results off-chain the
 * way the contract does), left pending for others, and finalized by default after the deadline.
 */
import { expect } from "chai";
import { keccak256, toBytes, type Hex } from "viem";

import { raiseDispute } from "../../client/actions/market/raiseDispute.ts";
import type { SandrunClient } from "../../client/chain/clients.ts";
import { JobMarketError, ValidationError } from "../../client/errors.ts";
import { JobBuilder } from "../../client/job/JobBuilder.ts";
import { outputToDataUri } from "../../client/job/output.ts";
import { DisputePendingError, Pool, type Proof } from "../../client/pool/Pool.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import { CONSENSUS_STRATEGIES, type ConsensusStrategy } from "../../client/proofs/consensus.ts";
import { signReport } from "../../client/proofs/sign.ts";
import { deploySandrun, DISPUTE_PERIOD, type SeededNode } from "./fixture.ts";

type Fixture = Awaited<ReturnType<typeof deploySandrun>>;
const result = (label: string) => {
  const bytes = toBytes(`${label}\n`);
  return { digest: keccak256(bytes), uri: outputToDataUri(bytes) };
};

/** Each strategy with outcomes that reach consensus and outcomes that do not (null = took a slot, never answered). */
const CASES: [ConsensusStrategy, (string | null)[]][] = [
  ["fastest-wins", ["a"]],
  ["fastest-wins", [null]],
  ["majority-rule", ["a", "b", "a"]],
  ["majority-rule", ["a", "b", "c"]],
  ["majority-rule", ["a", "a", "b", "b"]],
  ["majority-rule", ["b", "a", "a", "a"]],
  ["2-of-3", ["a", "b", "a"]],
  ["2-of-3", ["a", "b", null]],
  ["3-of-5", ["a", "b", "a", "c", "a"]],
  ["3-of-5", ["a", "a", "b", "b", null]],
  ["byzantine-fault-tolerant", ["a", "a", "a"]],
  ["byzantine-fault-tolerant", ["a", "a", "b"]],
  ["byzantine-fault-tolerant", ["a", "b", "a", "a"]],
  ["proof-of-stake-weighted", ["a", "a", "a"]],
  ["proof-of-stake-weighted", ["a", "a", "b"]],
  ["proof-of-stake-weighted", ["a", null, "a"]],
];

describe("Pool.verify and resolveDispute give the contract's verdict", function () {
  this.timeout(60_000);
  let f: Fixture;
  let nodes: SeededNode[];
  const pools = new Map<string, Pool>();

  before(async () => {
    f = await deploySandrun();
    nodes = await f.seed([{}, {}, {}, {}, {}]);
  });
  after(() => {
    for (const p of pools.values()) p.close();
  });

  async function poolFor(strategy: ConsensusStrategy, n: number): Promise<Pool> {
    const key = `${strategy}/${n}`;
    if (!pools.has(key)) {
      pools.set(
        key,
        await new PoolBuilder(f.context)
          .nodes(nodes.slice(0, n).map((s) => s.id))
          .discover({ minNodes: n, maxNodes: n })
          .consensus(strategy)
          .redundancy(n)
          .join(),
      );
    }
    return pools.get(key)!;
  }

  /** Posts a job to the pool, has node i answer labels[i] (in order), settles it; returns what the chain did. */
  async function run(pool: Pool, labels: (string | null)[]) {
    const execution = await new JobBuilder().code("console.log(1)").payment("0.001").with(pool).submit();
    const jobId = BigInt(execution.id);
    const members = [...pool.records].sort((a, b) => (a.id < b.id ? -1 : 1));
    const byId = new Map(nodes.map((s) => [s.id, s]));
    const proofs: Proof[] = [];
    for (const [i, label] of labels.entries()) {
      const node = byId.get(members[i]!.id)!;
      if (label === null) {
        await f.market.write.takeSlot([jobId, node.id], { account: node.owner.account });
        continue;
      }
      const r = result(label);
      await f.report(node, jobId, r.digest, r.uri);
      proofs.push(await signedReport(node, jobId, r.digest, r.uri));
    }
    const status = await execution.status();
    if (status.phase !== "settled") await f.networkHelpers.time.increaseTo(status.job.revealDeadline + 1);
    const end = await execution.wait({ timeoutMs: 10_000 });
    const events = await execution.events();
    const reached = events.find((e) => e.eventName === "ConsensusReached");
    const record = end.record as { nodes: readonly bigint[]; amounts: readonly bigint[] };
    const paid = record.nodes.filter((_, i) => (record.amounts[i] ?? 0n) > 0n);
    return { jobId, execution, end, proofs, reached: reached?.args.digest as Hex | undefined, paid };
  }

  async function signedReport(node: SeededNode, jobId: bigint, digest: Hex, uri: string): Promise<Proof> {
    const domain = { chainId: await f.publicClient.getChainId(), market: f.addresses.jobMarket };
    const s = await signReport(node.signer, domain, {
      jobId,
      nodeId: node.id,
      digest,
      resultURI: uri,
      invoice: 0n,
    });
    return { kind: "report", jobId, nodeId: node.id, digest, resultURI: uri, signature: s.signature };
  }

  it("covers all six strategies", () => {
    expect([...new Set(CASES.map(([s]) => s))].sort()).to.deep.equal([...CONSENSUS_STRATEGIES].sort());
  });

  for (const [strategy, labels] of CASES) {
    it(`${strategy} [${labels.map((l) => l ?? "-").join(" ")}]: verify reaches the settlement's verdict`, async () => {
      const pool = await poolFor(strategy, labels.length);
      const chain = await run(pool, labels);
      const verdict = await pool.verify(chain.proofs.length > 0 ? chain.proofs : []).catch((e: unknown) => e);
      if (chain.proofs.length === 0) {
        // Nothing to verify: refused with a typed error, and the chain found no consensus either.
        expect(verdict).to.be.instanceOf(ValidationError);
        expect(chain.end.consensus).to.equal(false);
        return;
      }
      const v = verdict as Awaited<ReturnType<Pool["verify"]>>;
      expect(v.strategy).to.equal(strategy);
      expect(v.n).to.equal(labels.length);
      expect(v.invalid).to.deep.equal([]);
      expect(v.reached, v.reason).to.equal(chain.end.consensus);
      expect(v.digest).to.equal(chain.reached?.toLowerCase());
      expect([...v.agreeing].sort()).to.deep.equal([...chain.paid].sort());
    });
  }

  it("refuses proofs of another pool's job, and counts a proof whose result was changed after signing as invalid", async () => {
    const pool = await poolFor("2-of-3", 3);
    const other = await poolFor("byzantine-fault-tolerant", 3);
    const chain = await run(pool, ["a", "a", "b"]);
    const e = await other.verify(chain.proofs).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ValidationError);
    expect((e as ValidationError).issues[0]!.message).to.match(/belongs to pool/);
    const [p0, p1, p2] = chain.proofs as [Proof, Proof, Proof];
    const forged = { ...p2, digest: p0.digest, resultURI: p0.resultURI }; // "b" claiming "a"
    const v = await pool.verify([p0, forged]);
    expect(v.valid).to.deep.equal([String(p0.nodeId)]);
    expect(v.invalid.map((i) => i.nodeId)).to.deep.equal([String(p2.nodeId)]);
    expect(v.reached).to.equal(false); // one valid "a" is not 2 of 3
    expect((await pool.verify([p0, p1, p2])).reached).to.equal(true);
  });

  describe("resolveDispute", () => {
    const admin = (): SandrunClient => ({
      publicClient: f.publicClient as never,
      walletClient: f.admin as never,
    });

    async function disputed(labels: string[], strategy: ConsensusStrategy = "2-of-3") {
      const pool = await poolFor(strategy, labels.length);
      const chain = await run(pool, labels);
      await raiseDispute(f.context.client, {
        jobMarket: f.addresses.jobMarket,
        jobId: chain.jobId,
        evidenceURI: "ipfs://evidence",
      });
      // The same pool as the arbiter's owner (the deployer) sees it.
      const asArbiter = await Pool.load({ ...f.context, client: admin() }, pool.id);
      return { pool, chain, asArbiter };
    }

    const resolvedOnChain = async (jobId: bigint) => {
      const logs = await f.market.getEvents.DisputeResolved({ jobId }, { fromBlock: 0n });
      expect(logs).to.have.length(1);
      return logs[0]!.args;
    };

    it("the requester cannot rule: pending until the deadline (typed, with the deadline); then finalized by default", async () => {
      const { pool, chain } = await disputed(["a", "b", "a"]);
      const e = await pool.resolveDispute(chain.jobId).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(DisputePendingError);
      const dispute = await f.market.read.disputeOf([chain.jobId]);
      expect((e as DisputePendingError).deadline).to.equal(Number(dispute.deadline));
      await f.networkHelpers.time.increase(DISPUTE_PERIOD + 1);
      const r = await pool.resolveDispute(chain.jobId);
      expect(r).to.deep.include({ upheld: true, byDefault: true });
      expect(await resolvedOnChain(chain.jobId)).to.deep.include({ upheld: true, byDefault: true });
      // Resolved: asking again reads the outcome, sends nothing.
      const again = await pool.resolveDispute(chain.jobId);
      expect(again).to.deep.include({ upheld: true, byDefault: true, transactionHash: r.transactionHash });
    });

    for (const [strategy, labels] of [
      ["2-of-3", ["a", "b", "a"]],
      ["proof-of-stake-weighted", ["a", "a", "a"]],
      ["byzantine-fault-tolerant", ["a", "b", "a", "a"]],
    ] as [ConsensusStrategy, string[]][]) {
      it(`the arbiter's owner re-judges ${strategy} [${labels.join(" ")}] as the contract did and upholds it`, async () => {
        const { chain, asArbiter } = await disputed(labels, strategy);
        const r = await asArbiter.resolveDispute(chain.jobId);
        expect(r.upheld, r.reason).to.equal(true);
        expect(r.byDefault).to.equal(false);
        expect(r.pending).to.equal(false);
        expect(chain.end.consensus).to.equal(true);
        expect(r.reason).to.include(`accepted ${chain.reached!.toLowerCase()}`);
        expect(await resolvedOnChain(chain.jobId)).to.deep.include({ upheld: true, byDefault: false });
      });
    }

    it("the arbiter's owner may overturn explicitly; the chain records it", async () => {
      const { chain, asArbiter } = await disputed(["a", "b", "a"]);
      const r = await asArbiter.resolveDispute(chain.jobId, { uphold: false });
      expect(r).to.deep.include({ upheld: false, byDefault: false });
      expect(await resolvedOnChain(chain.jobId)).to.deep.include({ upheld: false, byDefault: false });
    });

    it("committee members vote through the arbiter: pending below its threshold, ruled when it is met", async () => {
      const { pool, chain } = await disputed(["a", "a", "b"]);
      const dispute = await f.market.read.disputeOf([chain.jobId]);
      const arbiter = await f.viem.getContractAt("SimpleArbiter", dispute.arbiter);
      const [m1, m2] = [f.operators[10]!, f.operators[11]!];
      await arbiter.write.setMember([m1.account.address, true], { account: f.admin.account });
      await arbiter.write.setMember([m2.account.address, true], { account: f.admin.account });
      await arbiter.write.setThreshold([2], { account: f.admin.account });
      const as = (w: typeof m1) =>
        Pool.load(
          { ...f.context, client: { publicClient: f.publicClient as never, walletClient: w as never } },
          pool.id,
        );
      const first = await (await as(m1)).resolveDispute(chain.jobId);
      expect(first).to.deep.include({ upheld: true, pending: true });
      expect((await f.market.read.disputeOf([chain.jobId])).resolved).to.equal(false);
      const second = await (await as(m2)).resolveDispute(chain.jobId);
      expect(second).to.deep.include({ upheld: true, pending: false });
      expect(await resolvedOnChain(chain.jobId)).to.deep.include({ upheld: true, byDefault: false });
      await arbiter.write.setThreshold([1], { account: f.admin.account });
    });

    it("a job without a dispute is refused with a typed error; a settlement without consensus cannot be disputed", async () => {
      const pool = await poolFor("2-of-3", 3);
      const chain = await run(pool, ["a", "a", "a"]);
      const e = await pool.resolveDispute(chain.jobId).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(ValidationError);
      const none = await run(pool, ["a", "b", "c"]);
      const refused = await raiseDispute(f.context.client, {
        jobMarket: f.addresses.jobMarket,
        jobId: none.jobId,
        evidenceURI: "ipfs://x",
      }).catch((x: unknown) => x);
      expect(refused).to.be.instanceOf(JobMarketError);
      expect((refused as JobMarketError).errorName).to.equal("JobMarketNotDisputable");
    });
  });
});
