/**
 * Access-control review, as tests: every privileged function of NodeRegistry, PoolRegistry,
 * JobMarket and SimpleArbiter refuses every other relevant account with its custom error, the ABI
 * of each contract holds no state-changing function this file does not classify, and the admin
 * (of every contract at once) cannot move escrow, balances or bonds with any admin function.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress, parseEther, type Abi, type Address } from "viem";
import { BOND, ETH, L, S, at, deployMarket, nodeSteps, type Market } from "../market/fixture.ts";
import { sampleCapabilities, samplePrices } from "../registry/helpers.ts";

type Wallet = Market["admin"];

/** The state-changing functions of an ABI (everything but view and pure). */
function writes(abi: Abi): string[] {
  return abi
    .filter((x) => x.type === "function" && x.stateMutability !== "view" && x.stateMutability !== "pure")
    .map((x) => (x as { name: string }).name)
    .sort();
}

/** The registry functions only the job market may call (old single and new batch names). */
const JOB_MARKET_HOOKS: readonly string[] = ["paySlashed"];

/** A harmless value of an ABI type: node 1, one wei, outcome 1, one-element arrays. */
function sampleArg(type: string): unknown {
  if (type.endsWith("[]")) return [sampleArg(type.slice(0, -2))];
  if (type === "address") return "0x0000000000000000000000000000000000000001";
  if (type === "bool") return false;
  if (type.startsWith("bytes")) return `0x${"00".repeat(Number(type.slice(5)) || 0)}`;
  return 1n;
}

async function setup() {
  const f = await deployMarket(await network.create(), 3);
  const steps = nodeSteps(f);
  // Node 0's signer becomes a funded account (the carrier) so it can send transactions itself.
  const owner0 = await f.viem.getContractAt("NodeRegistry", f.registry.address, {
    client: { wallet: f.node(0).owner },
  });
  await owner0.write.setSigner([f.node(0).id, f.carrier.account.address]);
  const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
  return { f, steps, pool };
}

async function as<N extends "NodeRegistry" | "PoolRegistry" | "JobMarket" | "SimpleArbiter">(
  f: Market,
  name: N,
  address: Address,
  wallet: Wallet,
) {
  return await f.viem.getContractAt(name, address, { client: { wallet } });
}

