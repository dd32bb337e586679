import { expect } from "chai";
import { describe, it } from "mocha";
import { getAddress, keccak256, parseEther, stringToHex, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  CapacityExceededError,
  InvoiceRejectedError,
  JobMarketError,
  NotSupportedError,
  UnauthorizedError,
  UnknownIdError,
  UnknownOnChainIdError,
  bondNode,
  cancelUnbond,
  deregisterNode,
  getBondInfo,
  getLiveness,
  getNode,
  getNodes,
  getReputation,
  pauseNode,
  requestUnbond,
  resumeNode,
  setSigner,
  updateCapabilities,
  updateMetadata,
  updatePrices,
  withdrawBond,
  Capabilities,
  Prices,
  encodeMetadata,
} from "../../client/index.ts";
import type { NodeEventData, NodeWorker } from "../../client/index.ts";
import { basicCapabilities, deployNodeFixture } from "./fixture.ts";

const ZERO16 = `0x${"00".repeat(16)}` as const;

async function withNode() {
  const f = await deployNodeFixture();
  const node = await f.sandrun
    .node()
    .alias("rig")
    .capabilities(basicCapabilities)
    .region("us-west-2")
    .bondAmount("10", "ETH")
    .pricing({ gpu: { perHour: "0.5" }, cpu: { perCoreHour: "0.02" }, currency: "ETH" })
    .register();
  const pools = await f.viem.getContractAt("PoolRegistry", f.deployed.poolRegistry.address, {
    client: { wallet: f.requester },
  });
  const openPool = async (members: bigint[] = []) => {
    const before = await pools.read.poolCount();
    await pools.write.createPool([
      { strategy: 0, redundancy: 1, verification: 0, open: true, minReputation: 0, minBond: 0n },
      { gpuModel: ZERO16, region: ZERO16, minGpuCount: 0, minMemoryGB: 0, minBandwidthMbps: 0 },
      members,
    ]);
    return before + 1n;
  };
  const market = await f.viem.getContractAt("JobMarket", f.deployed.jobMarket.address, {
    client: { wallet: f.requester },
  });
  const postJob = async (poolId: bigint, price = parseEther("0.5")) => {
    await market.write.postJob(
      [
        {
          poolId,
          specHash: keccak256(stringToHex("spec")),
          runtime: 0,
          strategy: 255,
          redundancy: 0,
          resources: 0n,
          token: zeroAddress,
          pricePerNode: price,
          collateralPerNode: parseEther("0.5"),
          commitWindow: 3600,
          revealWindow: 3600,
          nodes: [],
          specURI: "ipfs://spec",
          inlineSpec: "0x",
          encryptionKey: "0x",
        },
      ],
      { value: price },
    );
    return await market.read.lastJobId();
  };
  const asOperator = await f.viem.getContractAt("JobMarket", f.deployed.jobMarket.address, {
    client: { wallet: f.operator },
  });
  return { ...f, node, pools, openPool, postJob, market, asOperator };
}

/** Resolves with the first event data (the watcher polls the chain). */
function next<E extends keyof NodeEventData>(node: Awaited<ReturnType<typeof withNode>>["node"], event: E) {
  return new Promise<NodeEventData[E]>((resolve) => {
    const h = (d: NodeEventData[E]) => {
      node.off(event, h);
      resolve(d);
    };
    node.on(event, h);
  });
}

