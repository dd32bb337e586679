/**
 * Bad input at the contracts: every case is refused with its custom error and arguments, and
 * nothing changes — the market's and the registry's ETH, every account's market balance, every
 * node's bond, and the job, node and pool counters are the same before and after.
 * The cases are listed in test/BAD_INPUT.md.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { maxUint96, parseEther, zeroAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { ETH, L, PRICE, S, deployMarket, digestOf, nodeSteps, type Market } from "../market/fixture.ts";
import { sampleCapabilities, samplePrices } from "../registry/helpers.ts";

const NONE16 = `0x${"00".repeat(16)}` as Hex;
const REQ = { gpuModel: NONE16, region: NONE16, minGpuCount: 0, minMemoryGB: 0, minBandwidthMbps: 0 };
const UNKNOWN_TOKEN = "0x00000000000000000000000000000000000b0b0b" as const;

async function setup() {
  const f = await deployMarket(await network.create(), 4);
  const steps = nodeSteps(f);
  const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes.slice(0, 3));
  const strictPool = await f.createPool(S.MajorityRule, L.Strict, f.nodes.slice(0, 3), 3);
  return { f, steps, pool, strictPool };
}

/** Everything a refused call must leave as it was. */
async function state(f: Market) {
  const pc = f.publicClient;
  const accounts = [f.admin, f.requester, f.treasury, f.carrier, f.other, ...f.nodes.map((n) => n.owner)];
  const last = await f.market.read.lastJobId();
  return {
    market: await pc.getBalance({ address: f.market.address }),
    registry: await pc.getBalance({ address: f.registry.address }),
    balances: await Promise.all(accounts.map((a) => f.market.read.balanceDetails([a.account.address, ETH]))),
    bonds: await Promise.all(f.nodes.map((n) => f.registry.read.bondInfo([n.id]))),
    jobs: last,
    lastJob: last === 0n ? null : await f.market.read.job([last]),
    nodes: await f.registry.read.nodeCount(),
    pools: await f.pools.read.poolCount(),
    members: await f.pools.read.memberCount([1n]),
  };
}

/** Asserts `call` reverts with `error(args)` on `contract` and that nothing changed. */
async function refused(
  f: Market,
  call: () => Promise<unknown>,
  contract: { abi: readonly unknown[]; address: `0x${string}` },
  error: string,
  args: unknown[],
) {
  const before = await state(f);
  await f.viem.assertions.revertWithCustomErrorWithArgs(
    call() as Promise<`0x${string}`>,
    contract as Parameters<typeof f.viem.assertions.revertWithCustomErrorWithArgs>[1],
    error,
    args,
  );
  assert.deepEqual(await state(f), before, `${error}: state changed`);
}

