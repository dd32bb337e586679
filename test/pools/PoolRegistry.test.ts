/**
 * PoolRegistry on Hardhat's chain over a real NodeRegistry: creation and policy validation,
 * owner-managed membership, open joins against requirements, leaving, views and every revert.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";

import {
  MIN_BOND,
  SAMPLE_METADATA_HASH,
  code16,
  deployPools,
  deployRegistry,
  sampleCapabilities,
  samplePrices,
} from "../registry/helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const ZERO16 = `0x${"00".repeat(16)}` as const;
const policy = (
  over: Partial<{
    strategy: number;
    redundancy: number;
    verification: number;
    open: boolean;
    minReputation: number;
    minBond: bigint;
  }> = {},
) => ({
  strategy: 2,
  redundancy: 3,
  verification: 2,
  open: true,
  minReputation: 0,
  minBond: 0n,
  ...over,
});
const requirements = (
  over: Partial<{
    gpuModel: `0x${string}`;
    region: `0x${string}`;
    minGpuCount: number;
    minMemoryGB: number;
    minBandwidthMbps: number;
  }> = {},
) => ({
  gpuModel: ZERO16 as `0x${string}`,
  region: ZERO16 as `0x${string}`,
  minGpuCount: 0,
  minMemoryGB: 0,
  minBandwidthMbps: 0,
  ...over,
});

/** Nodes 1..3 owned by alice (bonded), node 4 owned by bob (bonded), node 5 alice's without bond. */
async function poolFixture() {
  const f = await deployRegistry(viem, { harnessAsMarket: false });
  const pools = await deployPools(viem, f.registry.address);
  for (const [owner, value] of [
    [f.alice, MIN_BOND],
    [f.alice, MIN_BOND],
    [f.alice, MIN_BOND],
    [f.bob, MIN_BOND],
    [f.alice, 0n],
  ] as const) {
    await f.registry.write.register(
      [
        owner.account.address,
        zeroAddress,
        value,
        sampleCapabilities(),
        samplePrices(),
        SAMPLE_METADATA_HASH,
        "",
      ],
      {
        account: owner.account,
        value,
      },
    );
  }
  await pools.write.createPool([policy(), requirements(), [1n, 2n]], { account: f.carol.account });
  return { ...f, pools };
}

