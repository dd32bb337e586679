/**
 * The nodes' ledgers (lock, release, slash, outcomes) through JobMarketHarness, a real contract
 * keeping them with the market's own code (NodeAccounts) as the registry's job market, and what
 * the registry sends it; and the admin functions with their access control.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";

import {
  MIN_BOND,
  SAMPLE_METADATA_HASH,
  UNBONDING_DELAY,
  deployRegistry,
  sampleCapabilities,
  samplePrices,
} from "./helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const COMPLETED = 1;
const FAILED = 2;
const SLASHED = 3;
const DISPUTE_LOST = 4;

/** Node 1: ETH bond 1 ETH-ish (10 x MIN_BOND); node 2: 1,000 mUSD; harness is the job market. */
async function marketFixture() {
  const f = await deployRegistry(viem);
  const bond = MIN_BOND * 10n;
  await f.registry.write.register(
    [
      f.bob.account.address,
      zeroAddress,
      bond,
      sampleCapabilities(),
      samplePrices(),
      SAMPLE_METADATA_HASH,
      "",
    ],
    {
      account: f.alice.account,
      value: bond,
    },
  );
  await f.token.write.mint([f.alice.account.address, 1_000_000_000n]);
  await f.token.write.approve([f.registry.address, 1_000_000_000n], { account: f.alice.account });
  await f.registry.write.register(
    [
      f.bob.account.address,
      f.token.address,
      1_000_000_000n,
      sampleCapabilities(),
      samplePrices(),
      SAMPLE_METADATA_HASH,
      "",
    ],
    {
      account: f.alice.account,
    },
  );
  return { ...f, bond };
}

/** Registers node 3 (owner alice, signer bob) without a bond: it has no ledger in the market yet. */
async function registerUnbonded({ registry, alice, bob }: Awaited<ReturnType<typeof marketFixture>>) {
  await registry.write.register(
    [bob.account.address, zeroAddress, 0n, sampleCapabilities(), samplePrices(), SAMPLE_METADATA_HASH, ""],
    { account: alice.account },
  );
}