describe("Bad input at the contracts: typed error, no state change, nothing lost", () => {
  it("NodeRegistry.register: zero signer, unknown tokens, wrong ETH value, malformed capabilities", async () => {
    const { f } = await setup();
    const r = await f.viem.getContractAt("NodeRegistry", f.registry.address, { client: { wallet: f.other } });
    const signer = f.other.account.address;
    const reg = (over: {
      signer?: `0x${string}`;
      token?: `0x${string}`;
      amount?: bigint;
      caps?: object;
      prices?: object;
      value?: bigint;
    }) =>
      r.write.register(
        [
          over.signer ?? signer,
          over.token ?? ETH,
          over.amount ?? parseEther("1"),
          { ...sampleCapabilities(), ...(over.caps ?? {}) },
          { ...samplePrices(), ...(over.prices ?? {}) },
          `0x${"00".repeat(32)}`,
          "",
        ],
        { value: over.value ?? parseEther("1") },
      );
    await refused(f, () => reg({ signer: zeroAddress }), f.registry, "NodeRegistryZeroSigner", []);
    await refused(
      f,
      () => reg({ token: UNKNOWN_TOKEN, value: 0n }),
      f.registry,
      "NodeRegistryTokenNotAllowed",
      [UNKNOWN_TOKEN],
    );
    await refused(
      f,
      () => reg({ prices: { token: UNKNOWN_TOKEN } }),
      f.registry,
      "NodeRegistryTokenNotAllowed",
      [UNKNOWN_TOKEN],
    );
    await refused(f, () => reg({ value: 1n }), f.registry, "NodeRegistryValueMismatch", [
      parseEther("1"),
      1n,
    ]);
    await refused(f, () => reg({ amount: 0n, value: 5n }), f.registry, "NodeRegistryValueMismatch", [0n, 5n]);
    await refused(
      f,
      () => reg({ caps: { gpuInterconnect: 3 } }),
      f.registry,
      "NodeRegistryInvalidCapability",
      [0, 3],
    );
    await refused(
      f,
      () => reg({ caps: { cpuArch: 2 } }),
      f.registry,
      "NodeRegistryInvalidCapability",
      [1, 2],
    );
    await refused(
      f,
      () => reg({ caps: { memoryType: 9 } }),
      f.registry,
      "NodeRegistryInvalidCapability",
      [2, 9],
    );
    await refused(
      f,
      () => reg({ caps: { storageType: 255 } }),
      f.registry,
      "NodeRegistryInvalidCapability",
      [3, 255],
    );
  });

  it("NodeRegistry bonds: zero and absurd amounts, early and unrequested withdrawals, unknown nodes, admin ranges", async () => {
    const { f } = await setup();
    const node = f.node(0);
    const r = await f.viem.getContractAt("NodeRegistry", f.registry.address, {
      client: { wallet: node.owner },
    });
    await refused(f, () => r.write.bond([node.id, 0n]), f.registry, "NodeRegistryZeroAmount", []);
    await refused(
      f,
      () => r.write.bond([node.id, 5n], { value: 4n }),
      f.registry,
      "NodeRegistryValueMismatch",
      [5n, 4n],
    );
    await refused(f, () => r.write.requestUnbond([node.id, 0n]), f.registry, "NodeRegistryZeroAmount", []);
    await refused(
      f,
      () => r.write.requestUnbond([node.id, maxUint96]),
      f.registry,
      "NodeRegistryInsufficientFreeBond",
      [node.id, parseEther("10"), maxUint96],
    );
    await refused(f, () => r.write.withdrawBond([node.id]), f.registry, "NodeRegistryNoUnbonding", [node.id]);
    await refused(f, () => r.write.cancelUnbond([node.id]), f.registry, "NodeRegistryNoUnbonding", [node.id]);
    await refused(f, () => r.write.heartbeat([999n]), f.registry, "NodeRegistryUnknownNode", [999n]);
    await refused(f, () => r.write.resumeNode([node.id]), f.registry, "NodeRegistryBadStatus", [node.id, 1]);
    await refused(
      f,
      () => f.registry.write.setUnbondingDelay([59]),
      f.registry,
      "NodeRegistryUnbondingDelayOutOfRange",
      [59, 3600, 90 * 24 * 3600],
    );
    await refused(
      f,
      () => f.registry.write.setBondToken([ETH, false, 0n]),
      f.registry,
      "NodeRegistryEthAlwaysAllowed",
      [],
    );
    await refused(
      f,
      () => f.registry.write.setJobMarket([zeroAddress]),
      f.registry,
      "NodeRegistryZeroAddress",
      [],
    );
    await assert.rejects(f.registry.read.getNode([0n]), /NodeRegistryUnknownNode/);
    // Early withdrawal: requested, but before the delay.
    await r.write.requestUnbond([node.id, 1n]);
    const readyAt = (await f.registry.read.bondInfo([node.id])).unbondReadyAt;
    const before = await state(f);
    await assert.rejects(r.write.withdrawBond([node.id]), /NodeRegistryUnbondingNotReady/);
    assert.deepEqual(await state(f), before);
    assert.ok(readyAt > 0);
  });

  it("PoolRegistry: impossible strategy/redundancy pairs, reputation above 1, unknown pools and nodes, duplicates", async () => {
    const { f, pool } = await setup();
    const p = await f.viem.getContractAt("PoolRegistry", f.pools.address, {
      client: { wallet: f.requester },
    });
    const policy = (strategy: number, redundancy: number, minReputation = 0) => ({
      strategy,
      redundancy,
      verification: L.Standard,
      open: false,
      minReputation,
      minBond: 0n,
    });
    for (const [s, n] of [
      [S.FastestWins, 3],
      [S.TwoOfThree, 5],
      [S.ThreeOfFive, 3],
      [S.BFT, 2],
      [S.MajorityRule, 17],
      [S.PoS, 0],
    ] as const) {
      await refused(
        f,
        () => p.write.createPool([policy(s, n), REQ, []]),
        f.pools,
        "PoolRegistryInvalidRedundancy",
        [s, n],
      );
    }
    await refused(
      f,
      () => p.write.createPool([policy(S.MajorityRule, 3, 1_000_001), REQ, []]),
      f.pools,
      "PoolRegistryInvalidMinReputation",
      [1_000_001],
    );
    await refused(
      f,
      () => p.write.createPool([policy(S.MajorityRule, 3), REQ, [99n]]),
      f.pools,
      "PoolRegistryUnknownNode",
      [99n],
    );
    await refused(f, () => p.write.addNode([pool, 1n]), f.pools, "PoolRegistryAlreadyMember", [pool, 1n]);
    await refused(f, () => p.write.removeNode([pool, 4n]), f.pools, "PoolRegistryNotMember", [pool, 4n]);
    await refused(f, () => p.write.addNode([99n, 1n]), f.pools, "PoolRegistryUnknownPool", [99n]);
    await refused(
      f,
      () => p.write.transferPoolOwnership([pool, zeroAddress]),
      f.pools,
      "PoolRegistryZeroAddress",
      [],
    );
    const closed = await p.write
      .createPool([policy(S.MajorityRule, 1), REQ, []])
      .then(() => f.pools.read.poolCount());
    const owner4 = await f.viem.getContractAt("PoolRegistry", f.pools.address, {
      client: { wallet: f.node(3).owner },
    });
    await refused(f, () => owner4.write.joinPool([closed, f.node(3).id]), f.pools, "PoolRegistryPoolClosed", [
      closed,
    ]);
  });

  it("JobMarket.postJob: unknown strategy, impossible n, no stake, absurd collateral, bad runtime and windows, unknown token, wrong value, bad directed lists", async () => {
    const { f, pool } = await setup();
    const m = await f.asWallet(f.requester);
    const post = (over: Parameters<Market["request"]>[1], value = 3n * PRICE) =>
      m.write.postJob([f.request(pool, over)], { value });
    const W = 3600;
    await refused(f, () => post({ strategy: 6 }), f.market, "JobMarketUnknownStrategy", [6]);
    await refused(
      f,
      () => post({ strategy: S.MajorityRule, redundancy: 17 }),
      f.market,
      "JobMarketInconsistentRedundancy",
      [S.MajorityRule, 17n],
    );
    await refused(
      f,
      () => post({ strategy: S.TwoOfThree, redundancy: 4 }),
      f.market,
      "JobMarketInconsistentRedundancy",
      [S.TwoOfThree, 4n],
    );
    await refused(
      f,
      () => post({ strategy: S.FastestWins, redundancy: 2 }),
      f.market,
      "JobMarketInconsistentRedundancy",
      [S.FastestWins, 2n],
    );
    await refused(
      f,
      () => post({ strategy: S.PoS, redundancy: 3, collateralPerNode: 0n }),
      f.market,
      "JobMarketStakeRequired",
      [S.PoS],
    );
    await refused(f, () => post({ collateralPerNode: maxUint96 }), f.market, "JobMarketCollateralTooLarge", [
      maxUint96,
      2n ** 72n - 1n,
    ]);
    await refused(f, () => post({ runtime: 3 }), f.market, "JobMarketBadRuntime", [3]);
    await refused(f, () => post({ commitWindow: 0 }), f.market, "JobMarketBadWindows", [0, W]);
    await refused(f, () => post({ revealWindow: 366 * 24 * 3600 }), f.market, "JobMarketBadWindows", [
      W,
      366 * 24 * 3600,
    ]);
    await refused(f, () => post({ token: UNKNOWN_TOKEN }, 0n), f.market, "JobMarketTokenNotAllowed", [
      UNKNOWN_TOKEN,
    ]);
    await refused(f, () => post({}, 3n * PRICE - 1n), f.market, "JobMarketWrongValue", [
      3n * PRICE,
      3n * PRICE - 1n,
    ]);
    await refused(f, () => post({ nodes: [1n, 2n] }), f.market, "JobMarketDirectedNodeCount", [3n, 2n]);
    await refused(f, () => post({ nodes: [1n, 2n, 1n] }), f.market, "JobMarketDuplicateNode", [1n]);
    await refused(f, () => post({ nodes: [1n, 2n, 4n] }), f.market, "JobMarketNotPoolMember", [pool, 4n]);
    await refused(
      f,
      () => m.write.postJob([f.request(99n)], { value: 3n * PRICE }),
      f.pools,
      "PoolRegistryUnknownPool",
      [99n],
    );
  });

  it("JobMarket node steps: unknown job, expired deadline, full slots, double take, double report, invoice above price, wrong level", async () => {
    const { f, steps, pool, strictPool } = await setup();
    const job = await f.post(f.request(pool), 3n);
    const asNode = async (i: number) => await steps.asNode(f.node(i));
    const n0 = await asNode(0);
    await refused(f, () => n0.write.takeSlot([999n, 1n]), f.market, "JobMarketUnknownJob", [999n]);
    await refused(
      f,
      () => n0.write.report([job, 1n, digestOf("a"), PRICE + 1n, "r"]),
      f.market,
      "JobMarketInvoiceTooHigh",
      [PRICE + 1n, PRICE],
    );
    await refused(f, () => n0.write.commit([job, 1n, digestOf("s")]), f.market, "JobMarketWrongLevel", [
      job,
      L.Standard,
    ]);
    await steps.report(f.node(0), job, "a");
    await refused(
      f,
      () => n0.write.report([job, 1n, digestOf("b"), 0n, "r"]),
      f.market,
      "JobMarketAlreadyRevealed",
      [job, 0],
    );
    await refused(f, () => n0.write.takeSlot([job, 1n]), f.market, "JobMarketAlreadyTaken", [job, 1n]);
    // Slots full: a 2-of-3 job in a pool of four, four takers.
    const wide = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const job2 = await f.post(f.request(wide), 3n);
    for (const i of [0, 1, 2]) await (await asNode(i)).write.takeSlot([job2, f.node(i).id]);
    await refused(
      f,
      async () => (await asNode(3)).write.takeSlot([job2, f.node(3).id]),
      f.market,
      "JobMarketSlotsFull",
      [job2, 3],
    );
    // Expired deadline.
    const job3 = await f.post(f.request(pool), 3n);
    const deadline = (await f.market.read.job([job3])).commitDeadline;
    await f.networkHelpers.time.increaseTo(deadline + 1);
    await refused(f, () => n0.write.takeSlot([job3, 1n]), f.market, "JobMarketCommitClosed", [
      job3,
      deadline,
    ]);
    // Strict: a reveal before the commit phase closes, and one that does not match its seal.
    const sj = await f.post(f.request(strictPool), 3n);
    const rv = f.revealOf("a");
    await steps.commit(f.node(0), sj, rv);
    await refused(f, () => n0.write.reveal([sj, 0, rv]), f.market, "JobMarketRevealNotOpen", [
      sj,
      1,
      (await f.market.read.job([sj])).commitDeadline,
    ]);
    await steps.commit(f.node(1), sj, f.revealOf("a"));
    await steps.commit(f.node(2), sj, f.revealOf("a"));
    await refused(
      f,
      () => n0.write.reveal([sj, 0, { ...rv, digest: digestOf("b") }]),
      f.market,
      "JobMarketSealMismatch",
      [sj, 0],
    );
    await refused(
      f,
      () => n0.write.reveal([sj, 0, { ...rv, invoice: 1n }]),
      f.market,
      "JobMarketSealMismatch",
      [sj, 0],
    );
  });

  it("JobMarket signatures: forged (wrong key), replayed on another job, and wrong chain are refused", async () => {
    const { f, strictPool } = await setup();
    const j1 = await f.post(f.request(strictPool), 3n);
    const j2 = await f.post(f.request(strictPool), 3n);
    const node = f.node(0);
    const seal = f.seal(j1, node.id, f.revealOf("a"));
    const carrier = await f.asWallet(f.carrier);
    const forger = privateKeyToAccount(generatePrivateKey());
    const forged = await f.signCommit(node, j1, seal, forger);
    await refused(
      f,
      () => carrier.write.commitSigned([[{ jobId: j1, nodeId: node.id, seal, signature: forged }]]),
      f.market,
      "JobMarketInvalidSignature",
      [j1, node.id, node.signer.address],
    );
    const good = await f.signCommit(node, j1, seal);
    await refused(
      f,
      () => carrier.write.commitSigned([[{ jobId: j2, nodeId: node.id, seal, signature: good }]]),
      f.market,
      "JobMarketInvalidSignature",
      [j2, node.id, node.signer.address],
    );
    const otherChain = await f.signCommit(node, j1, seal, node.signer, {
      ...f.domain,
      chainId: f.chainId + 1,
    });
    await refused(
      f,
      () => carrier.write.commitSigned([[{ jobId: j1, nodeId: node.id, seal, signature: otherChain }]]),
      f.market,
      "JobMarketInvalidSignature",
      [j1, node.id, node.signer.address],
    );
    await refused(
      f,
      () => carrier.write.commitSigned([[{ jobId: j1, nodeId: node.id, seal, signature: "0x1234" }]]),
      f.market,
      "JobMarketInvalidSignature",
      [j1, node.id, node.signer.address],
    );
  });

  it("JobMarket settlement, cancel, withdraw and disputes: too early, too late, nothing owed, wrong deposit, tampered record, stray ETH", async () => {
    const { f, steps, pool } = await setup();
    const job = await f.post(f.request(pool), 3n);
    const req = await f.asWallet(f.requester);
    await refused(f, () => f.market.write.settle([job]), f.market, "JobMarketNotSettleable", [job]);
    await refused(
      f,
      async () => (await f.asWallet(f.other)).write.withdraw([ETH]),
      f.market,
      "JobMarketNothingToWithdraw",
      [f.other.account.address, ETH],
    );
    await steps.report(f.node(0), job, "a");
    await refused(f, () => req.write.cancel([job]), f.market, "JobMarketSlotAlreadyTaken", [job, 1]);
    await steps.report(f.node(1), job, "a");
    await steps.report(f.node(2), job, "a");
    const record = (await f.market.getEvents.JobSettled({ jobId: job }))[0]!.args.record!;
    const deposit = (await f.market.read.params())[4];
    await refused(
      f,
      () => req.write.raiseDispute([job, record, "e"], { value: deposit - 1n }),
      f.market,
      "JobMarketWrongValue",
      [deposit, deposit - 1n],
    );
    await refused(
      f,
      () => req.write.raiseDispute([job, { ...record, fee: 0n }, "e"], { value: deposit }),
      f.market,
      "JobMarketRecordMismatch",
      [job],
    );
    await refused(f, () => req.write.cancel([job]), f.market, "JobMarketJobNotOpen", [job, 2]);
    await refused(f, () => req.write.finalizeDispute([job]), f.market, "JobMarketNoOpenDispute", [job]);
    await refused(
      f,
      () => f.market.write.setProtocolFee([1001]),
      f.market,
      "JobMarketFeeTooHigh",
      [1001, 1000],
    );
    await refused(
      f,
      () => f.requester.sendTransaction({ to: f.market.address, value: 1n }),
      f.market,
      "JobMarketUnexpectedEth",
      [f.requester.account.address],
    );
  });
});
