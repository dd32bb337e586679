/**
 * The six consensus strategies on the real chain: agreeing, split and missing results, ties and
 * exact thresholds. Results are reported at the standard level (one transaction per node);
 * missing ones are settled by anyone after the reveal deadline.
 */
import { before, describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress } from "viem";
import { ETH, FEE_BPS, L, PRICE, S, deployMarket, nodeSteps, type Market, at } from "./fixture.ts";

describe("JobMarket consensus strategies", () => {
  let f: Market;
  let steps: ReturnType<typeof nodeSteps>;
  const poolIds = new Map<string, bigint>();

  before(async () => {
    f = await deployMarket(await network.create(), 6);
    steps = nodeSteps(f);
  });

  async function pool(strategy: number, n: number): Promise<bigint> {
    const key = `${strategy}/${n}`;
    if (!poolIds.has(key)) poolIds.set(key, await f.createPool(strategy, L.Standard, f.nodes.slice(0, n), n));
    return poolIds.get(key)!;
  }

  /** Runs a job; `at(labels, i)` is node i's result (null = no answer). Returns the JobSettled args. */
  async function run(strategy: number, labels: (string | null)[]) {
    const n = labels.length;
    const jobId = await f.post(f.request(await pool(strategy, n)), BigInt(n));
    for (let i = 0; i < n; i++) {
      const label = at(labels, i);
      if (label === null) {
        // A no-show still takes its slot, so the job waits for it.
        await (await steps.asNode(f.node(i))).write.takeSlot([jobId, f.node(i).id]);
      }
    }
    for (let i = 0; i < n; i++)
      if (at(labels, i) !== null) await steps.report(f.node(i), jobId, at(labels, i)!);
    if ((await f.market.read.job([jobId])).status === 1) {
      await f.networkHelpers.time.increase(7201);
      await (await f.asWallet(f.other)).write.settle([jobId]);
    }
    const events = await f.market.getEvents.JobSettled({ jobId });
    assert.equal(events.length, 1);
    return {
      jobId,
      consensus: at(events, 0).args.consensus!,
      refunded: at(events, 0).args.refunded!,
      record: at(events, 0).args.record!,
    };
  }

  const paid = (k: bigint) => k * PRICE;
  const cases: [string, number, (string | null)[], boolean][] = [
    ["fastest-wins: the first result wins", S.FastestWins, ["a"], true],
    ["fastest-wins: no result, no consensus", S.FastestWins, [null], false],
    ["majority n=3: 2 agree", S.MajorityRule, ["a", "a", "b"], true],
    ["majority n=4: 3 agree", S.MajorityRule, ["a", "a", "a", "b"], true],
    ["majority n=4: 2-2 tie is no consensus", S.MajorityRule, ["a", "a", "b", "b"], false],
    [
      "majority n=4: exactly half (2 of 4, 2 missing) is no consensus",
      S.MajorityRule,
      ["a", "a", null, null],
      false,
    ],
    ["2-of-3: two agree, one missing", S.TwoOfThree, ["a", null, "a"], true],
    ["2-of-3: all differ", S.TwoOfThree, ["a", "b", "c"], false],
    ["3-of-5: exactly three agree", S.ThreeOfFive, ["a", "b", "a", "b", "a"], true],
    ["3-of-5: 2-2-1 split", S.ThreeOfFive, ["a", "a", "b", "b", "c"], false],
    ["BFT n=4: 3 agree (2f+1, exact)", S.BFT, ["a", "a", "b", "a"], true],
    ["BFT n=4: 2 agree", S.BFT, ["a", "a", "b", "c"], false],
    ["BFT n=3: all three needed; 2 is not enough", S.BFT, ["a", "a", "b"], false],
    ["BFT n=3: all three agree", S.BFT, ["a", "a", "a"], true],
    ["stake-weighted n=3: 2 of 3 revealed is exactly 2/3, not more", S.PoS, ["a", "a", "b"], false],
    ["stake-weighted n=3: 2 of 2 revealed (one missing) passes", S.PoS, ["a", null, "a"], true],
    ["stake-weighted n=3: 3 of 3", S.PoS, ["a", "a", "a"], true],
  ];

  for (const [name, strategy, labels, expected] of cases) {
    it(name, async () => {
      const { consensus, refunded, record } = await run(strategy, labels);
      assert.equal(consensus, expected);
      const n = BigInt(labels.length);
      if (!expected) {
        assert.equal(refunded, n * PRICE, "no consensus refunds the whole escrow");
        return;
      }
      const winners = record.payees.filter((p) => p !== "0x0000000000000000000000000000000000000000").length;
      const counts = new Map<string, number>();
      for (const l of labels) if (l) counts.set(l, (counts.get(l) ?? 0) + 1);
      assert.equal(winners, Math.max(...counts.values()));
      assert.equal(refunded, n * PRICE - paid(BigInt(winners)));
      for (const amount of record.amounts.filter((a) => a !== 0n)) {
        assert.equal(amount, PRICE - (PRICE * FEE_BPS) / 10_000n);
      }
    });
  }

  it("fastest-wins pays only the first node, and the market holds exactly what it owes", async () => {
    const { record } = await run(S.FastestWins, ["first"]);
    assert.equal(getAddress(at(record.payees, 0)), getAddress(f.node(0).owner.account.address));
    // Every job here is settled: the market's ETH is exactly the credited balances.
    const accounts = [f.requester, f.treasury, f.other, ...f.nodes.map((n) => n.owner)].map(
      (w) => w.account.address,
    );
    let owed = 0n;
    for (const a of accounts) {
      const [available, held] = await f.market.read.balanceDetails([a, ETH]);
      owed += available + held;
    }
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), owed);
  });
});
