/**
 * A worker started with only its key finds its node through the registry's indexed topics
 * (NodeRegistered by signer or owner, SignerChanged by new signer), then checks the candidate's
 * current keys: a replaced signer no longer finds the node.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { describe, it } from "mocha";
import { UnknownIdError } from "../../client/errors.ts";
import { findNodeFor } from "../../client/worker/daemon/start.ts";
import {
  SAMPLE_METADATA_HASH,
  deployRegistry,
  sampleCapabilities,
  samplePrices,
} from "../registry/helpers.ts";

const { viem } = await network.create();

describe("worker: findNodeFor", () => {
  it("finds a node by its signer or owner, follows signer changes, and refuses an unknown key", async () => {
    const { registry, publicClient, alice, bob, carol, mallory } = await deployRegistry(viem);
    const register = (signer: `0x${string}`) =>
      registry.write.register(
        [
          signer,
          "0x0000000000000000000000000000000000000000",
          0n,
          sampleCapabilities(),
          samplePrices(),
          SAMPLE_METADATA_HASH,
          "",
        ],
        { account: alice.account },
      );
    await register(bob.account.address); // node 1: owner alice, signer bob
    await register(bob.account.address); // node 2: owner alice, signer bob
    await registry.write.setSigner([1n, carol.account.address], { account: alice.account });

    const find = (address: `0x${string}`) => findNodeFor(publicClient, registry.address, address);
    expect(await find(carol.account.address), "signer set by setSigner").to.equal(1n);
    expect(await find(bob.account.address), "bob signs only node 2 now").to.equal(2n);
    expect(await find(alice.account.address), "the owner's first node").to.equal(1n);
    let error: unknown;
    try {
      await find(mallory.account.address);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UnknownIdError);
  });
});
