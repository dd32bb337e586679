/**
 * The Node's `dispute-raised` event, from real disputes on the in-process chain: the market
 * fixture (test/market/fixture.ts) deploys the protocol with a one-day challenge window, jobs
 * settle, and the requester disputes them with the client's `raiseDispute`. Each node hears
 * about disputes on jobs it took part in, whether it took part before its handler was
 * registered (read from the market's history) or after (seen live), and about no others.
 */
import { expect } from "chai";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { getAddress } from "viem";
import { raiseDispute } from "../../client/actions/market/raiseDispute.ts";
import type { NodeEventData } from "../../client/node/events.ts";
import type { Node } from "../../client/node/node.ts";
import { createSandrun } from "../../client/sandrun.ts";
import {
  DISPUTE_DEPOSIT,
  L,
  S,
  deployMarket,
  nodeSteps,
  type Market,
  type TestNode,
} from "../market/fixture.ts";

type Dispute = NodeEventData["dispute-raised"];

/** The Sandrun Node of a fixture node, seen through its owner's wallet. */
async function nodeOf(f: Market, n: TestNode): Promise<Node> {
  const sandrun = createSandrun({
    publicClient: f.publicClient,
    walletClient: n.owner,
    deployment: {
      nodeRegistry: f.registry.address,
      poolRegistry: f.pools.address,
      jobMarket: f.market.address,
    },
  });
  return await sandrun.node().attach(n.id.toString());
}

/** Collects a node's `dispute-raised` events; each `next()` resolves with the next one not yet taken. */
function listen(node: Node) {
  const seen: Dispute[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  node.on("dispute-raised", (d) => {
    seen.push(d);
    wake?.();
  });
  return {
    seen,
    async next(): Promise<Dispute> {
      while (seen.length <= taken) await new Promise<void>((r) => (wake = r));
      return seen[taken++]!;
    },
  };
}

describe("Node events: dispute-raised", function () {
  this.timeout(60_000);
  /** Nodes with chain watchers: stopped even when a test fails (a running watcher keeps mocha alive). */
  const watching: Node[] = [];
  afterEach(async () => {
    for (const n of watching.splice(0)) await n.shutdown();
  });

  it("reaches the nodes of the disputed job with its id, disputer, deposit and evidence; not the others", async () => {
    const f = await deployMarket(await network.create(), 4);
    const steps = nodeSteps(f);
    const [a, b, c, d] = f.nodes as [TestNode, TestNode, TestNode, TestNode];

    // Job 1, before any handler exists: a and b agree, c dissents; it settles (held for the window).
    const pool3 = await f.createPool(S.TwoOfThree, L.Standard, [a, b, c]);
    const job1 = await f.post(f.request(pool3), 3n);
    await steps.report(a, job1, "good");
    await steps.report(b, job1, "good");
    await steps.report(c, job1, "bad");

    const nodes = await Promise.all([a, b, c, d].map((n) => nodeOf(f, n)));
    watching.push(...nodes);
    const [onA, onB, onC, onD] = nodes.map(listen) as [
      ReturnType<typeof listen>,
      ReturnType<typeof listen>,
      ReturnType<typeof listen>,
      ReturnType<typeof listen>,
    ];

    // Job 2, while the handlers listen: d alone takes part.
    const pool1 = await f.createPool(S.FastestWins, L.Standard, [d]);
    const job2 = await f.post(f.request(pool1), 1n);
    await steps.report(d, job2, "solo");

    const requester = { publicClient: f.publicClient, walletClient: f.requester };
    const market = f.market.address;
    await raiseDispute(requester, { jobMarket: market, jobId: job1, evidenceURI: "ipfs://evidence/1" });
    await raiseDispute(requester, { jobMarket: market, jobId: job2, evidenceURI: "ipfs://evidence/2" });

    const expected = (jobId: bigint, evidenceURI: string): Dispute => ({
      jobId: jobId.toString(),
      disputer: getAddress(f.requester.account.address),
      deposit: "0.01",
      evidenceURI,
    });
    expect(DISPUTE_DEPOSIT).to.equal(10n ** 16n); // "0.01" ETH above
    // Winners and the dissenter of job 1 (all three took part), from the market's history.
    for (const on of [onA, onB, onC])
      expect(await on.next()).to.deep.equal(expected(job1, "ipfs://evidence/1"));
    // d took part in job 2 only (seen live). Its first event is job 2's, although job 1 was
    // disputed first: job 1 was not d's.
    expect(await onD.next()).to.deep.equal(expected(job2, "ipfs://evidence/2"));
    // Job 3 (a, b and c again), disputed last. A watcher delivers logs in block order, so when
    // a, b and c hear of job 3 they have passed job 2's dispute, and must have skipped it.
    const job3 = await f.post(f.request(pool3), 3n);
    for (const n of [a, b, c]) await steps.report(n, job3, "again");
    await raiseDispute(requester, { jobMarket: market, jobId: job3, evidenceURI: "ipfs://evidence/3" });
    for (const on of [onA, onB, onC]) {
      expect(await on.next()).to.deep.equal(expected(job3, "ipfs://evidence/3"));
      expect(on.seen.map((s) => s.jobId)).to.deep.equal([job1.toString(), job3.toString()]);
    }
  });
});
