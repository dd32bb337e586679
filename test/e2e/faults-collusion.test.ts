/**
 * Two colluding nodes in a 3-of-5 strict pool (test/FAULTS.md): five worker processes against
 * `hardhat node`, two of them started with `--dishonest-digest`, which replaces the real digest
 * by a deterministic function of it, so both liars reveal the same wrong digest. The three
 * honest reveals still reach the 3-of-5 quorum: the honest three are paid, the two colluders
 * lose their collateral, every wei is where the settlement rules put it, and the honest three
 * then complete another job on their own.
 */
import { expect } from "chai";
import { outputDigest } from "../../client/job/output.ts";
import { BOND, COLLATERAL, ETH, L, PRICE, S, type TestNode } from "../market/fixture.ts";
import {
  allWithdrawn,
  consensusOf,
  expectCredits,
  expectedCredits,
  owed,
  revealsOf,
  settledOf,
  withdrawnSince,
} from "./accounting.ts";
import { inlineSpecFields, jsSpec, setupE2E, stopProcess, until, type E2E } from "./harness.ts";

const WINDOW = 600;
const N = 5n;

describe("e2e: two colluding nodes in 3-of-5", function () {
  this.timeout(600_000);
  let e: E2E;

  before(async () => {
    e = await setupE2E(5);
  });
  after(async () => {
    await e?.close();
  });

  const digestOf = (text: string) => outputDigest(new TextEncoder().encode(text));

  async function post(poolId: bigint, expr: string): Promise<bigint> {
    const m = e.market;
    const req = m.request(poolId, {
      ...inlineSpecFields(jsSpec(expr)),
      commitWindow: WINDOW,
      revealWindow: WINDOW,
    });
    return await m.post(req, N);
  }

  it("the honest three outvote two colluders with the same wrong digest; balances follow the rules", async () => {
    const m = e.market;
    const nodes = m.nodes.slice(0, 5) as TestNode[];
    const honest = nodes.slice(0, 3);
    const colluders = nodes.slice(3, 5);
    const owners = nodes.map((n) => n.owner.account.address);
    const poolId = await m.createPool(S.ThreeOfFive, L.Strict, nodes);
    // 250 ms polls: five daemons share two cores with the chain.
    const ws = [0, 1, 2, 3, 4].map((i) =>
      e.startWorker(i, ["--poll-ms", "250", ...(i >= 3 ? ["--dishonest-digest"] : [])]),
    );
    await Promise.all(ws.map((w) => w.waitFor(/worker ready/, 120_000)));

    const marketEth = await m.publicClient.getBalance({ address: m.market.address });
    const registryEth = await m.publicClient.getBalance({ address: m.registry.address });
    const requesterBal = await m.market.read.balanceOf([m.requester.account.address, ETH]);
    const postBlock = await m.publicClient.getBlockNumber();
    const jobId = await post(poolId, "'collusion'");

    // All five slots are taken and revealed, so the job settles without waiting for a deadline.
    const settled = await settledOf(m, jobId, 180_000);
    expect(settled.consensus).to.equal(true);
    const honestDigest = digestOf("collusion\n");
    const reached = await consensusOf(m, jobId);
    expect(reached.digest!.toLowerCase()).to.equal(honestDigest.slice(0, 42));
    expect(reached.agreeing).to.equal(3);

    // The two colluders really agreed with each other, on something else than the truth.
    const reveals = await revealsOf(m, jobId);
    expect(reveals).to.have.length(5);
    const byNode = new Map(reveals.map((r) => [r.nodeId, r.digest]));
    for (const n of honest) expect(byNode.get(n.id)).to.equal(honestDigest);
    const [l1, l2] = colluders.map((n) => byNode.get(n.id)!);
    expect(l1).to.equal(l2);
    expect(l1).to.not.equal(honestDigest);

    const expected = expectedCredits(m, { n: N, winner: honestDigest, reveals });
    expect(expected.slashed.sort()).to.deep.equal(colluders.map((n) => n.id).sort());
    await expectCredits(m, jobId, expected, N);

    // Bonds: the colluders lost exactly their collateral, the honest nodes nothing; nothing stays locked.
    for (const n of colluders) {
      const b = await m.registry.read.bondInfo([n.id]);
      expect(b.bond).to.equal(BOND - COLLATERAL);
      expect(b.locked).to.equal(0n);
    }
    for (const n of honest) {
      const b = await m.registry.read.bondInfo([n.id]);
      expect(b.bond).to.equal(BOND);
      expect(b.locked).to.equal(0n);
    }

    // The honest workers withdraw what they were credited; the colluders were credited nothing.
    await allWithdrawn(
      m,
      honest.map((n) => n.owner.account.address),
    );
    for (const n of colluders)
      expect(await m.market.read.balanceOf([n.owner.account.address, ETH])).to.equal(0n);
    // Real ETH: the market holds the escrow and the slashed collateral, less what was withdrawn;
    // the registry sent exactly the two slashed collaterals; the requester and treasury hold theirs.
    const withdrawn = await withdrawnSince(m, owners, postBlock);
    expect(await m.publicClient.getBalance({ address: m.market.address })).to.equal(
      marketEth + N * PRICE + 2n * COLLATERAL - withdrawn,
    );
    expect(await m.publicClient.getBalance({ address: m.registry.address })).to.equal(
      registryEth - 2n * COLLATERAL,
    );
    expect(await m.market.read.balanceOf([m.requester.account.address, ETH])).to.equal(
      requesterBal + owed(expected.ledger, m.requester.account.address),
    );
    for (const w of ws) await w.waitFor(/"msg":"revealed"/);

    // The honest three keep serving: with the colluders gone, they take three of five slots;
    // after the commit deadline their three reveals reach the quorum.
    for (const w of ws.slice(3)) await stopProcess(w.child);
    const next = await post(poolId, "'after collusion'");
    await until("three commits", async () => (await m.market.read.job([next])).taken >= 3, 120_000);
    const j = await m.market.read.job([next]);
    const now = await m.networkHelpers.time.latest();
    await m.networkHelpers.time.increase(Number(j.commitDeadline) - now + 1);
    const again = await settledOf(m, next, 120_000);
    expect(again.consensus).to.equal(true);
    const reveals2 = await revealsOf(m, next);
    expect(reveals2.map((r) => r.nodeId).sort()).to.deep.equal(honest.map((n) => n.id).sort());
    const expected2 = expectedCredits(m, { n: N, winner: digestOf("after collusion\n"), reveals: reveals2 });
    expect(expected2.slashed).to.deep.equal([]);
    await expectCredits(m, next, expected2, N);
    for (const n of nodes) expect((await m.registry.read.bondInfo([n.id])).locked).to.equal(0n);
    for (const w of ws.slice(0, 3)) await stopProcess(w.child);
  });
});
