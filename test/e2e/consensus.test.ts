/**
 * Three workers in separate processes against `hardhat node` run a real job (JavaScript in
 * the js sandbox) in a 2-of-3 strict pool: each executes, commits, reveals after the commit
 * phase closes, the job settles with consensus, and each worker withdraws its pay.
 */
import { expect } from "chai";
import { outputDigest } from "../../client/job/output.ts";
import { BOND, L, PRICE, S } from "../market/fixture.ts";
import { consensusOf } from "./accounting.ts";
import { inlineSpecFields, jsSpec, setupE2E, until, type E2E } from "./harness.ts";

describe("e2e: 2-of-3 strict consensus with three worker processes", function () {
  this.timeout(120_000);
  let e: E2E;

  before(async () => {
    e = await setupE2E(3);
  });
  after(async () => {
    await e?.close();
  });

  it("runs a real job, settles with consensus, pays and lets every worker withdraw", async () => {
    const m = e.market;
    const poolId = await m.createPool(S.TwoOfThree, L.Strict, m.nodes.slice(0, 3));
    const workers = [0, 1, 2].map((i) => e.startWorker(i));
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)));

    const spec = jsSpec("6 * 7");
    const jobId = await m.post(
      m.request(poolId, { ...inlineSpecFields(spec), commitWindow: 120, revealWindow: 120 }),
      3n,
    );

    const settled = await until("JobSettled", async () => {
      const logs = await m.publicClient.getContractEvents({
        address: m.market.address,
        abi: m.market.abi,
        eventName: "JobSettled",
        args: { jobId },
        fromBlock: 0n,
      });
      return logs[0];
    });
    expect(settled.args.consensus).to.equal(true);
    const reached = await consensusOf(m, jobId);
    // The agreed digest is keccak256 of the program's real stdout.
    expect(reached.digest!.toLowerCase()).to.equal(
      outputDigest(new TextEncoder().encode("42\n")).slice(0, 42),
    );
    expect(reached.agreeing).to.equal(3);

    // Every worker withdraws what it was credited (challenge window 0: available at once).
    const owners = m.nodes.slice(0, 3).map((n) => n.owner.account.address.toLowerCase());
    const withdrawn = await until(
      "three withdrawals",
      async () => {
        const logs = await m.publicClient.getContractEvents({
          address: m.market.address,
          abi: m.market.abi,
          eventName: "Withdrawn",
          fromBlock: 0n,
        });
        const mine = logs.filter((l) => owners.includes(l.args.account!.toLowerCase()));
        return mine.length >= 3 ? mine : undefined;
      },
      30_000,
    );
    const fee = (PRICE * 100n) / 10_000n;
    for (const w of withdrawn) expect(w.args.amount! > 0n && w.args.amount! <= PRICE - fee).to.equal(true);
    for (const o of owners)
      expect(
        await m.market.read.balanceOf([o as `0x${string}`, "0x0000000000000000000000000000000000000000"]),
      ).to.equal(0n);
    // Collateral is released: every node's full bond is free again.
    for (const n of m.nodes.slice(0, 3)) {
      const b = await m.registry.read.bondInfo([n.id]);
      expect(b.locked).to.equal(0n);
      expect(b.bond).to.equal(BOND);
    }
    for (const w of workers) await w.waitFor(/"event":"job-completed"/, 10_000);
  });
});
