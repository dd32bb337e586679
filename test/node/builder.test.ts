import { expect } from "chai";
import { describe, it } from "mocha";
import { getAddress, parseEther } from "viem";
import { publicKeyToAddress } from "viem/accounts";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  NodeRegistryError,
  JobBuilder,
  PoolBuilder,
  ValidationError,
  fetchMetadata,
  getBondInfo,
  getNode,
} from "../../client/index.ts";
import { basicCapabilities, deployNodeFixture } from "./fixture.ts";

describe("NodeBuilder against the chain", () => {
  it("is immutable: every method returns a new frozen builder", async () => {
    const { sandrun } = await deployNodeFixture();
    const a = sandrun.node();
    const b = a.alias("x");
    const c = b
      .gpu({ type: "a100", memory: "80GB", count: 1 })
      .cpu({ cores: 8, threads: 16, frequency: 3000 });
    expect(a).to.not.equal(b);
    expect(a.config.alias).to.equal(undefined);
    expect(b.config.alias).to.equal("x");
    expect(b.config.capabilities.gpu).to.equal(undefined);
    expect(c.config.capabilities.gpu?.type).to.equal("a100");
    expect(Object.isFrozen(c.config)).to.equal(true);
    expect(Object.isFrozen(c.config.capabilities.gpu)).to.equal(true);
    const caps = { cpu: { cores: 1, threads: 1, frequency: 1 } };
    const d = sandrun.node().capabilities(caps);
    caps.cpu.cores = 99; // the builder copied it
    expect(d.config.capabilities.cpu?.cores).to.equal(1);
  });

  it("validate() reports every problem at once, without a transaction", async () => {
    const { sandrun, publicClient } = await deployNodeFixture();
    const before = await publicClient.getBlockNumber();
    const result = await sandrun
      .node()
      .identity(undefined)
      .gpu({ type: "a100", memory: "80XB", count: 0 })
      .memory("512MB")
      .network(-1, 10)
      .region("US EAST")
      .pricing({ gpu: { perHour: "0.5.1" }, currency: "USDC" })
      .paymentMethods(["ETH"])
      .bondAmount("-1", "ETH")
      .insurance({ provider: "NodeGuard", coverage: "1e2", currency: "ETH" })
      .validate();
    expect(result.valid).to.equal(false);
    expect(result.issues.map((i) => i.field)).to.have.members([
      "identity",
      "capabilities.gpu.memory",
      "capabilities.gpu.count",
      "capabilities.cpu",
      "capabilities.memory.total",
      "capabilities.network.bandwidth",
      "region",
      "pricing.gpu.perHour",
      "paymentMethods",
      "bondAmount.amount",
      "insurance.coverage",
    ]);
    expect(await publicClient.getBlockNumber()).to.equal(before);
    await sandrun
      .node()
      .register()
      .then(
        () => expect.fail("should reject"),
        (e: unknown) => expect(e).to.be.instanceOf(ValidationError),
      );
  });

  it("registers a basic node (no identity: the wallet signs; no bond) and recovers its public key", async () => {
    const { sandrun, operator, deployed, publicClient } = await deployNodeFixture();
    const node = await sandrun
      .node()
      .alias("my-rtx4090-rig")
      .capabilities(basicCapabilities)
      .region("us-west-2")
      .pricing({ gpu: { perHour: "0.5" }, cpu: { perCoreHour: "0.02" }, currency: "ETH" })
      .register();
    expect(node.id).to.equal("1");
    expect(node.owner).to.equal(getAddress(operator.account.address));
    expect(node.signer).to.equal(getAddress(operator.account.address));
    expect(publicKeyToAddress(node.publicKey as `0x${string}`)).to.equal(
      getAddress(operator.account.address),
    );
    expect(node.capabilities.gpu).to.deep.include({ type: "rtx4090", memory: 24, count: 2 });
    expect(node.reputation.score).to.be.within(0, 1);
    const view = await getNode({ publicClient }, { registry: deployed.nodeRegistry.address, nodeId: 1n });
    expect(view.prices.gpuHour).to.equal(parseEther("0.5"));
    expect(view.prices.cpuCoreHour).to.equal(parseEther("0.02"));
    expect(view.bond).to.equal(0n);
    expect(node.metadataURI).to.match(/^data:application\/json;base64,/);
    expect((await fetchMetadata(node.metadataURI!, view.metadataHash)).alias).to.equal("my-rtx4090-rig");
  });

  it("registers a professional node: identity key as signer, 10 ETH bond, metadata with the off-chain parts", async () => {
    const { sandrun, deployed, publicClient } = await deployNodeFixture();
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    const node = await sandrun
      .node()
      .identity(key)
      .alias("datacenter-a100-cluster")
      .capabilities({
        gpu: { type: "a100", memory: "80GB", count: 8, interconnect: "nvlink", computeCapability: 8.0 },
        cpu: { cores: 128, threads: 256, frequency: 2400, features: ["avx512"] },
        memory: { total: 1024, type: "ddr5", speed: 4800 },
        storage: { type: "nvme", capacity: 20000, iops: 1000000 },
        network: { bandwidth: 25000, latency: 1 },
      })
      .region("us-east-1")
      .availability({ schedule: "24/7", plannedMaintenance: ["2024-12-25T00:00:00Z"] })
      .bondAmount("10.0", "ETH")
      .insurance({ provider: "NodeGuard", coverage: "100.0", currency: "ETH" })
      .paymentMethods(["ETH", "USDC"])
      .pricing({
        gpu: {
          perHour: "4.0",
          perJob: "0.1",
          discounts: {
            volume: [{ threshold: 100, discount: 0.1 }],
            duration: [{ hours: 24, discount: 0.05 }],
          },
        },
        currency: "ETH",
      })
      .register();
    expect(node.signer).to.equal(account.address);
    expect(node.publicKey).to.equal(account.publicKey);
    expect(node.signerAccount?.address).to.equal(account.address);
    expect(node.capabilities.cpu?.features).to.deep.equal(["avx512"]);
    expect(node.prices.data.discounts.volume).to.deep.equal([{ threshold: 100, discount: 0.1 }]);
    const registry = deployed.nodeRegistry.address;
    const bond = await getBondInfo({ publicClient }, { registry, nodeId: BigInt(node.id) });
    expect(bond.bond).to.equal(parseEther("10"));
    const view = await getNode({ publicClient }, { registry, nodeId: BigInt(node.id) });
    expect(view.capabilities.gpuInterconnect).to.equal(1);
    expect(view.capabilities.gpuComputeCapability).to.equal(80);
    expect(view.active).to.equal(true);
    const doc = await fetchMetadata(node.metadataURI!, view.metadataHash);
    expect(doc.insurance).to.deep.equal({ provider: "NodeGuard", coverage: "100.0", currency: "ETH" });
    expect(doc.availability?.plannedMaintenance).to.deep.equal(["2024-12-25T00:00:00Z"]);
    expect(doc.paymentMethods).to.deep.equal(["ETH", "USDC"]);
  });

  it("bonds in an ERC-20 the deployment knows: approves, then registers with the exact base units", async () => {
    const { sandrun, deployed, publicClient, usdc, operator } = await deployNodeFixture();
    const before = await usdc.read.balanceOf([operator.account.address]);
    const node = await sandrun
      .node()
      .cpu({ cores: 4, threads: 8, frequency: 3000 })
      .memory(16)
      .storage({ type: "ssd", capacity: "1TB" })
      .network(100, 20)
      .pricing({ cpu: { perCoreHour: "0.25" }, currency: "USDC" })
      .bondAmount("12.5", "USDC")
      .register();
    const bond = await getBondInfo(
      { publicClient },
      { registry: deployed.nodeRegistry.address, nodeId: BigInt(node.id) },
    );
    expect(bond.token).to.equal(getAddress(usdc.address));
    expect(bond.bond).to.equal(12_500_000n);
    expect(before - (await usdc.read.balanceOf([operator.account.address]))).to.equal(12_500_000n);
    expect(node.prices.format("cpuCoreHour")).to.equal("0.25");
    expect(node.prices.token.symbol).to.equal("USDC");
  });

  it("decodes a registry refusal into a typed error (token not allow-listed)", async () => {
    const { viem, operator, sandrunFor, deployment } = await deployNodeFixture();
    const dai = await viem.deployContract("MockERC20", ["Dai", "DAI", 18]);
    const sandrun = sandrunFor(operator, {
      deployment: { ...deployment, tokens: { ...deployment.tokens, DAI: dai.address } },
    });
    await sandrun
      .node()
      .cpu({ cores: 1, threads: 1, frequency: 1000 })
      .memory(1)
      .pricing({ cpu: { perCoreHour: "1" }, currency: "DAI" })
      .register()
      .then(
        () => expect.fail("should revert"),
        (e: unknown) => {
          expect(e).to.be.instanceOf(NodeRegistryError);
          expect((e as NodeRegistryError).errorName).to.equal("NodeRegistryTokenNotAllowed");
          expect((e as NodeRegistryError).args).to.deep.equal([getAddress(dai.address)]);
        },
      );
  });

  it("attach() loads a registered node; the root's pool() and job() are the design's builders", async () => {
    const { sandrun } = await deployNodeFixture();
    const registered = await sandrun
      .node()
      .capabilities(basicCapabilities)
      .pricing({ gpu: { perHour: "1" }, currency: "ETH" })
      .register();
    const attached = await sandrun.node().attach(registered.id);
    expect(attached.id).to.equal(registered.id);
    expect(attached.publicKey).to.equal(registered.publicKey);
    expect(attached.capabilities).to.deep.equal(registered.capabilities);
    expect(sandrun.pool()).to.be.instanceOf(PoolBuilder);
    expect(sandrun.job()).to.be.instanceOf(JobBuilder);
  });
});