describe("Access control: every privileged function refuses every other account", () => {
  it("classifies every state-changing function of every contract (a new one must be added here)", async () => {
    const { f } = await setup();
    const expected = {
      NodeRegistry: [
        "acceptOwnership",
        "bond",
        "cancelUnbond",
        "deregister",
        "heartbeat",
        "pause",
        "pauseNode",
        "register",
        "renounceOwnership",
        "requestUnbond",
        "resumeNode",
        "setBondToken",
        "setJobMarket",
        "setSigner",
        "setUnbondingDelay",
        "transferOwnership",
        "unpause",
        "updateCapabilities",
        "updateMetadata",
        "updatePrices",
        "withdrawBond",
        ...JOB_MARKET_HOOKS,
      ],
      PoolRegistry: [
        "addNode",
        "createPool",
        "joinPool",
        "leavePool",
        "removeNode",
        "replaceNode",
        "setPolicy",
        "transferPoolOwnership",
      ],
      SimpleArbiter: [
        "acceptOwnership",
        "onDisputeRaised",
        "renounceOwnership",
        "rule",
        "setMember",
        "setThreshold",
        "transferOwnership",
        "vote",
      ],
    } as const;
    for (const name of writes(f.registry.abi)) {
      assert.ok(expected.NodeRegistry.includes(name), `NodeRegistry.${name} is not reviewed here`);
    }
    assert.deepEqual(writes(f.pools.abi), [...expected.PoolRegistry].sort());
    assert.deepEqual(writes(f.arbiter.abi), [...expected.SimpleArbiter].sort());
    // The market: admin-only, node-only, requester-only, arbiter-only, and permissionless steps.
    const market = writes(f.market.abi);
    for (const name of [
      "setProtocolFee",
      "setTreasury",
      "setTokenAllowed",
      "setArbiter",
      "setDisputeParams",
      "pause",
      "unpause",
      "transferOwnership",
      "renounceOwnership",
      "acceptOwnership",
      "takeSlot",
      "report",
      "commit",
      "cancel",
      "rule",
      "raiseDispute",
      "reveal",
      "settle",
      "withdraw",
      "postJob",
      "postJobs",
      "commitSigned",
      "reportSigned",
      "revealBatch",
      "submitBatch",
      "finalizeDispute",
      "syncNode",
      "syncSigner",
      "syncBondToken",
    ]) {
      assert.ok(market.includes(name), `JobMarket lost ${name}`);
    }
  });

  it("NodeRegistry admin functions: stranger, node owner, signer and requester get OwnableUnauthorizedAccount", async () => {
    const { f } = await setup();
    for (const who of [f.other, f.node(0).owner, f.carrier, f.requester]) {
      const r = await as(f, "NodeRegistry", f.registry.address, who);
      for (const call of [
        r.write.setJobMarket([who.account.address]),
        r.write.setBondToken([who.account.address, true, 1n]),
        r.write.setUnbondingDelay([3600]),
        r.write.pause(),
        r.write.unpause(),
        r.write.transferOwnership([who.account.address]),
        r.write.renounceOwnership(),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(
          call,
          f.registry,
          "OwnableUnauthorizedAccount",
          [who.account.address],
        );
      }
    }
  });

  it("NodeRegistry's payout of slashed collateral: only the job market; the admin, owners, signers and strangers are refused", async () => {
    const { f } = await setup();
    // Read from the ABI, so any variant of the hook is covered whatever it is named.
    const hooks = f.registry.abi.filter(
      (x): x is Extract<(typeof f.registry.abi)[number], { type: "function" }> =>
        x.type === "function" && JOB_MARKET_HOOKS.includes(x.name),
    );
    assert.ok(hooks.some((h) => h.name === "paySlashed"));
    for (const who of [f.admin, f.other, f.node(0).owner, f.carrier, f.requester]) {
      for (const hook of hooks) {
        const call = who.writeContract({
          address: f.registry.address,
          abi: f.registry.abi,
          functionName: hook.name,
          args: hook.inputs.map((i) => sampleArg(i.type)),
        } as Parameters<typeof who.writeContract>[0]);
        await f.viem.assertions.revertWithCustomErrorWithArgs(
          call,
          f.registry,
          "NodeRegistryCallerNotJobMarket",
          [who.account.address],
        );
      }
    }
    assert.equal((await f.registry.read.bondInfo([1n])).bond, BOND);
  });

  it("JobMarket's node ledgers: only the node registry syncs them; the admin, owners, signers and strangers are refused", async () => {
    const { f } = await setup();
    for (const who of [f.admin, f.other, f.node(0).owner, f.carrier, f.requester]) {
      const m = await as(f, "JobMarket", f.market.address, who);
      for (const call of [
        m.write.syncNode([1n, 0n, 1n, 0n]),
        m.write.syncNode([1n, BigInt(who.account.address), 0n, BOND]),
        m.write.syncBondToken([0, 0n]),
        m.write.syncSigner([1n, who.account.address]),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(
          call,
          f.market,
          "JobMarketCallerNotNodeRegistry",
          [who.account.address],
        );
      }
    }
    assert.equal((await f.registry.read.bondInfo([1n])).bond, BOND);
    assert.equal((await f.registry.read.nodeForJob([1n])).owner, getAddress(f.node(0).owner.account.address));
  });

  it("NodeRegistry node functions: only the node's owner; its signer, another owner, the admin and strangers are refused", async () => {
    const { f } = await setup();
    const id = f.node(0).id;
    for (const who of [f.carrier /* node 0's signer */, f.node(1).owner, f.admin, f.other, f.requester]) {
      const r = await as(f, "NodeRegistry", f.registry.address, who);
      for (const call of [
        r.write.updateCapabilities([id, sampleCapabilities()]),
        r.write.updatePrices([id, samplePrices()]),
        r.write.updateMetadata([id, `0x${"11".repeat(32)}`, "ipfs://x"]),
        r.write.setSigner([id, who.account.address]),
        r.write.pauseNode([id]),
        r.write.resumeNode([id]),
        r.write.deregister([id]),
        r.write.bond([id, 1n], { value: 1n }),
        r.write.requestUnbond([id, 1n]),
        r.write.cancelUnbond([id]),
        r.write.withdrawBond([id]),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.registry, "NodeRegistryNotNodeOwner", [
          id,
          who.account.address,
        ]);
      }
    }
    // heartbeat: owner or signer only.
    for (const who of [f.node(1).owner, f.admin, f.other]) {
      const r = await as(f, "NodeRegistry", f.registry.address, who);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        r.write.heartbeat([id]),
        f.registry,
        "NodeRegistryNotOwnerOrSigner",
        [id, who.account.address],
      );
    }
    await (await as(f, "NodeRegistry", f.registry.address, f.carrier)).write.heartbeat([id]);
  });

  it("PoolRegistry: pool-owner functions refuse members, the admin and strangers; node functions refuse the pool owner and other owners", async () => {
    const { f, pool } = await setup();
    const policy = {
      strategy: S.TwoOfThree,
      redundancy: 3,
      verification: L.Standard,
      open: true,
      minReputation: 0,
      minBond: 0n,
    };
    const req = {
      gpuModel: `0x${"00".repeat(16)}`,
      region: `0x${"00".repeat(16)}`,
      minGpuCount: 0,
      minMemoryGB: 0,
      minBandwidthMbps: 0,
    } as const;
    for (const who of [f.node(0).owner, f.carrier, f.admin, f.other]) {
      const p = await as(f, "PoolRegistry", f.pools.address, who);
      for (const call of [
        p.write.setPolicy([pool, policy, req]),
        p.write.transferPoolOwnership([pool, who.account.address]),
        p.write.addNode([pool, 1n]),
        p.write.removeNode([pool, 1n]),
        p.write.replaceNode([pool, 1n, 2n]),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.pools, "PoolRegistryNotPoolOwner", [
          pool,
          who.account.address,
        ]);
      }
    }
    for (const who of [f.requester /* pool owner */, f.node(1).owner, f.carrier /* signer */, f.admin]) {
      const p = await as(f, "PoolRegistry", f.pools.address, who);
      for (const call of [p.write.leavePool([pool, 1n]), p.write.joinPool([pool, 1n])]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.pools, "PoolRegistryNotNodeOwner", [
          1n,
          who.account.address,
        ]);
      }
    }
    assert.equal(await f.pools.read.memberCount([pool]), 3n);
  });

  it("JobMarket admin functions: stranger, requester, node owner, treasury get OwnableUnauthorizedAccount", async () => {
    const { f } = await setup();
    for (const who of [f.other, f.requester, f.node(0).owner, f.treasury]) {
      const m = await as(f, "JobMarket", f.market.address, who);
      for (const call of [
        m.write.setProtocolFee([0]),
        m.write.setTreasury([who.account.address]),
        m.write.setTokenAllowed([who.account.address, true]),
        m.write.setArbiter([who.account.address]),
        m.write.setDisputeParams([0, 0n, 0]),
        m.write.pause(),
        m.write.unpause(),
        m.write.transferOwnership([who.account.address]),
        m.write.renounceOwnership(),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.market, "OwnableUnauthorizedAccount", [
          who.account.address,
        ]);
      }
    }
  });

  it("JobMarket node steps: only the node's owner or signer; requester, admin, strangers and other nodes' owners are refused", async () => {
    const { f, pool } = await setup();
    const strictPool = await f.createPool(S.MajorityRule, L.Strict, f.nodes, 3);
    const job = await f.post(f.request(pool), 3n);
    const strictJob = await f.post(f.request(strictPool), 3n);
    const id = f.node(0).id;
    for (const who of [f.requester, f.admin, f.other, f.node(1).owner]) {
      const m = await as(f, "JobMarket", f.market.address, who);
      for (const call of [
        m.write.takeSlot([job, id]),
        m.write.report([job, id, `0x${"aa".repeat(32)}`, 0n, "r"]),
        m.write.commit([strictJob, id, `0x${"bb".repeat(32)}`]),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.market, "JobMarketNotNodeAccount", [
          id,
          who.account.address,
        ]);
      }
    }
    assert.equal((await f.market.read.job([job])).taken, 0);
    assert.equal((await f.registry.read.bondInfo([id])).locked, 0n);
    // Both the owner and the signer (carrier) are accepted.
    await (await as(f, "JobMarket", f.market.address, f.carrier)).write.takeSlot([job, id]);
    await (await as(f, "JobMarket", f.market.address, f.node(1).owner)).write.takeSlot([job, f.node(1).id]);
  });

  it("JobMarket cancel: only the requester; nodes, admin and strangers are refused", async () => {
    const { f, pool } = await setup();
    const job = await f.post(f.request(pool), 3n);
    for (const who of [f.admin, f.other, f.node(0).owner, f.treasury]) {
      const m = await as(f, "JobMarket", f.market.address, who);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        m.write.cancel([job]),
        f.market,
        "JobMarketNotRequester",
        [job, who.account.address],
      );
    }
    assert.equal((await f.market.read.job([job])).status, 1);
  });

  it("disputes: only the requester or a participant raises one; only the dispute's arbiter rules; SimpleArbiter is owner/committee-only", async () => {
    const { f, steps, pool } = await setup();
    const job = await f.post(f.request(pool), 3n);
    await steps.report(f.node(0), job, "a");
    await steps.report(f.node(1), job, "a");
    await steps.report(f.node(2), job, "a");
    const record = at(await f.market.getEvents.JobSettled({ jobId: job }), 0).args.record!;
    const deposit = (await f.market.read.params())[4];
    for (const who of [f.admin, f.other, f.treasury]) {
      const m = await as(f, "JobMarket", f.market.address, who);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        m.write.raiseDispute([job, record, "e"], { value: deposit }),
        f.market,
        "JobMarketNotParticipant",
        [job, who.account.address],
      );
    }
    await (await f.asWallet(f.requester)).write.raiseDispute([job, record, "e"], { value: deposit });
    // The market's admin, the requester, the nodes and strangers are not the arbiter.
    for (const who of [f.admin, f.requester, f.node(0).owner, f.other]) {
      const m = await as(f, "JobMarket", f.market.address, who);
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        m.write.rule([job, false, record]),
        f.market,
        "JobMarketNotArbiter",
        [job, who.account.address],
      );
    }
    for (const who of [f.requester, f.node(0).owner, f.other]) {
      const a = await as(f, "SimpleArbiter", f.arbiter.address, who);
      for (const call of [
        a.write.rule([f.market.address, job, false, record]),
        a.write.setMember([who.account.address, true]),
        a.write.setThreshold([1]),
        a.write.transferOwnership([who.account.address]),
      ]) {
        await f.viem.assertions.revertWithCustomErrorWithArgs(call, f.arbiter, "OwnableUnauthorizedAccount", [
          who.account.address,
        ]);
      }
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        a.write.vote([f.market.address, job, false, record]),
        f.arbiter,
        "SimpleArbiterNotMember",
        [who.account.address],
      );
    }
    assert.equal((await f.market.read.disputeOf([job])).resolved, false);
  });
});

