/**
 * The worker's scheduled heartbeat (`heartbeatIntervalMs`, `--heartbeat-ms` of
 * scripts/worker.ts): with a period the daemon heartbeats on its first tick and again every
 * period, so the registry's last-seen for the node (read with `getLiveness`, the view the client's
 * Node uses) keeps moving with the chain's clock; with 0 it never heartbeats.
 *
 * The chain's clock is moved an hour ahead before each expected heartbeat (`time.increase`), so a
 * heartbeat shows as a jump of at least an hour, which no other transaction can cause. The
 * daemon's period itself is wall-clock time, so the test polls for the next heartbeat.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import pino from "pino";
import type { Address } from "viem";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { nodeRegistryAbi } from "../../client/abis/generated/NodeRegistry.ts";
import { getLiveness } from "../../client/actions/registry/getLiveness.ts";
import type { SandrunClient } from "../../client/chain/clients.ts";
import type { Node } from "../../client/node/node.ts";
import { createSandrun } from "../../client/sandrun.ts";
import { createWorker } from "../../client/worker/attach.ts";
import { setupE2E, until, type E2E } from "../e2e/harness.ts";

const HOUR = 3600;

/** The node's last heartbeat (unix seconds), as the registry's `liveness` view reports it. */
async function lastSeen(client: SandrunClient, registry: Address, nodeId: bigint): Promise<number> {
  return (await getLiveness(client, { registry, nodeId })).lastSeen;
}

/** How many Heartbeat events the registry emitted for `nodeId`. */
async function heartbeatEvents(client: SandrunClient, registry: Address, nodeId: bigint): Promise<number> {
  const logs = await client.publicClient.getContractEvents({
    address: registry,
    abi: nodeRegistryAbi,
    eventName: "Heartbeat",
    args: { nodeId },
    fromBlock: 0n,
  });
  return logs.length;
}

describe("worker heartbeat: in-process daemon (heartbeatIntervalMs)", function () {
  this.timeout(120_000);
  let stateRoot: string;
  /** Nodes whose workers a test started: shut down even when the test fails (else mocha never exits). */
  const listening: Node[] = [];
  before(() => {
    stateRoot = mkdtempSync(join(tmpdir(), "sandrun-heartbeat-"));
  });
  afterEach(async () => {
    for (const n of listening.splice(0)) await n.shutdown();
  });
  after(() => rmSync(stateRoot, { recursive: true, force: true }));

  async function fixture() {
    const { viem, ignition, networkHelpers } = await network.create();
    const publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    const deployed = await ignition.deploy(SandrunModule);
    const registry = deployed.nodeRegistry.address;
    // Start at the beginning of a heartbeat epoch: each `time.increase(HOUR)` then lands in the
    // next epoch and the beats after it stay there (registered near an epoch's end, a beat a few
    // seconds after the jump could skip an epoch and leave availability below 1).
    const epoch = BigInt(await deployed.nodeRegistry.read.epochLength());
    const now = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.increaseTo(now - (now % epoch) + epoch);
    const client: SandrunClient = { publicClient };
    /** Registers a node for wallet `i` and attaches a worker with `heartbeatIntervalMs`. */
    const node = async (i: number, heartbeatIntervalMs: number) => {
      const sandrun = createSandrun({ publicClient, walletClient: wallets[i]!, deployment: deployed });
      const n: Node = await sandrun
        .node()
        .capabilities({ cpu: { cores: 2, threads: 2, frequency: 1000 }, memory: { total: 1 } })
        .region("eu")
        .pricing({ cpu: { perCoreHour: "0.01" }, currency: "ETH" })
        .bondAmount("0.5", "ETH")
        .register();
      const worker = createWorker({
        logger: pino({ level: "silent" }),
        config: {
          stateDir: join(stateRoot, `hb-${Date.now()}-${i}`),
          pollIntervalMs: 50,
          heartbeatIntervalMs,
        },
      });
      n.attachWorker(worker);
      listening.push(n);
      return { node: n, worker };
    };
    return { networkHelpers, client, registry, node };
  }

  it("heartbeats on start and again every period: the registry's last-seen follows the chain's clock", async () => {
    const f = await fixture();
    const { node } = await f.node(1, 100);
    const registered = await lastSeen(f.client, f.registry, node.nodeId);
    expect(await heartbeatEvents(f.client, f.registry, node.nodeId)).to.equal(0);

    await f.networkHelpers.time.increase(HOUR);
    await node.startListening(); // resolves after the daemon's first tick
    const first = await lastSeen(f.client, f.registry, node.nodeId);
    expect(first).to.be.at.least(registered + HOUR);

    // Not only at start: the next period's heartbeat moves last-seen past another hour.
    await f.networkHelpers.time.increase(HOUR);
    const second = await until("the next scheduled heartbeat", async () => {
      const seen = await lastSeen(f.client, f.registry, node.nodeId);
      return seen >= first + HOUR && seen;
    });
    expect(second).to.be.at.least(first + HOUR);
    expect(await heartbeatEvents(f.client, f.registry, node.nodeId)).to.be.at.least(2);
    // A beat in every epoch since registration (an hour each): full availability.
    expect(
      (await getLiveness(f.client, { registry: f.registry, nodeId: node.nodeId })).availability,
    ).to.equal(1);
  });

  it("with heartbeatIntervalMs 0 the daemon runs but never heartbeats", async () => {
    const f = await fixture();
    const { node, worker } = await f.node(2, 0);
    const registered = await lastSeen(f.client, f.registry, node.nodeId);
    await f.networkHelpers.time.increase(HOUR);
    await node.startListening();
    const daemon = worker.daemonOf(node)!.daemon;
    // Many ticks, each of which would have heartbeated with any period (the first always does).
    await until("ten ticks", async () => daemon.stats.ticks >= 10);
    expect(await heartbeatEvents(f.client, f.registry, node.nodeId)).to.equal(0);
    expect(await lastSeen(f.client, f.registry, node.nodeId)).to.equal(registered);
  });
});

describe("worker heartbeat: scripts/worker.ts --heartbeat-ms against hardhat node", function () {
  this.timeout(180_000);
  let e: E2E;
  before(async () => {
    e = await setupE2E(2);
  });
  after(async () => {
    await e?.close();
  });

  it("--heartbeat-ms 300 keeps last-seen moving; --heartbeat-ms 0 sends none", async () => {
    const m = e.market;
    const client: SandrunClient = { publicClient: m.publicClient };
    const registry = m.registry.address;
    const [beating, silent] = m.nodes.map((n) => n.id) as [bigint, bigint];
    const registered = await Promise.all([beating, silent].map((id) => lastSeen(client, registry, id)));
    await m.networkHelpers.time.increase(HOUR);
    const workers = [e.startWorker(0, ["--heartbeat-ms", "300"]), e.startWorker(1, ["--heartbeat-ms", "0"])];
    // "worker ready" is logged after the first tick, which heartbeats whenever a period is set.
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)));
    const first = await lastSeen(client, registry, beating);
    expect(first).to.be.at.least(registered[0]! + HOUR);

    await m.networkHelpers.time.increase(HOUR);
    await until(
      "the next scheduled heartbeat",
      async () => (await lastSeen(client, registry, beating)) >= first + HOUR,
    );

    expect(await heartbeatEvents(client, registry, silent)).to.equal(0);
    expect(await lastSeen(client, registry, silent)).to.equal(registered[1]);
  });
});