describe("NodeRegistry: the job market's ledger", () => {
  it("pays slashed collateral only to the job market, and syncs the ledger only from the registry", async () => {
    const { registry, harness, mallory } = await loadFixture(marketFixture);
    const account = mallory.account;
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.paySlashed([0, 1n], { account }),
      registry,
      "NodeRegistryCallerNotJobMarket",
      [getAddress(mallory.account.address)],
    );
    // The harness's own guard, as the market's (JobMarketCallerNotNodeRegistry, tested with the market).
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.syncNode([1n, 0n, 1n, 0n], { account }),
      harness,
      "HarnessCallerNotRegistry",
      [getAddress(mallory.account.address)],
    );
  });

  it("locks free bond for an active node and releases it with an outcome", async () => {
    const { registry, harness, alice, bond } = await loadFixture(marketFixture);
    await viem.assertions.emitWithArgs(harness.write.lock([1n, 40n]), harness, "Locked", [
      getAddress(alice.account.address),
    ]);
    // The ledger's events come from the market's address (here the harness's).
    await viem.assertions.emitWithArgs(harness.write.lock([1n, 2n]), harness, "CollateralLocked", [
      1n,
      2n,
      42n,
    ]);
    assert.equal((await registry.read.nodeForJob([1n])).freeBond, bond - 42n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lock([1n, bond]),
      registry,
      "NodeRegistryInsufficientFreeBond",
      [1n, bond - 42n, bond],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.release([1n, 43n, COMPLETED]),
      registry,
      "NodeRegistryInsufficientLocked",
      [1n, 42n, 43n],
    );
    // A settlement's outcome is recorded silently (the market's JobSettled names the node).
    const released = await harness.write.release([1n, 40n, COMPLETED]);
    const block = (await (await viem.getPublicClient()).getTransactionReceipt({ hash: released }))
      .blockNumber;
    assert.deepEqual(await harness.getEvents.ReputationUpdated({}, { fromBlock: block, toBlock: block }), []);
    const [score, completed] = await registry.read.reputation([1n]);
    assert.equal(score, 666_666);
    assert.equal(completed, 1);
    await viem.assertions.emitWithArgs(harness.write.release([1n, 2n, 0]), harness, "CollateralReleased", [
      1n,
      2n,
      0n,
    ]);
    assert.equal((await registry.read.reputation([1n]))[1], 1, "Outcome.None records nothing");
    // Inactive nodes cannot be locked: paused, unbonding, unknown. The registry sends each change.
    await registry.write.pauseNode([1n], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lock([1n, 1n]),
      registry,
      "NodeRegistryNodeNotActive",
      [1n],
    );
    await registry.write.resumeNode([1n], { account: alice.account });
    await harness.write.lock([1n, 1n]);
    await registry.write.requestUnbond([1n, 1n], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lock([1n, 1n]),
      registry,
      "NodeRegistryNodeNotActive",
      [1n],
    );
    await registry.write.cancelUnbond([1n], { account: alice.account });
    await harness.write.lock([1n, 1n]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lock([9n, 1n]),
      registry,
      "NodeRegistryNodeNotActive",
      [9n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.release([9n, 0n, 1]),
      registry,
      "NodeRegistryUnknownNode",
      [9n],
    );
    // The registry's pause stops registrations and bonds, not jobs (the market has its own pause).
    await registry.write.pause();
    await harness.write.lock([2n, 1n]);
    assert.equal((await registry.read.bondInfo([2n])).locked, 1n);
  });

  it("a node registered without a bond has no ledger until its first bond, then is active", async () => {
    const f = await loadFixture(marketFixture);
    const { registry, harness, alice } = f;
    await registerUnbonded(f);
    assert.deepEqual(await harness.read.nodeMoneyWords([3n, 1n]), [0n]);
    assert.equal((await registry.read.nodeForJob([3n])).active, false);
    await registry.write.pauseNode([3n], { account: alice.account }); // no ledger: nothing sent
    await registry.write.resumeNode([3n], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lock([3n, 0n]),
      registry,
      "NodeRegistryNodeNotActive",
      [3n],
    );
    await registry.write.bond([3n, MIN_BOND], { account: alice.account, value: MIN_BOND });
    assert.deepEqual(await harness.read.nodeMoneyWords([3n, 1n]), [MIN_BOND]);
    assert.equal((await registry.read.nodeForJob([3n])).active, true);
    await harness.write.lock([3n, MIN_BOND]);
    assert.equal((await registry.read.bondInfo([3n])).locked, MIN_BOND);
  });

  it("gives the market a copy of each signer: at the first bond, on every change, none for an owner key", async () => {
    const f = await loadFixture(marketFixture);
    const { registry, harness, bob, alice, mallory } = f;
    assert.equal(await registry.read.signerOf([1n]), getAddress(bob.account.address));
    assert.equal(await registry.read.signerOf([9n]), zeroAddress);
    assert.equal(await harness.read.signerOf([1n]), getAddress(bob.account.address));
    assert.equal(await harness.read.signerOf([9n]), zeroAddress, "no account, no signer");
    // A change reaches the market in the same transaction.
    await registry.write.setSigner([2n, mallory.account.address], { account: alice.account });
    assert.equal(await harness.read.signerOf([2n]), getAddress(mallory.account.address));
    // The owner as signer is stored as nothing (the account's owner stands for it) and read back.
    const publicClient = await viem.getPublicClient();
    const toOwner = await registry.write.setSigner([2n, alice.account.address], { account: alice.account });
    const toOther = await registry.write.setSigner([2n, bob.account.address], { account: alice.account });
    const gas = async (hash: `0x${string}`) => (await publicClient.getTransactionReceipt({ hash })).gasUsed;
    assert.ok(
      (await gas(toOther)) - (await gas(toOwner)) > 10_000n,
      "writing the copy back costs a new word",
    );
    await registry.write.setSigner([2n, alice.account.address], { account: alice.account });
    assert.equal(await harness.read.signerOf([2n]), getAddress(alice.account.address));
    // A node registered without a bond has no account: its signer is sent when the account opens.
    await registerUnbonded(f);
    await registry.write.setSigner([3n, mallory.account.address], { account: alice.account });
    assert.equal(await harness.read.signerOf([3n]), zeroAddress);
    await registry.write.bond([3n, MIN_BOND], { account: alice.account, value: MIN_BOND });
    assert.equal(await harness.read.signerOf([3n]), getAddress(mallory.account.address));
  });

  it("locks and releases many nodes in one transaction, all or nothing, with one event per outcome", async () => {
    const { registry, harness, alice, bond } = await loadFixture(marketFixture);
    const lockHash = await harness.write.lockBatch([[1n, 2n], 7n]);
    const receipt = await (await viem.getPublicClient()).waitForTransactionReceipt({ hash: lockHash });
    const lockedEvents = await harness.getEvents.Locked({ blockHash: receipt.blockHash });
    assert.deepEqual(
      lockedEvents.map((e) => e.args.owner),
      [getAddress(alice.account.address), getAddress(alice.account.address)],
    );
    const ledgerLocks = await harness.getEvents.CollateralLocked({}, { blockHash: receipt.blockHash });
    assert.equal(ledgerLocks.length, 0, "batch locks announce nothing until their release");
    assert.equal((await registry.read.nodeForJob([1n])).freeBond, bond - 7n);
    // One node short of bond: nothing is locked for either.
    const tokenBond = 1_000_000_000n; // node 2's whole bond (node 1 has more)
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lockBatch([[1n, 2n], tokenBond]),
      registry,
      "NodeRegistryInsufficientFreeBond",
      [2n, tokenBond - 7n, tokenBond],
    );
    assert.equal((await registry.read.bondInfo([1n])).locked, 7n);
    await viem.assertions.emitWithArgs(
      harness.write.releaseBatch([[1n, 2n], 7n, [COMPLETED, 0]]),
      harness,
      "CollateralReleased",
      [2n, 7n, 0n],
    );
    assert.equal((await registry.read.bondInfo([1n])).locked, 0n);
    const [, completed1] = await registry.read.reputation([1n]);
    const [, completed2] = await registry.read.reputation([2n]);
    assert.equal(completed1, 1, "outcome recorded");
    assert.equal(completed2, 0, "None records nothing");
  });

  it("slashes locked ETH and tokens to the market, and the slashed part is never withdrawable", async () => {
    const { registry, harness, token, alice, publicClient, bond } = await loadFixture(marketFixture);
    await harness.write.lock([1n, 100n]);
    await viem.assertions.balancesHaveChanged(harness.write.slash([1n, 60n, SLASHED]), [
      { address: harness.address, amount: 60n },
      { address: registry.address, amount: -60n },
    ]);
    const info = await registry.read.bondInfo([1n]);
    assert.equal(info.bond, bond - 60n);
    assert.equal(info.locked, 40n);
    const rep = await registry.read.reputation([1n]);
    assert.equal(rep[0], 166_666, "1e6 * (0+1) / (0 + 4*1 + 2)");
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.slash([1n, 41n, SLASHED]),
      registry,
      "NodeRegistryInsufficientLocked",
      [1n, 40n, 41n],
    );
    // Ask for everything: only bond - locked is paid.
    await registry.write.requestUnbond([1n, bond - 100n], { account: alice.account });
    await time.increase(UNBONDING_DELAY);
    await viem.assertions.emitWithArgs(
      registry.write.withdrawBond([1n], { account: alice.account }),
      registry,
      "BondWithdrawn",
      [1n, getAddress(alice.account.address), zeroAddress, bond - 100n],
    );
    assert.equal(await publicClient.getBalance({ address: registry.address }), 40n, "the lock stays");
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.deregister([1n], { account: alice.account }),
      registry,
      "NodeRegistryCollateralLocked",
      [1n, 40n],
    );

    await harness.write.lock([2n, 500n]);
    await harness.write.slash([2n, 500n, DISPUTE_LOST]);
    assert.equal(await token.read.balanceOf([harness.address]), 500n);
    assert.equal((await registry.read.reputation([2n]))[4], 1);
  });

  it("slashes free bond up to what is free, even while unbonding, and records outcomes", async () => {
    const { registry, harness, alice, bond } = await loadFixture(marketFixture);
    await harness.write.lock([1n, 10n]);
    await registry.write.requestUnbond([1n, bond - 10n], { account: alice.account });
    await viem.assertions.emitWithArgs(harness.write.slashFree([1n, bond]), harness, "FreeBondSlashed", [
      1n,
      getAddress(harness.address),
      bond - 10n,
      10n,
    ]);
    await time.increase(UNBONDING_DELAY);
    await viem.assertions.emitWithArgs(
      registry.write.withdrawBond([1n], { account: alice.account }),
      registry,
      "BondWithdrawn",
      [1n, getAddress(alice.account.address), zeroAddress, 0n],
    );
    await harness.write.record([1n, FAILED]);
    assert.equal((await registry.read.reputation([1n]))[0], 333_333);
    // A lost dispute is announced: no JobSettled names the node. (1 + 0) / (0 + 1 + 8 + 2) in ppm.
    await viem.assertions.emitWithArgs(
      harness.write.record([1n, DISPUTE_LOST]),
      harness,
      "ReputationUpdated",
      [1n, DISPUTE_LOST, 90_909],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.record([9n, FAILED]),
      registry,
      "NodeRegistryUnknownNode",
      [9n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.slashFree([9n, 1n]),
      registry,
      "NodeRegistryUnknownNode",
      [9n],
    );
  });
});

