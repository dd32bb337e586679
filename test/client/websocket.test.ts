/**
 * The client over viem's `webSocket()` transport, against a real `hardhat node` (which serves
 * WebSocket on its HTTP port): `createSandrun` (the Node.js root, worker attached) on WebSocket
 * clients registers a node with `sandrun.node()…register()` and reads it back; then one job runs
 * through two workers that follow the chain over WebSocket (the daemon polls; on a WebSocket
 * transport every poll and transaction travels on the socket): the in-process daemon on the same
 * clients, and a `scripts/worker.ts --rpc ws://…` process. The Node's `job-completed` handler (a
 * `watchContractEvent`, which viem runs as an `eth_subscribe` on a WebSocket transport) sees it settle.
 *
 * The deployment is the e2e harness's (test/e2e/harness.ts: hardhat node on a free loopback port,
 * Ignition through test/market/fixture.ts). The hardhat node, the worker process and the sockets
 * are closed in `after`, whatever happened.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createPublicClient, createWalletClient, parseEther, webSocket, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { postJob } from "../../client/actions/market/postJob.ts";
import { createPool } from "../../client/actions/pools/createPool.ts";
import { getNode } from "../../client/actions/registry/getNode.ts";
import { outputDigest } from "../../client/job/output.ts";
import type { Node } from "../../client/node/node.ts";
import { createSandrun } from "../../client/worker/attach.ts";
import { consensusOf, settledOf } from "../e2e/accounting.ts";
import { inlineSpecFields, jsSpec, nodeOwnerKey, setupE2E, type E2E } from "../e2e/harness.ts";

describe("client over WebSocket (viem webSocket() against hardhat node)", function () {
  this.timeout(240_000);
  let e: E2E;
  let stateDir: string;
  let wsUrl: string;
  let transport: ReturnType<typeof webSocket>;
  let publicClient: ReturnType<typeof wsPublicClient>;
  let node: Node | undefined;

  const wsPublicClient = (t: ReturnType<typeof webSocket>) =>
    createPublicClient({ chain: hardhat, transport: t, pollingInterval: 100 });

  /** A wallet on the WebSocket transport for hardhat node dev account 5 + i (the harness's node owners). */
  const wsWallet = (i: number) =>
    createWalletClient({ account: privateKeyToAccount(nodeOwnerKey(i)), chain: hardhat, transport });

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "sandrun-ws-"));
    // One node registered over HTTP by the harness (its owner key is known: worker process below).
    e = await setupE2E(1);
    wsUrl = e.rpcUrl.replace(/^http:/, "ws:");
    transport = webSocket(wsUrl, { retryCount: 0 });
    publicClient = wsPublicClient(transport);
  });

  after(async () => {
    try {
      await node?.shutdown();
    } finally {
      // The socket first: viem would otherwise try to reconnect to the stopped hardhat node.
      await (await publicClient?.transport.getRpcClient())?.close();
      await e?.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  function deployment() {
    const m = e.market;
    return { nodeRegistry: m.registry.address, poolRegistry: m.pools.address, jobMarket: m.market.address };
  }

  it("really talks WebSocket: the transport is webSocket and the socket is open to ws://", async () => {
    expect(publicClient.transport.type).to.equal("webSocket");
    const rpc = await publicClient.transport.getRpcClient();
    expect(rpc.url).to.equal(wsUrl);
    expect(rpc.socket.readyState).to.equal(WebSocket.OPEN);
    expect(await publicClient.getChainId()).to.equal(31337);
  });

  it("sandrun.node()…register() over WebSocket, read back with attach() and getNode", async () => {
    // Account index 1 of the harness's node owners: not yet a node on this chain.
    const sandrun = createSandrun({
      publicClient,
      walletClient: wsWallet(1),
      deployment: deployment(),
      worker: {
        logger: pino({ level: "silent" }),
        config: { stateDir, pollIntervalMs: 100, heartbeatIntervalMs: 0 },
        scratchRoot: stateDir,
      },
    });
    node = await sandrun
      .node()
      .alias("ws-rig")
      .capabilities({
        cpu: { cores: 2, threads: 4, frequency: 3000 },
        memory: { total: 4, type: "ddr4", speed: 3200 },
        storage: { type: "nvme", capacity: 100, iops: 10_000 },
        network: { bandwidth: 1000, latency: 5 },
      })
      .region("eu-west-1")
      .pricing({ cpu: { perCoreHour: "0.001" }, currency: "ETH" })
      .bondAmount("1", "ETH")
      .register();
    expect(node.id).to.equal("2"); // the harness registered node 1 over HTTP

    const back = await sandrun.node().attach(node.id);
    expect(back.owner).to.equal(privateKeyToAccount(nodeOwnerKey(1)).address);
    expect(back.capabilities.cpu).to.deep.include({ cores: 2, threads: 4, frequency: 3000 });
    expect(back.capabilities.memory).to.deep.include({ total: 4 });
    expect(back.prices.toPricingModel()).to.deep.equal({ currency: "ETH", cpu: { perCoreHour: "0.001" } });
    expect(back.capabilitiesValue.data.region).to.equal("eu-west-1");
    const view = await getNode(
      { publicClient },
      { registry: deployment().nodeRegistry, nodeId: node.nodeId },
    );
    expect(view.bond).to.equal(parseEther("1"));
    expect(view.owner).to.equal(back.owner);
  });

  it("one job through workers following the chain over WebSocket; job-completed arrives by subscription", async () => {
    expect(node, "the registration test ran first").to.not.equal(undefined);
    const mine = node!;
    const m = e.market;
    const other = m.nodes[0]!;
    const completed = new Promise<{ jobId: string; consensus: boolean }>((resolve) =>
      mine.on("job-completed", resolve),
    );
    // The harness's node: a worker process on ws:// (createWorkerClients picks webSocket()).
    const proc = e.startWorker(0, [], wsUrl);
    await proc.waitFor(/worker ready/, 120_000);
    // Ours: the in-process daemon on the Node's own WebSocket clients.
    await mine.startListening();

    // Any funded account may own a pool and post to it: dev account 7, over WebSocket too.
    const requester = wsWallet(2);
    const { poolId } = await createPool(
      { publicClient, walletClient: requester },
      {
        poolRegistry: deployment().poolRegistry,
        policy: { consensus: "majority-rule", redundancy: 2, verification: "strict" },
        nodes: [other.id, mine.nodeId],
      },
    );
    const spec = jsSpec("'over ' + 'websocket'");
    const fields = inlineSpecFields(spec);
    const { jobId } = await postJob(
      { publicClient, walletClient: requester },
      {
        jobMarket: deployment().jobMarket,
        request: {
          poolId,
          specHash: fields.specHash,
          runtime: "js",
          redundancy: 2,
          resources: fields.resources,
          token: zeroAddress,
          pricePerNode: parseEther("0.01"),
          collateralPerNode: parseEther("0.05"),
          commitWindow: 600,
          revealWindow: 600,
          inlineSpec: fields.inlineSpec,
        },
      },
    );

    // Both commit and reveal (strict), so the job settles with both agreeing on the real output.
    const settled = await settledOf(m, jobId, 120_000);
    expect(settled.consensus).to.equal(true);
    const reached = await consensusOf(m, jobId);
    expect(reached.agreeing).to.equal(2);
    expect(reached.digest!.toLowerCase()).to.equal(
      outputDigest(new TextEncoder().encode("over websocket\n")).slice(0, 42),
    );
    expect(await completed).to.deep.equal({ jobId: jobId.toString(), consensus: true });
    await mine.stopListening();
  });
});