describe("Access control: the admin cannot take users' funds", () => {
  it("every admin function of the registry and the market, at its most extreme, moves no escrow, balance or bond", async () => {
    const { f, steps, pool } = await setup();
    // Funds everywhere: an open job's escrow, a settled job's held payouts and fee, bonds, and a lock.
    const settledJob = await f.post(f.request(pool), 3n);
    for (const i of [0, 1, 2]) await steps.report(f.node(i), settledJob, "a");
    const openJob = await f.post(f.request(pool), 3n);
    await steps.report(f.node(0), openJob, "a");

    const accounts = [f.admin, f.requester, f.treasury, f.carrier, f.other, ...f.nodes.map((n) => n.owner)];
    async function snapshot() {
      const pc = f.publicClient;
      return {
        market: await pc.getBalance({ address: f.market.address }),
        registry: await pc.getBalance({ address: f.registry.address }),
        balances: await Promise.all(
          accounts.map((a) => f.market.read.balanceDetails([a.account.address, ETH])),
        ),
        bonds: await Promise.all(f.nodes.map((n) => f.registry.read.bondInfo([n.id]))),
        open: await f.market.read.job([openJob]),
      };
    }
    const before = await snapshot();

    const admin = f.admin.account.address;
    const m = f.market.write;
    const r = f.registry.write;
    await m.setProtocolFee([1000]);
    await m.setTreasury([admin]);
    await m.setTokenAllowed([f.other.account.address, true]);
    await m.setArbiter([admin]);
    await m.setDisputeParams([365 * 24 * 3600, parseEther("1000"), 365 * 24 * 3600]);
    await m.pause();
    await m.unpause();
    await r.setBondToken([ETH, true, parseEther("1000000")]);
    await r.setBondToken([f.other.account.address, true, 0n]);
    await r.setUnbondingDelay([90 * 24 * 3600]);
    await r.pause();
    // The job market can never be repointed at a contract that drains bonds.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      r.setJobMarket([admin]),
      f.registry,
      "NodeRegistryJobMarketAlreadySet",
      [f.market.address],
    );
    // The admin holds nothing in the market and cannot have the registry pay out bonds.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      m.withdraw([ETH]),
      f.market,
      "JobMarketNothingToWithdraw",
      [admin, ETH],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      r.paySlashed([0, BOND]),
      f.registry,
      "NodeRegistryCallerNotJobMarket",
      [admin],
    );

    assert.deepEqual(await snapshot(), before);

    // And users still get every wei out, with the registry paused: withdrawals are never blocked.
    const t = f.networkHelpers.time;
    await t.increase(30 * 24 * 3600);
    await f.market.write.settle([openJob]);
    await t.increase(2 * 24 * 3600);
    for (const a of accounts) {
      const amount = await f.market.read.balanceOf([a.account.address, ETH]);
      if (amount !== 0n) await (await f.asWallet(a)).write.withdraw([ETH]);
    }
    const node = f.node(2);
    const reg = await as(f, "NodeRegistry", f.registry.address, node.owner);
    await reg.write.requestUnbond([node.id, BOND]);
    // The admin raised the delay to its cap (90 days): the one thing it can do to bonds is delay them.
    await t.increase(90 * 24 * 3600);
    await f.viem.assertions.balancesHaveChanged(reg.write.withdrawBond([node.id]), [
      { address: node.owner.account.address, amount: BOND },
    ]);
    assert.equal(await f.publicClient.getBalance({ address: f.market.address }), 0n);
  });
});
