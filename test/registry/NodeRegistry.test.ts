/**
 * NodeRegistry on Hardhat's chain: registration, updates, lifecycle, heartbeats, bonds and
 * unbonding, and every revert with its custom error and arguments.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { encodeFunctionData, getAddress, zeroAddress } from "viem";

import {
  EPOCH,
  MIN_BOND,
  SAMPLE_METADATA_HASH,
  SAMPLE_METADATA_URI,
  UNBONDING_DELAY,
  code16,
  deployRegistry,
  sampleCapabilities,
  samplePrices,
} from "./helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** One node (id 1) owned by alice, signer bob, bonded with MIN_BOND ETH. */
async function oneNode() {
  const f = await deployRegistry(viem);
  await f.registry.write.register(
    [
      f.bob.account.address,
      zeroAddress,
      MIN_BOND,
      sampleCapabilities(),
      samplePrices(),
      SAMPLE_METADATA_HASH,
      SAMPLE_METADATA_URI,
    ],
    { account: f.alice.account, value: MIN_BOND },
  );
  return f;
}

describe("NodeRegistry: registration", () => {
  it("assigns sequential ids from 1 and stores every field", async () => {
    const { registry, alice, bob } = await loadFixture(oneNode);
    assert.equal(await registry.read.nodeCount(), 1n);
    const caps = sampleCapabilities({
      gpuModel: code16("rtx4090"),
      region: code16("eu-west-2"),
      latencyMs: 65535,
      storageIOPS: 16_777_215,
    });
    const prices = samplePrices({ gpuHour: 2n ** 64n - 1n, minimumJob: 7n });
    const hash = await registry.write.register(
      [alice.account.address, zeroAddress, 0n, caps, prices, SAMPLE_METADATA_HASH, "uri"],
      { account: bob.account },
    );
    const receipt = await (await viem.getPublicClient()).waitForTransactionReceipt({ hash });
    const [registered] = await registry.getEvents.NodeRegistered({}, { blockHash: receipt.blockHash });
    const a = registered!.args;
    assert.deepEqual(
      [a.nodeId, a.owner, a.signer, a.metadataHash, a.metadataURI],
      [2n, getAddress(bob.account.address), getAddress(alice.account.address), SAMPLE_METADATA_HASH, "uri"],
    );
    // The static words as stored: gpuModel in the high half of the names, gpuCount at bit 0, gpuHour at bit 0.
    assert.equal(BigInt(a.capabilityNames!) >> 128n, BigInt(code16("rtx4090")));
    assert.equal(a.capabilityNumbers! & 0xffn, BigInt(caps.gpuCount));
    assert.equal(a.prices0! & (2n ** 64n - 1n), 2n ** 64n - 1n);
    assert.equal((a.prices1! >> 128n) & (2n ** 64n - 1n), 7n, "minimumJob");
    const node = await registry.read.getNode([2n]);
    assert.equal(node.id, 2n);
    assert.equal(node.owner, getAddress(bob.account.address));
    assert.equal(node.signer, getAddress(alice.account.address));
    assert.equal(node.status, 1);
    assert.equal(node.active, false, "no bond yet");
    assert.deepEqual(node.capabilities, caps);
    assert.deepEqual(node.prices, prices);
    assert.equal(node.metadataHash, SAMPLE_METADATA_HASH);
    assert.equal(node.reputation, 500_000);
    assert.equal(node.availability, 1_000_000);
    const first = await registry.read.getNode([1n]);
    assert.equal(first.active, true);
    assert.equal(first.bond, MIN_BOND);
  });

  it("emits Bonded for an ETH bond and holds the ETH", async () => {
    const { registry, alice, bob, publicClient } = await loadFixture(oneNode);
    await viem.assertions.emitWithArgs(
      registry.write.register(
        [
          bob.account.address,
          zeroAddress,
          5n,
          sampleCapabilities(),
          samplePrices(),
          SAMPLE_METADATA_HASH,
          "",
        ],
        {
          account: alice.account,
          value: 5n,
        },
      ),
      registry,
      "Bonded",
      [2n, zeroAddress, 5n, 5n],
    );
    assert.equal(await publicClient.getBalance({ address: registry.address }), MIN_BOND + 5n);
  });

  it("takes an ERC-20 bond in full and refuses a fee-on-transfer token", async () => {
    const { registry, token, alice, bob } = await loadFixture(oneNode);
    await token.write.mint([alice.account.address, 1000n]);
    await token.write.approve([registry.address, 1000n], { account: alice.account });
    await registry.write.register(
      [
        bob.account.address,
        token.address,
        1000n,
        sampleCapabilities(),
        samplePrices({ token: token.address }),
        SAMPLE_METADATA_HASH,
        "",
      ],
      { account: alice.account },
    );
    assert.equal(await token.read.balanceOf([registry.address]), 1000n);
    const info = await registry.read.bondInfo([2n]);
    assert.equal(info.token, getAddress(token.address));
    assert.equal(info.bond, 1000n);

    const fot = await viem.deployContract("FeeOnTransferToken");
    await registry.write.setBondToken([fot.address, true, 1n]);
    await fot.write.mint([alice.account.address, 1000n]);
    await fot.write.approve([registry.address, 1000n], { account: alice.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.register(
        [
          bob.account.address,
          fot.address,
          1000n,
          sampleCapabilities(),
          samplePrices(),
          SAMPLE_METADATA_HASH,
          "",
        ],
        { account: alice.account },
      ),
      registry,
      "NodeRegistryTransferShortfall",
      [getAddress(fot.address), 1000n, 990n],
    );
  });

  it("refuses bad registrations with typed errors", async () => {
    const { registry, token, alice, bob, mallory } = await loadFixture(oneNode);
    const caps = sampleCapabilities();
    const prices = samplePrices();
    const as = { account: alice.account };
    await viem.assertions.revertWithCustomError(
      registry.write.register([zeroAddress, zeroAddress, 0n, caps, prices, SAMPLE_METADATA_HASH, ""], as),
      registry,
      "NodeRegistryZeroSigner",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.register(
        [bob.account.address, mallory.account.address, 1n, caps, prices, SAMPLE_METADATA_HASH, ""],
        as,
      ),
      registry,
      "NodeRegistryTokenNotAllowed",
      [getAddress(mallory.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.register(
        [
          bob.account.address,
          zeroAddress,
          0n,
          caps,
          { ...prices, token: mallory.account.address },
          SAMPLE_METADATA_HASH,
          "",
        ],
        as,
      ),
      registry,
      "NodeRegistryTokenNotAllowed",
      [getAddress(mallory.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.register(
        [bob.account.address, zeroAddress, 10n, caps, prices, SAMPLE_METADATA_HASH, ""],
        { ...as, value: 9n },
      ),
      registry,
      "NodeRegistryValueMismatch",
      [10n, 9n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.register(
        [bob.account.address, zeroAddress, 0n, caps, prices, SAMPLE_METADATA_HASH, ""],
        { ...as, value: 9n },
      ),
      registry,
      "NodeRegistryValueMismatch",
      [0n, 9n],
    );
    await token.write.mint([alice.account.address, 10n]);
    await token.write.approve([registry.address, 10n], as);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.register(
        [bob.account.address, token.address, 10n, caps, prices, SAMPLE_METADATA_HASH, ""],
        { ...as, value: 1n },
      ),
      registry,
      "NodeRegistryValueMismatch",
      [0n, 1n],
    );
    const bad = [
      [{ gpuInterconnect: 3 }, 0, 3],
      [{ cpuArch: 2 }, 1, 2],
      [{ memoryType: 3 }, 2, 3],
      [{ storageType: 9 }, 3, 9],
    ] as const;
    for (const [over, field, value] of bad) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.register(
          [bob.account.address, zeroAddress, 0n, sampleCapabilities(over), prices, SAMPLE_METADATA_HASH, ""],
          as,
        ),
        registry,
        "NodeRegistryInvalidCapability",
        [field, value],
      );
    }
    await registry.write.pause();
    await viem.assertions.revertWithCustomError(
      registry.write.register(
        [bob.account.address, zeroAddress, 0n, caps, prices, SAMPLE_METADATA_HASH, ""],
        as,
      ),
      registry,
      "EnforcedPause",
    );
  });
});

describe("NodeRegistry: updates and lifecycle", () => {
  it("updates capabilities, prices, metadata and signer, with events", async () => {
    const { registry, token, alice, carol } = await loadFixture(oneNode);
    const as = { account: alice.account };
    const caps = sampleCapabilities({ gpuCount: 2, region: code16("ap-south-1") });
    await viem.assertions.emitWithArgs(
      registry.write.updateCapabilities([1n, caps], as),
      registry,
      "CapabilitiesUpdated",
      [1n, caps],
    );
    assert.deepEqual(await registry.read.capabilitiesOf([1n]), caps);
    const prices = samplePrices({ perJob: 99n, token: token.address });
    await viem.assertions.emitWithArgs(
      registry.write.updatePrices([1n, prices], as),
      registry,
      "PricesUpdated",
      [1n, { ...prices, token: getAddress(token.address) }],
    );
    assert.deepEqual((await registry.read.getNode([1n])).prices, {
      ...prices,
      token: getAddress(token.address),
    });
    const hash = `0x${"11".repeat(32)}` as const;
    await viem.assertions.emitWithArgs(
      registry.write.updateMetadata([1n, hash, "ipfs://x"], as),
      registry,
      "MetadataUpdated",
      [1n, hash, "ipfs://x"],
    );
    assert.equal((await registry.read.getNode([1n])).metadataHash, hash);
    const before = (await registry.read.getNode([1n])).signer;
    await viem.assertions.emitWithArgs(
      registry.write.setSigner([1n, carol.account.address], as),
      registry,
      "SignerChanged",
      [1n, before, getAddress(carol.account.address)],
    );
    assert.equal((await registry.read.nodeForJob([1n])).signer, getAddress(carol.account.address));
  });

  it("refuses updates from anyone but the owner, for unknown and deregistered nodes", async () => {
    const { registry, alice, bob, mallory } = await loadFixture(oneNode);
    const calls = (account: typeof alice.account, id: bigint) => [
      () => registry.write.updateCapabilities([id, sampleCapabilities()], { account }),
      () => registry.write.updatePrices([id, samplePrices()], { account }),
      () => registry.write.updateMetadata([id, SAMPLE_METADATA_HASH, ""], { account }),
      () => registry.write.setSigner([id, mallory.account.address], { account }),
      () => registry.write.pauseNode([id], { account }),
      () => registry.write.resumeNode([id], { account }),
      () => registry.write.deregister([id], { account }),
      () => registry.write.bond([id, 1n], { account, value: 1n }),
      () => registry.write.requestUnbond([id, 1n], { account }),
      () => registry.write.cancelUnbond([id], { account }),
      () => registry.write.withdrawBond([id], { account }),
    ];
    for (const signerOrStranger of [bob, mallory]) {
      for (const call of calls(signerOrStranger.account, 1n)) {
        await viem.assertions.revertWithCustomErrorWithArgs(call(), registry, "NodeRegistryNotNodeOwner", [
          1n,
          getAddress(signerOrStranger.account.address),
        ]);
      }
    }
    for (const call of calls(alice.account, 7n)) {
      await viem.assertions.revertWithCustomErrorWithArgs(call(), registry, "NodeRegistryUnknownNode", [7n]);
    }
    await viem.assertions.revertWithCustomError(
      registry.write.setSigner([1n, zeroAddress], { account: alice.account }),
      registry,
      "NodeRegistryZeroSigner",
    );
    await registry.write.deregister([1n], { account: alice.account });
    const live = calls(alice.account, 1n).slice(0, 4);
    for (const call of [
      ...live,
      () => registry.write.deregister([1n], { account: alice.account }),
      () => registry.write.bond([1n, 1n], { account: alice.account, value: 1n }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(call(), registry, "NodeRegistryBadStatus", [1n, 3]);
    }
  });

  it("pauses and resumes a node; a paused node takes no work", async () => {
    const { registry, alice } = await loadFixture(oneNode);
    const as = { account: alice.account };
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.resumeNode([1n], as),
      registry,
      "NodeRegistryBadStatus",
      [1n, 1],
    );
    await viem.assertions.emitWithArgs(registry.write.pauseNode([1n], as), registry, "NodePaused", [1n]);
    assert.equal((await registry.read.nodeForJob([1n])).active, false);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.pauseNode([1n], as),
      registry,
      "NodeRegistryBadStatus",
      [1n, 2],
    );
    await viem.assertions.emitWithArgs(registry.write.resumeNode([1n], as), registry, "NodeResumed", [1n]);
    assert.equal((await registry.read.nodeForJob([1n])).active, true);
  });

  it("pages nodes with getNodes and getNodeStates; NodeDescribed announces each node's static words", async () => {
    const { registry, alice, bob } = await loadFixture(oneNode);
    for (let i = 0; i < 4; i++) {
      await registry.write.register(
        [
          bob.account.address,
          zeroAddress,
          0n,
          sampleCapabilities({ gpuCount: i }),
          samplePrices(),
          SAMPLE_METADATA_HASH,
          "",
        ],
        { account: alice.account },
      );
    }
    const page = await registry.read.getNodes([2n, 3n]);
    assert.deepEqual(
      page.map((n) => n.id),
      [2n, 3n, 4n],
    );
    assert.deepEqual(
      page.map((n) => n.capabilities.gpuCount),
      [0, 1, 2],
    );
    assert.equal((await registry.read.getNodes([0n, 100n])).length, 5);
    assert.equal((await registry.read.getNodes([6n, 10n])).length, 0);
    assert.equal((await registry.read.getNodes([1n, 0n])).length, 0);
    const states = await registry.read.getNodeStates([4n, 10n]);
    assert.equal(states.length, 8, "nodes 4 and 5, four words each");
    assert.equal(
      getAddress(`0x${(states[0]! & (2n ** 160n - 1n)).toString(16).padStart(40, "0")}`),
      getAddress(alice.account.address),
    );
    assert.equal(
      getAddress(`0x${(states[1]! & (2n ** 160n - 1n)).toString(16).padStart(40, "0")}`),
      getAddress(bob.account.address),
      "signer in the heartbeat word",
    );
    assert.equal((states[3]! >> 8n) & 0xffffffffn, 500_000n, "reputation");
    assert.equal(states[3]! & 0xffn, 0n, "inactive: no bond");
    assert.equal((await registry.read.getNodeStates([6n, 10n])).length, 0);
    const [registered] = await registry.getEvents.NodeRegistered({ nodeId: 4n }, { fromBlock: 0n });
    assert.equal(registered!.args.capabilityNumbers! & 0xffn, 2n, "gpuCount of node 4");
    assert.equal((await registry.getEvents.NodeDescribed({ nodeId: 4n }, { fromBlock: 0n })).length, 0);
    await registry.write.updatePrices([4n, samplePrices({ perJob: 9n })], { account: alice.account });
    const [described] = await registry.getEvents.NodeDescribed({ nodeId: 4n }, { fromBlock: 0n });
    assert.equal((described!.args.prices1! >> 64n) & (2n ** 64n - 1n), 9n, "perJob of node 4");
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.read.getNode([9n]),
      registry,
      "NodeRegistryUnknownNode",
      [9n],
    );
  });
});

describe("NodeRegistry: heartbeats", () => {
  it("accepts the owner and the signer, and tracks availability per epoch", async () => {
    const { registry, alice, bob, mallory } = await loadFixture(oneNode);
    await viem.assertions.emitWithArgs(
      registry.write.heartbeat([1n], { account: bob.account }),
      registry,
      "Heartbeat",
      [1n],
    );
    await viem.assertions.emitWithArgs(
      registry.write.heartbeat([1n], { account: alice.account }),
      registry,
      "Heartbeat",
      [1n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.heartbeat([1n], { account: mallory.account }),
      registry,
      "NodeRegistryNotOwnerOrSigner",
      [1n, getAddress(mallory.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.heartbeat([5n], { account: mallory.account }),
      registry,
      "NodeRegistryUnknownNode",
      [5n],
    );
    // Epochs: registration epoch has beats; skip 2 epochs; beat in the 4th: 2 of 4 epochs.
    const registeredAt = (await registry.read.getNode([1n])).registeredAt;
    const epoch0 = Math.floor(registeredAt / EPOCH);
    await time.setNextBlockTimestamp((epoch0 + 3) * EPOCH + 5);
    await registry.write.heartbeat([1n], { account: bob.account });
    const [lastSeen, availability] = await registry.read.liveness([1n]);
    assert.equal(lastSeen, (epoch0 + 3) * EPOCH + 5);
    assert.equal(availability, 500_000);
  });
});

describe("NodeRegistry: bonds and unbonding", () => {
  it("tops up, requests, waits the delay and withdraws to the owner", async () => {
    const { registry, alice, publicClient } = await loadFixture(oneNode);
    const as = { account: alice.account };
    await viem.assertions.emitWithArgs(
      registry.write.bond([1n, 3n], { ...as, value: 3n }),
      registry,
      "Bonded",
      [1n, zeroAddress, 3n, MIN_BOND + 3n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.bond([1n, 3n], { ...as, value: 2n }),
      registry,
      "NodeRegistryValueMismatch",
      [3n, 2n],
    );
    await viem.assertions.revertWithCustomError(
      registry.write.bond([1n, 0n], as),
      registry,
      "NodeRegistryZeroAmount",
    );
    await viem.assertions.revertWithCustomError(
      registry.write.requestUnbond([1n, 0n], as),
      registry,
      "NodeRegistryZeroAmount",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.requestUnbond([1n, MIN_BOND + 4n], as),
      registry,
      "NodeRegistryInsufficientFreeBond",
      [1n, MIN_BOND + 3n, MIN_BOND + 4n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.withdrawBond([1n], as),
      registry,
      "NodeRegistryNoUnbonding",
      [1n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.cancelUnbond([1n], as),
      registry,
      "NodeRegistryNoUnbonding",
      [1n],
    );

    const now = await time.latest();
    await time.setNextBlockTimestamp(now + 10);
    const readyAt = now + 10 + UNBONDING_DELAY;
    await viem.assertions.emitWithArgs(
      registry.write.requestUnbond([1n, 3n], as),
      registry,
      "UnbondRequested",
      [1n, 3n, readyAt],
    );
    assert.equal((await registry.read.nodeForJob([1n])).active, false, "an unbonding node takes no work");
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.requestUnbond([1n, 1n], as),
      registry,
      "NodeRegistryUnbondingPending",
      [1n, 3n, readyAt],
    );
    await time.setNextBlockTimestamp(readyAt - 1);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.withdrawBond([1n], as),
      registry,
      "NodeRegistryUnbondingNotReady",
      [1n, readyAt, BigInt(readyAt - 1)],
    );
    assert.equal((await registry.read.bondInfo([1n])).withdrawable, 0n);
    await time.increaseTo(readyAt);
    assert.equal((await registry.read.bondInfo([1n])).withdrawable, 3n);
    await viem.assertions.balancesHaveChanged(registry.write.withdrawBond([1n], as), [
      { address: registry.address, amount: -3n },
    ]);
    const info = await registry.read.bondInfo([1n]);
    assert.equal(info.bond, MIN_BOND);
    assert.equal(info.unbonding, 0n);
    assert.equal((await registry.read.nodeForJob([1n])).active, true);
    assert.equal(await publicClient.getBalance({ address: registry.address }), MIN_BOND);
  });

  it("cancels a request, and deregistering unbonds the whole bond", async () => {
    const { registry, alice } = await loadFixture(oneNode);
    const as = { account: alice.account };
    await registry.write.requestUnbond([1n, 1n], as);
    await viem.assertions.emitWithArgs(registry.write.cancelUnbond([1n], as), registry, "UnbondCancelled", [
      1n,
    ]);
    assert.equal((await registry.read.nodeForJob([1n])).active, true);
    await registry.write.requestUnbond([1n, 1n], as);
    await viem.assertions.emitWithArgs(registry.write.deregister([1n], as), registry, "NodeDeregistered", [
      1n,
    ]);
    const info = await registry.read.bondInfo([1n]);
    assert.equal(info.unbonding, MIN_BOND, "the whole bond replaces the earlier request");
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.cancelUnbond([1n], as),
      registry,
      "NodeRegistryBadStatus",
      [1n, 3],
    );
    await time.increase(UNBONDING_DELAY);
    await viem.assertions.emitWithArgs(registry.write.withdrawBond([1n], as), registry, "BondWithdrawn", [
      1n,
      getAddress(alice.account.address),
      zeroAddress,
      MIN_BOND,
    ]);
    assert.equal((await registry.read.bondInfo([1n])).bond, 0n);
  });

  it("never blocks withdrawals while paused or after the token is delisted", async () => {
    const { registry, token, alice, bob } = await loadFixture(oneNode);
    const as = { account: alice.account };
    await token.write.mint([alice.account.address, 500n]);
    await token.write.approve([registry.address, 500n], as);
    await registry.write.register(
      [
        bob.account.address,
        token.address,
        500n,
        sampleCapabilities(),
        samplePrices(),
        SAMPLE_METADATA_HASH,
        "",
      ],
      as,
    );
    await registry.write.requestUnbond([1n, MIN_BOND], as);
    await registry.write.requestUnbond([2n, 500n], as);
    await registry.write.setBondToken([token.address, false, 0n]);
    await registry.write.pause();
    await viem.assertions.revertWithCustomError(
      registry.write.bond([1n, 1n], { ...as, value: 1n }),
      registry,
      "EnforcedPause",
    );
    await time.increase(UNBONDING_DELAY);
    await registry.write.withdrawBond([1n], as);
    await registry.write.withdrawBond([2n], as);
    assert.equal(await token.read.balanceOf([alice.account.address]), 500n);
    await registry.write.unpause();
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.bond([2n, 1n], as),
      registry,
      "NodeRegistryTokenNotAllowed",
      [getAddress(token.address)],
    );
  });

  it("stops a malicious token re-entering withdraw and bond", async () => {
    const { registry, alice } = await loadFixture(oneNode);
    const evil = await viem.deployContract("ReentrantToken");
    await registry.write.setBondToken([evil.address, true, 1n]);
    await evil.write.mint([evil.address, 1000n]);
    const call = (data: `0x${string}`) => evil.write.execute([registry.address, data]);
    // The token approves the registry from its own account, then registers a node it owns.
    await evil.write.execute([
      evil.address,
      encodeFunctionData({ abi: evil.abi, functionName: "approve", args: [registry.address, 1000n] }),
    ]);
    await call(
      encodeFunctionData({
        abi: registry.abi,
        functionName: "register",
        args: [
          alice.account.address,
          evil.address,
          400n,
          sampleCapabilities(),
          samplePrices(),
          SAMPLE_METADATA_HASH,
          "",
        ],
      }),
    );
    const nodeId = await registry.read.nodeCount();
    // Re-enter bond() during the pull of a top-up.
    await evil.write.arm([
      registry.address,
      encodeFunctionData({ abi: registry.abi, functionName: "bond", args: [nodeId, 100n] }),
    ]);
    await call(encodeFunctionData({ abi: registry.abi, functionName: "bond", args: [nodeId, 100n] }));
    assert.equal(await evil.read.attacked(), true);
    assert.equal(await evil.read.attackSucceeded(), false);
    assert.equal(
      (await evil.read.attackReturn()).slice(0, 10),
      "0x3ee5aeb5",
      "ReentrancyGuardReentrantCall()",
    );
    assert.equal((await registry.read.bondInfo([nodeId])).bond, 500n);
    // Re-enter withdrawBond() during the payout.
    await call(
      encodeFunctionData({ abi: registry.abi, functionName: "requestUnbond", args: [nodeId, 500n] }),
    );
    await time.increase(UNBONDING_DELAY);
    await evil.write.arm([
      registry.address,
      encodeFunctionData({ abi: registry.abi, functionName: "withdrawBond", args: [nodeId] }),
    ]);
    await call(encodeFunctionData({ abi: registry.abi, functionName: "withdrawBond", args: [nodeId] }));
    assert.equal(await evil.read.attackSucceeded(), false);
    assert.equal((await evil.read.attackReturn()).slice(0, 10), "0x3ee5aeb5");
    assert.equal(await evil.read.balanceOf([registry.address]), 0n);
    assert.equal(await evil.read.balanceOf([evil.address]), 1000n, "paid exactly once");
  });
});