describe("NodeRegistry: admin", () => {
  it("refuses every admin function to every other account", async () => {
    const { registry, alice, bob, carol, mallory, harness } = await loadFixture(marketFixture);
    for (const w of [alice, bob, carol, mallory]) {
      const account = w.account;
      const args = [getAddress(w.account.address)] as [`0x${string}`];
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setJobMarket([harness.address], { account }),
        registry,
        "OwnableUnauthorizedAccount",
        args,
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setBondToken([harness.address, true, 1n], { account }),
        registry,
        "OwnableUnauthorizedAccount",
        args,
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setUnbondingDelay([7200], { account }),
        registry,
        "OwnableUnauthorizedAccount",
        args,
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.pause({ account }),
        registry,
        "OwnableUnauthorizedAccount",
        args,
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.unpause({ account }),
        registry,
        "OwnableUnauthorizedAccount",
        args,
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.transferOwnership([w.account.address], { account }),
        registry,
        "OwnableUnauthorizedAccount",
        args,
      );
    }
  });

  it("sets the job market once, validates parameters and lists tokens", async () => {
    const { registry, harness, token, admin, alice } = await loadFixture(marketFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.setJobMarket([alice.account.address]),
      registry,
      "NodeRegistryJobMarketAlreadySet",
      [getAddress(harness.address)],
    );
    const fresh = await viem.deployContract("NodeRegistry", [admin.account.address, 1n, 3600, 60]);
    await viem.assertions.revertWithCustomError(
      fresh.write.setJobMarket([zeroAddress]),
      fresh,
      "NodeRegistryZeroAddress",
    );
    // No bond before a market: the market keeps the ledgers.
    await viem.assertions.revertWithCustomError(
      fresh.write.register(
        [
          alice.account.address,
          zeroAddress,
          1n,
          sampleCapabilities(),
          samplePrices(),
          SAMPLE_METADATA_HASH,
          "",
        ],
        { account: alice.account, value: 1n },
      ),
      fresh,
      "NodeRegistryNoJobMarket",
    );
    // An account without code cannot keep ledgers: setting it fails (sending it the tokens' words).
    await assert.rejects(fresh.write.setJobMarket([alice.account.address]));
    await fresh.write.setBondToken([token.address, true, 7n]);
    const ledger = await viem.deployContract("JobMarketHarness", [fresh.address]);
    await viem.assertions.emitWithArgs(fresh.write.setJobMarket([ledger.address]), fresh, "JobMarketSet", [
      getAddress(ledger.address),
    ]);
    assert.equal(await fresh.read.jobMarket(), getAddress(ledger.address));
    // The market learned every token's minimum: a bond of 6 in the token is under it.
    await token.write.mint([alice.account.address, 6n]);
    await token.write.approve([fresh.address, 6n], { account: alice.account });
    await fresh.write.register(
      [
        alice.account.address,
        token.address,
        6n,
        sampleCapabilities(),
        samplePrices(),
        SAMPLE_METADATA_HASH,
        "",
      ],
      { account: alice.account },
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.lock([1n, 1n]),
      fresh,
      "NodeRegistryNodeNotActive",
      [1n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.setUnbondingDelay([3599]),
      registry,
      "NodeRegistryUnbondingDelayOutOfRange",
      [3599, 3600, 7_776_000],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.setUnbondingDelay([7_776_001]),
      registry,
      "NodeRegistryUnbondingDelayOutOfRange",
      [7_776_001, 3600, 7_776_000],
    );
    await viem.assertions.emitWithArgs(
      registry.write.setUnbondingDelay([86_400]),
      registry,
      "UnbondingDelaySet",
      [86_400],
    );
    assert.equal(await registry.read.unbondingDelay(), 86_400);
    await viem.assertions.revertWithCustomError(
      registry.write.setBondToken([zeroAddress, false, 1n]),
      registry,
      "NodeRegistryEthAlwaysAllowed",
    );
    await viem.assertions.emitWithArgs(
      registry.write.setBondToken([zeroAddress, true, 5n]),
      registry,
      "BondTokenSet",
      [zeroAddress, 0, true, 5n],
    );
    assert.deepEqual(await registry.read.bondTokenConfig([token.address]), [true, 1, 100_000_000n]);
    assert.deepEqual(await registry.read.bondTokens(), [zeroAddress, getAddress(token.address)]);
    assert.deepEqual(await registry.read.bondTokenConfig([alice.account.address]), [false, 0, 0n]);
    await viem.assertions.revertWithCustomError(
      viem.deployContract("NodeRegistry", [admin.account.address, 1n, 3600, 0]),
      registry,
      "NodeRegistryZeroEpochLength",
    );
  });

  it("raising the minimum bond deactivates under-bonded nodes; the admin cannot move bonds", async () => {
    const { registry, harness, bond } = await loadFixture(marketFixture);
    await registry.write.setBondToken([zeroAddress, true, bond + 1n]);
    assert.equal((await registry.read.nodeForJob([1n])).active, false);
    assert.equal((await registry.read.nodeForJob([2n])).active, true);
    // The market learned the new minimum: the under-bonded node takes no work.
    await viem.assertions.revertWithCustomErrorWithArgs(
      harness.write.lock([1n, 1n]),
      registry,
      "NodeRegistryNodeNotActive",
      [1n],
    );
    await harness.write.lock([2n, 1n]);
  });
});