describe("Node against the chain", () => {
  it("heartbeat() writes the chain and returns lastSeen and availability", async () => {
    const { node, networkHelpers, publicClient } = await withNode();
    await networkHelpers.time.increase(3 * 3600);
    const hb = await node.heartbeat();
    const block = await publicClient.getBlock({ blockNumber: hb.blockNumber });
    expect(hb.lastSeen).to.equal(Number(block.timestamp));
    expect(hb.availability).to.be.greaterThan(0).and.lessThan(1); // missed the epochs in between
    expect(hb.txHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("joinPool()/leavePool() change membership; a stranger is refused with a decoded error", async () => {
    const { node, openPool, pools, sandrunFor, other } = await withNode();
    const poolId = await openPool();
    await node.joinPool(poolId.toString());
    expect(await pools.read.isMember([poolId, BigInt(node.id)])).to.equal(true);
    await node.leavePool(poolId.toString());
    expect(await pools.read.isMember([poolId, BigInt(node.id)])).to.equal(false);
    const strangers = await sandrunFor(other).node().attach(node.id);
    await strangers.joinPool(poolId.toString()).then(
      () => expect.fail("should revert"),
      (e: unknown) => {
        expect(e).to.be.instanceOf(UnauthorizedError).with.property("contract", "PoolRegistry");
        expect((e as UnauthorizedError).errorName).to.equal("PoolRegistryNotNodeOwner");
        expect((e as UnauthorizedError).namedArgs).to.deep.equal({
          nodeId: BigInt(node.id),
          caller: getAddress(other.account.address),
        });
      },
    );
  });

  it("reserveResources()/releaseResources() keep a ledger against the declared capacity", async () => {
    const { node } = await withNode();
    const low: string[] = [];
    const started: NodeEventData["job-started"][] = [];
    node.on("resource-low", (r) => void low.push(r));
    node.on("job-started", (d) => void started.push(d));
    const a = await node.reserveResources({ gpus: 1, cpuCores: 4, memory: "16GB", jobId: "7" });
    expect((await node.getUtilization()).reserved.gpu).to.equal(0.5);
    await node.reserveResources({ gpus: 2 }).then(
      () => expect.fail("over-reservation"),
      (e: unknown) => {
        expect(e).to.be.instanceOf(CapacityExceededError);
        expect(e).to.include({ resource: "gpu", requested: 2, available: 1 });
      },
    );
    const b = await node.reserveResources({ gpus: 1 });
    expect(low).to.deep.equal(["gpu"]);
    expect(started).to.deep.equal([{ jobId: "7", reservationId: a.id }]);
    const u = await node.getUtilization();
    expect(u.gpu).to.equal(1);
    expect(u.overall).to.equal(1);
    expect(u.machine).to.equal(null);
    await node.releaseResources(a.id);
    await node.releaseResources(b.id);
    expect((await node.getUtilization()).overall).to.equal(0);
    await node.releaseResources(a.id).then(
      () => expect.fail("released twice"),
      (e: unknown) => expect(e).to.be.instanceOf(UnknownIdError),
    );
  });

  it("getUtilization() combines the ledger with an injected machine probe", async () => {
    const { sandrunFor, operator } = await withNode();
    const sandrun = sandrunFor(operator, {
      extensions: {
        utilizationProbe: async () => ({ cpu: 0.75, memory: 0.25, gpu: null, storage: 0.1, temperature: 61 }),
      },
    });
    const node = await sandrun.node().attach("1");
    await node.reserveResources({ gpus: 1 });
    const u = await node.getUtilization();
    expect(u).to.deep.include({ cpu: 0.75, memory: 0.25, gpu: 0.5, storage: 0.1, overall: 0.75 });
    expect((await node.status()).health.temperature).to.equal(61);
  });

  it("submitInvoice() caps at the job's per-node price; claimPayment() withdraws what settlement credited; status() sums earnings; events fire", async () => {
    const { node, openPool, postJob, asOperator, networkHelpers, publicClient, operator } = await withNode();
    const poolId = await openPool([BigInt(node.id)]);
    const claimed = next(node, "job-claimed");
    const paid = next(node, "payment-received");
    const completed = next(node, "job-completed");
    const jobId = await postJob(poolId);
    await node.submitInvoice(jobId.toString(), "0.6").then(
      () => expect.fail("above the cap"),
      (e: unknown) => expect(e).to.be.instanceOf(InvoiceRejectedError),
    );
    const invoice = await node.submitInvoice(jobId.toString(), "0.4");
    expect(invoice).to.include({ amount: "0.4", currency: "ETH", cap: "0.5", raw: parseEther("0.4") });
    // The worker's part, done by hand here: report the result with the invoice (takes the slot, settles).
    await asOperator.write.report([
      jobId,
      BigInt(node.id),
      keccak256(stringToHex("out")),
      invoice.raw,
      "ipfs://out",
    ]);
    expect(await claimed).to.deep.equal({ jobId: jobId.toString(), slot: 0 });
    expect((await completed).jobId).to.equal(jobId.toString());
    const payment = await paid;
    expect(payment.currency).to.equal("ETH");
    expect(payment.raw).to.equal(parseEther("0.396")); // 0.4 less the 1% protocol fee
    expect(payment.amount).to.equal("0.396");
    // Held for the challenge window: withdrawing now is refused with the market's own error.
    await node.claimPayment(invoice.id).then(
      () => expect.fail("held"),
      (e: unknown) => {
        expect(e).to.be.instanceOf(JobMarketError);
        expect((e as JobMarketError).errorName).to.equal("JobMarketNothingToWithdraw");
      },
    );
    await networkHelpers.time.increase(3601);
    const before = await publicClient.getBalance({ address: operator.account.address });
    const claim = await node.claimPayment(invoice.id);
    expect(claim).to.include({ amount: "0.396", currency: "ETH", jobId: jobId.toString() });
    const receipt = await publicClient.getTransactionReceipt({ hash: claim.txHash });
    const after = await publicClient.getBalance({ address: operator.account.address });
    expect(after - before + receipt.gasUsed * receipt.effectiveGasPrice).to.equal(parseEther("0.396"));
    const status = await node.status();
    expect(status.earnings).to.deep.equal({
      today: "0.396",
      week: "0.396",
      month: "0.396",
      total: "0.396",
      currency: "ETH",
    });
    expect(status.reputation.completed).to.equal(1);
    await networkHelpers.time.increase(2 * 86_400);
    const later = await node.status();
    expect(later.earnings.today).to.equal("0");
    expect(later.earnings.week).to.equal("0.396");
    expect(later.online).to.equal(false); // no heartbeat for two days
    await node.heartbeat();
    expect((await node.status()).online).to.equal(true);
    await node.shutdown();
  });

  it("reputation reads as a score in [0, 1] from parts per million", async () => {
    const { node, publicClient, deployed } = await withNode();
    const rep = await getReputation(
      { publicClient },
      { registry: deployed.nodeRegistry.address, nodeId: BigInt(node.id) },
    );
    expect(rep.score).to.equal(rep.ppm / 1e6);
    expect(node.reputation).to.deep.equal(rep);
  });

  it("worker methods delegate to an attached worker and say NotSupported without one", async () => {
    const { node } = await withNode();
    for (const call of [
      () => node.claimJob("1"),
      () => node.executeJob({}),
      () => node.generateProof({}),
      () => node.benchmark(),
      () => node.startListening(),
      () => node.stopListening(),
    ])
      expect(call).to.throw(NotSupportedError);
    const calls: string[] = [];
    const worker: NodeWorker = {
      claimJob: async (n, id) => calls.push(`claim ${n.id} ${id}`),
      executeJob: async () => calls.push("execute"),
      generateProof: async () => calls.push("proof"),
      benchmark: async () => calls.push("bench"),
      startListening: async () => void calls.push("start"),
      stopListening: async () => void calls.push("stop"),
      shutdown: async () => void calls.push("shutdown"),
    };
    node.attachWorker(worker);
    await node.claimJob("5");
    await node.startListening();
    await node.shutdown();
    expect(calls).to.deep.equal([`claim ${node.id} 5`, "start", "shutdown"]);
  });
});

describe("registry actions against the chain", () => {
  it("update capabilities, prices, metadata and signer; pause/resume; unbond; deregister; paged reads", async () => {
    const { node, publicClient, operator, other, deployed, networkHelpers } = await withNode();
    const client = { publicClient, walletClient: operator };
    const registry = deployed.nodeRegistry.address;
    const nodeId = BigInt(node.id);
    const tokens = await node.context.tokens();
    const caps = Capabilities.from(
      { ...basicCapabilities, gpu: { type: "h100", memory: "80GB", count: 4 } },
      "eu-west-1",
    );
    await updateCapabilities(client, { registry, nodeId, capabilities: caps.toStruct() });
    const prices = Prices.from({ gpu: { perHour: "2" }, currency: "USDC" }, tokens);
    await updatePrices(client, { registry, nodeId, prices: prices.toStruct() });
    const doc = encodeMetadata({ schema: "sandrun.node/1", alias: "renamed" });
    await updateMetadata(client, { registry, nodeId, metadataHash: doc.hash, metadataURI: doc.uri });
    const signer = privateKeyToAccount(generatePrivateKey()).address;
    await setSigner(client, { registry, nodeId, signer });
    let view = await getNode(client, { registry, nodeId });
    expect(Capabilities.fromStruct(view.capabilities).data).to.deep.equal(caps.data);
    expect(view.prices.gpuHour).to.equal(2_000_000n);
    expect(view.metadataHash).to.equal(doc.hash);
    expect(view.signer).to.equal(signer);

    await pauseNode(client, { registry, nodeId });
    expect((await getNode(client, { registry, nodeId })).status).to.equal(2);
    await resumeNode(client, { registry, nodeId });
    await bondNode(client, { registry, nodeId, amount: parseEther("1"), bondToken: zeroAddress });
    expect((await getBondInfo(client, { registry, nodeId })).bond).to.equal(parseEther("11"));
    await requestUnbond(client, { registry, nodeId, amount: parseEther("1") });
    await cancelUnbond(client, { registry, nodeId });
    await requestUnbond(client, { registry, nodeId, amount: parseEther("1") });
    await withdrawBond(client, { registry, nodeId }).then(
      () => expect.fail("too early"),
      (e: unknown) =>
        expect((e as { errorName: string }).errorName).to.equal("NodeRegistryUnbondingNotReady"),
    );
    await networkHelpers.time.increase(7 * 86_400 + 1);
    expect((await withdrawBond(client, { registry, nodeId })).amount).to.equal(parseEther("1"));
    await deregisterNode(client, { registry, nodeId });
    view = await getNode(client, { registry, nodeId });
    expect(view.status).to.equal(3);

    await pauseNode({ publicClient, walletClient: other }, { registry, nodeId }).then(
      () => expect.fail("not the owner"),
      (e: unknown) => expect(e).to.be.instanceOf(UnauthorizedError),
    );
    await getNode(client, { registry, nodeId: 999n }).then(
      () => expect.fail("unknown"),
      (e: unknown) => {
        expect(e).to.be.instanceOf(UnknownOnChainIdError);
        expect((e as UnknownOnChainIdError).args).to.deep.equal([999n]);
      },
    );
    const liveness = await getLiveness(client, { registry, nodeId });
    expect(liveness.lastSeen).to.be.greaterThan(0);
  });

  it("getNodes() reads every node page by page", async () => {
    const { sandrun, publicClient, deployed } = await withNode();
    for (let i = 0; i < 4; i++)
      await sandrun
        .node()
        .capabilities(basicCapabilities)
        .pricing({ gpu: { perHour: "1" }, currency: "ETH" })
        .register();
    const registry = deployed.nodeRegistry.address;
    const all = await getNodes({ publicClient }, { registry, pageSize: 2n });
    expect(all.map((n) => n.id)).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
    const some = await getNodes({ publicClient }, { registry, fromId: 2n, pageSize: 2n, limit: 3n });
    expect(some.map((n) => n.id)).to.deep.equal([2n, 3n, 4n]);
  });
});