describe("PoolRegistry", () => {
  it("creates pools with sequential ids, members and events", async () => {
    const { pools, carol, registry } = await loadFixture(poolFixture);
    assert.equal(await pools.read.poolCount(), 1n);
    assert.equal(await pools.read.nodeRegistry(), getAddress(registry.address));
    const [owner, pol, req, count] = await pools.read.getPool([1n]);
    assert.equal(owner, getAddress(carol.account.address));
    assert.deepEqual(pol, policy());
    assert.deepEqual(req, requirements());
    assert.equal(count, 2n);
    assert.deepEqual(await pools.read.members([1n, 0n, 10n]), [1n, 2n]);
    assert.deepEqual(await pools.read.members([1n, 1n, 10n]), [2n]);
    assert.deepEqual(await pools.read.members([1n, 5n, 10n]), []);
    assert.equal(await pools.read.isMember([1n, 1n]), true);
    assert.equal(await pools.read.isMember([1n, 3n]), false);
    const hash = pools.write.createPool([policy({ strategy: 0, redundancy: 0 }), requirements(), [3n]], {
      account: carol.account,
    });
    await viem.assertions.emitWithArgs(hash, pools, "NodeJoinedPool", [
      2n,
      3n,
      getAddress(carol.account.address),
    ]);
    assert.equal((await pools.read.poolPolicy([2n]))[0].redundancy, 1, "fastest-wins 0 is stored as 1");
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.read.poolPolicy([9n]),
      pools,
      "PoolRegistryUnknownPool",
      [9n],
    );
  });

  it("validates strategy and redundancy", async () => {
    const { pools } = await loadFixture(poolFixture);
    const bad: [number, number][] = [
      [0, 2],
      [1, 0],
      [1, 17],
      [2, 2],
      [2, 4],
      [3, 3],
      [4, 2],
      [4, 17],
      [5, 0],
    ];
    for (const [strategy, redundancy] of bad) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        pools.write.createPool([policy({ strategy, redundancy }), requirements(), []]),
        pools,
        "PoolRegistryInvalidRedundancy",
        [strategy, redundancy],
      );
    }
    const good: [number, number, number][] = [
      [0, 1, 1],
      [1, 1, 1],
      [1, 16, 16],
      [2, 0, 3],
      [3, 5, 5],
      [3, 0, 5],
      [4, 3, 3],
      [4, 16, 16],
      [5, 1, 1],
    ];
    for (const [strategy, redundancy, stored] of good) {
      await pools.write.createPool([policy({ strategy, redundancy }), requirements(), []]);
      const id = await pools.read.poolCount();
      assert.equal((await pools.read.poolPolicy([id]))[0].redundancy, stored);
    }
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.createPool([policy({ minReputation: 1_000_001 }), requirements(), []]),
      pools,
      "PoolRegistryInvalidMinReputation",
      [1_000_001],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.createPool([policy(), requirements(), [99n]]),
      pools,
      "PoolRegistryUnknownNode",
      [99n],
    );
  });

  it("lets the pool owner add, remove, replace, update and transfer; nobody else", async () => {
    const { pools, carol, alice, mallory, registry } = await loadFixture(poolFixture);
    const as = { account: carol.account };
    await viem.assertions.emitWithArgs(pools.write.addNode([1n, 4n], as), pools, "NodeJoinedPool", [
      1n,
      4n,
      getAddress(carol.account.address),
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.addNode([1n, 4n], as),
      pools,
      "PoolRegistryAlreadyMember",
      [1n, 4n],
    );
    await viem.assertions.emitWithArgs(pools.write.removeNode([1n, 4n], as), pools, "NodeLeftPool", [
      1n,
      4n,
      getAddress(carol.account.address),
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.removeNode([1n, 4n], as),
      pools,
      "PoolRegistryNotMember",
      [1n, 4n],
    );
    await viem.assertions.emitWithArgs(pools.write.replaceNode([1n, 2n, 5n], as), pools, "NodeJoinedPool", [
      1n,
      5n,
      getAddress(carol.account.address),
    ]);
    assert.equal(await pools.read.isMember([1n, 2n]), false);
    assert.equal(await pools.read.isMember([1n, 5n]), true, "the owner's choice: no requirement check");
    await registry.write.deregister([3n], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.addNode([1n, 3n], as),
      pools,
      "PoolRegistryNodeDeregistered",
      [3n],
    );
    const next = policy({ strategy: 3, redundancy: 5, open: false });
    await viem.assertions.emitWithArgs(
      pools.write.setPolicy([1n, next, requirements()], as),
      pools,
      "PoolPolicyUpdated",
      [1n, next, requirements()],
    );
    for (const call of [
      () => pools.write.addNode([1n, 4n], { account: mallory.account }),
      () => pools.write.removeNode([1n, 1n], { account: mallory.account }),
      () => pools.write.replaceNode([1n, 1n, 4n], { account: mallory.account }),
      () => pools.write.setPolicy([1n, next, requirements()], { account: mallory.account }),
      () => pools.write.transferPoolOwnership([1n, mallory.account.address], { account: mallory.account }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(call(), pools, "PoolRegistryNotPoolOwner", [
        1n,
        getAddress(mallory.account.address),
      ]);
    }
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.addNode([7n, 4n], as),
      pools,
      "PoolRegistryUnknownPool",
      [7n],
    );
    await viem.assertions.revertWithCustomError(
      pools.write.transferPoolOwnership([1n, zeroAddress], as),
      pools,
      "PoolRegistryZeroAddress",
    );
    await viem.assertions.emitWithArgs(
      pools.write.transferPoolOwnership([1n, alice.account.address], as),
      pools,
      "PoolOwnershipTransferred",
      [1n, getAddress(carol.account.address), getAddress(alice.account.address)],
    );
    assert.equal((await pools.read.poolPolicy([1n]))[1], getAddress(alice.account.address));
  });

  it("lets a node's owner join an open pool it qualifies for, and leave any pool", async () => {
    const { pools, alice, bob, carol, registry } = await loadFixture(poolFixture);
    await viem.assertions.emitWithArgs(
      pools.write.joinPool([1n, 4n], { account: bob.account }),
      pools,
      "NodeJoinedPool",
      [1n, 4n, getAddress(bob.account.address)],
    );
    await viem.assertions.emitWithArgs(
      pools.write.leavePool([1n, 4n], { account: bob.account }),
      pools,
      "NodeLeftPool",
      [1n, 4n, getAddress(bob.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.leavePool([1n, 4n], { account: bob.account }),
      pools,
      "PoolRegistryNotMember",
      [1n, 4n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.joinPool([1n, 4n], { account: alice.account }),
      pools,
      "PoolRegistryNotNodeOwner",
      [4n, getAddress(alice.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.leavePool([1n, 1n], { account: bob.account }),
      pools,
      "PoolRegistryNotNodeOwner",
      [1n, getAddress(bob.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.joinPool([1n, 9n], { account: bob.account }),
      pools,
      "PoolRegistryUnknownNode",
      [9n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.joinPool([1n, 5n], { account: alice.account }),
      pools,
      "PoolRegistryRequirementNotMet",
      [1n, 5n, 0],
    );
    // A node may leave even after deregistering.
    await registry.write.deregister([1n], { account: alice.account });
    await pools.write.leavePool([1n, 1n], { account: alice.account });

    const cases = [
      [policy({ minReputation: 500_001 }), requirements(), 1],
      [policy({ minBond: MIN_BOND + 1n }), requirements(), 2],
      [policy(), requirements({ minGpuCount: 9 }), 3],
      [policy(), requirements({ gpuModel: code16("h100") }), 4],
      [policy(), requirements({ minMemoryGB: 1025 }), 5],
      [policy(), requirements({ minBandwidthMbps: 10_001 }), 6],
      [policy(), requirements({ region: code16("eu-west-1") }), 7],
    ] as const;
    for (const [pol, req, code] of cases) {
      await pools.write.createPool([pol, req, []], { account: carol.account });
      const id = await pools.read.poolCount();
      await viem.assertions.revertWithCustomErrorWithArgs(
        pools.write.joinPool([id, 4n], { account: bob.account }),
        pools,
        "PoolRegistryRequirementNotMet",
        [id, 4n, code],
      );
    }
    await pools.write.createPool(
      [
        policy({ minReputation: 500_000, minBond: MIN_BOND }),
        requirements({
          gpuModel: code16("a100"),
          region: code16("us-east-1"),
          minGpuCount: 8,
          minMemoryGB: 1024,
          minBandwidthMbps: 10_000,
        }),
        [],
      ],
      { account: carol.account },
    );
    await pools.write.joinPool([await pools.read.poolCount(), 4n], { account: bob.account });
    await pools.write.createPool([policy({ open: false }), requirements(), []], { account: carol.account });
    const closed = await pools.read.poolCount();
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.joinPool([closed, 4n], { account: bob.account }),
      pools,
      "PoolRegistryPoolClosed",
      [closed],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      pools.write.leavePool([99n, 4n], { account: bob.account }),
      pools,
      "PoolRegistryUnknownPool",
      [99n],
    );
    assert.equal(await pools.read.memberCount([closed]), 0n);
  });
});
