/**
 * The gas-floor probe (contracts/test/LifecycleFloor.sol) does the work whose gas it stands for:
 * its lifecycle locks and releases collateral, records reputation, pays every winner and the
 * treasury (held for the challenge window), stores the settlement record's hash, and refuses a
 * copied reveal, a stranger's commit and a commit signed by the wrong key. A floor that skipped
 * any of it would be cheap for the wrong reason. scripts/bench/gas-floor.ts runs and writes both
 * lifecycles' figures.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { network } from "hardhat";
import { encodeAbiParameters, getAddress, keccak256, type AbiParameter } from "viem";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";

import { COLLATERAL, FEE_BPS, PRICE, at, deployMarket } from "../market/fixture.ts";
import { deployFloorProbe } from "../../scripts/bench/floor-probe.ts";

const FEE = (PRICE * FEE_BPS) / 10_000n;
const ROOT = join(import.meta.dirname, "..", "..");

async function setUp(compact = false) {
  const f = await deployMarket(await network.create(), 3);
  return { f, floor: await deployFloorProbe(f, compact) };
}

/** The hash a settled job keeps: whole in the terms word, or its high 248 bits beside the status (compact). */
function keptHash(hash: `0x${string}`, compact: boolean): `0x${string}` {
  return compact ? `0x${hash.slice(2, 64)}00` : hash;
}

describe("gas-floor probe (LifecycleFloor)", function () {
  this.timeout(120_000);

  for (const compact of [false, true]) {
    it(`settles the node-sent lifecycle for real (${compact ? "compact" : "market"} layout): collateral, reputation, held pay, fee and record hash`, async () => {
      const { f, floor } = await setUp(compact);
      const { probe } = floor;
      const owners = f.nodes.map((n) => getAddress(n.owner.account.address));
      const held = async (a: `0x${string}`) => (await probe.read.balanceOf([a]))[1];
      const before = await Promise.all(owners.map(held));
      const treasuryBefore = await held(f.treasury.account.address);

      const { jobId } = await floor.nodeSent(f.nodes);

      for (let i = 0; i < owners.length; i++) {
        assert.equal((await held(at(owners, i))) - at(before, i), PRICE - FEE);
        const [, locked, completed] = await probe.read.accountOf([at(f.nodes, i).id]);
        assert.equal(locked, 0n);
        assert.equal(completed, 1);
      }
      assert.equal((await held(f.treasury.account.address)) - treasuryBefore, 3n * FEE);
      const settled = at(await probe.getEvents.JobSettled({ jobId }), 0);
      const record = settled.args.record!;
      assert.deepEqual(record.payees, owners);
      assert.equal(record.collateralPerNode, COLLATERAL);
      const recordType = probe.abi.find((x) => x.type === "event" && x.name === "JobSettled")!
        .inputs[3] as AbiParameter;
      const [hash, status] = await probe.read.recordHash([jobId]);
      assert.equal(hash, keptHash(keccak256(encodeAbiParameters([recordType], [record])), compact));
      assert.equal(status, 2);
      assert.deepEqual(
        record.nodes,
        f.nodes.map((n) => n.id),
      );
    });
  }

  it("refuses a copied reveal, a stranger's commit and a commit signed by the wrong key", async () => {
    const { f, floor } = await setUp();
    const { probe } = floor;
    const [a, b, c] = [f.node(0), f.node(1), f.node(2)];
    const { jobId } = await floor.post();
    const stranger = await floor.as(f.other);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      stranger.write.commit([jobId, a.id, f.seal(jobId, a.id, f.revealOf("x"), probe.address)]),
      probe,
      "FloorCheck",
      [40n],
    );
    const rs = [a, b, c].map(() => f.revealOf("good"));
    for (const [i, node] of [a, b, c].entries()) {
      await (
        await floor.as(node.owner)
      ).write.commit([jobId, node.id, f.seal(jobId, node.id, at(rs, i), probe.address)]);
    }
    // b reveals a's preimage in its own slot: the seal names the node, so it cannot match.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await floor.as(b.owner)).write.reveal([jobId, 1, at(rs, 0)]),
      probe,
      "FloorCheck",
      [24n],
    );

    const next = (await floor.post()).jobId;
    const wrongKey = privateKeyToAccount(generatePrivateKey());
    const subs = await floor.submissions(next, [a, b, c], [a.signer, wrongKey, c.signer]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      (await floor.as(f.carrier)).write.submitBatch([[{ jobId: next, nodes: subs }]]),
      probe,
      "FloorCheck",
      [34n],
    );
  });

  it("scripts/bench/gas-floor.ts writes both lifecycles, first and steady, with each steady transaction", async () => {
    const out = mkdtempSync(join(tmpdir(), "gas-floor-"));
    try {
      await promisify(execFile)(
        process.execPath,
        [join(ROOT, "scripts", "bench", "gas-floor.ts"), "--out", out],
        {
          cwd: ROOT,
          timeout: 100_000,
        },
      );
      const { gas, transactions } = JSON.parse(readFileSync(join(out, "gas-floor.json"), "utf8")) as {
        gas: Record<string, number>;
        transactions: Record<string, number[]>;
      };
      for (const [name, txCount] of [
        ["floor_2of3_strict_nodeSent", 7],
        ["floor_2of3_strict_batched", 2],
        ["floor_compact_2of3_strict_nodeSent", 7],
        ["floor_compact_2of3_strict_batched", 2],
      ] as const) {
        const steady = gas[name]!;
        assert.ok(steady > 21_000 * txCount, `${name} = ${steady}`);
        // Salts and signatures change the calldata's zero bytes by a few dozen gas between runs.
        assert.ok(gas[`${name}_firstJob`]! >= steady - 200, `${name}: first job cheaper than steady`);
        assert.equal(transactions[name]!.length, txCount);
        assert.equal(
          transactions[name]!.reduce((s, g) => s + g, 0),
          steady,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
