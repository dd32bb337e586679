import { expect } from "chai";
import { network } from "hardhat";
import { createPublicClient, custom, parseEther, zeroAddress, type PublicClient } from "viem";

import {
  RegistryFollower,
  decodeBytes16,
  readNodes,
  readRegistry,
  readRegistryPacked,
  type RegistryNode,
} from "../../client/discovery/reader.ts";
import {
  EPOCH,
  MIN_BOND,
  UNBONDING_DELAY,
  code16,
  sampleCapabilities,
  samplePrices,
} from "../registry/helpers.ts";
import { L, S, at, deployMarket, nodeSteps } from "../market/fixture.ts";

describe("discovery reader (NodeRegistry on Hardhat's chain)", () => {
  async function fixture() {
    const { viem, provider } = await network.create();
    const [admin, op1, op2] = await viem.getWalletClients();
    const registry = await viem.deployContract("NodeRegistry", [
      admin!.account.address,
      MIN_BOND,
      UNBONDING_DELAY,
      EPOCH,
    ]);
    // The nodes' ledgers live in a job market: the harness keeps them with the market's own code.
    const ledger = await viem.deployContract("JobMarketHarness", [registry.address]);
    await registry.write.setJobMarket([ledger.address]);
    // A client whose every RPC request is counted, to hold the reader to "a handful of calls".
    const calls: string[] = [];
    const base = await viem.getPublicClient();
    const counted = createPublicClient({
      chain: base.chain,
      transport: custom({
        request: (args: Parameters<typeof provider.request>[0]) => {
          calls.push(args.method);
          return provider.request(args);
        },
      }),
    }) as PublicClient;
    const regions = ["us-east-1", "us-west-2", "eu-west-1"];
    for (let i = 0; i < 23; i++) {
      const op = i % 2 === 0 ? op1! : op2!;
      await registry.write.register(
        [
          op.account.address,
          zeroAddress,
          MIN_BOND,
          sampleCapabilities({
            gpuModel: code16(i % 3 === 0 ? "H100" : "a100"),
            gpuCount: (i % 8) + 1,
            region: code16(regions[i % 3]!),
            latencyMs: 5 + i,
            storageType: i % 3,
          }),
          samplePrices({ gpuHour: parseEther("0.001") * BigInt(i + 1) }),
          `0x${"00".repeat(32)}`,
          "",
        ],
        { account: op.account, value: MIN_BOND },
      );
    }
    return { viem, registry, ledger, counted, calls, op1: op1!, op2: op2!, provider };
  }

  it("decodes bytes16 codes", () => {
    expect(decodeBytes16(code16("us-east-1"))).to.equal("us-east-1");
    expect(decodeBytes16(`0x${"00".repeat(16)}`)).to.equal("");
  });

  it("reads every node in 2 + ceil(count / pageSize) calls, all at one block, decoded", async () => {
    const { registry, counted, calls } = await fixture();
    const { nodes, blockNumber } = await readRegistry(counted, { registry: registry.address, pageSize: 10 });
    expect(nodes.map((n) => n.id)).to.deep.equal(Array.from({ length: 23 }, (_, i) => BigInt(i + 1)));
    expect(calls.filter((m) => m === "eth_call")).to.have.length(1 + 3);
    expect(calls.filter((m) => m === "eth_blockNumber")).to.have.length(1);
    expect(calls).to.have.length(5);
    expect(blockNumber > 0n).to.equal(true);
    const n1 = nodes[0]!;
    expect(n1.capabilities.gpu.model).to.equal("h100"); // lower-cased like the discovery filters compare
    expect(n1.capabilities.gpu.count).to.equal(1);
    expect(n1.capabilities.gpu.interconnect).to.equal("nvlink");
    expect(n1.capabilities.region).to.equal("us-east-1");
    expect(n1.capabilities.storage.type).to.equal("ssd");
    expect(nodes[1]!.capabilities.storage.type).to.equal("nvme");
    expect(nodes[2]!.capabilities.storage.type).to.equal("hdd");
    expect(n1.capabilities.network.latencyMs).to.equal(5);
    expect(n1.prices.gpuHour).to.equal(parseEther("0.001"));
    expect(nodes[22]!.prices.gpuHour).to.equal(parseEther("0.023"));
    expect(n1.status).to.equal("active");
    expect(n1.active).to.equal(true);
    expect(n1.bond).to.equal(MIN_BOND);
    expect(n1.freeBond).to.equal(MIN_BOND);
    expect(n1.reputationPpm).to.be.a("number");
  });

  it("the packed read (NodeDescribed logs + getNodeStates) decodes exactly what the struct view returns, in 3 + ceil(count / pageSize) calls", async () => {
    const { registry, counted, calls, op1 } = await fixture();
    await registry.write.pauseNode([1n], { account: op1.account });
    await registry.write.requestUnbond([3n, 1n], { account: op1.account });
    // A later description replaces the registration's: the read must take the last one.
    await registry.write.updatePrices([5n, samplePrices({ gpuHour: 777n })], { account: op1.account });
    await registry.write.updateCapabilities([5n, sampleCapabilities({ gpuCount: 7 })], {
      account: op1.account,
    });
    const viaView = await readRegistry(counted, { registry: registry.address });
    calls.length = 0;
    const viaPacked = await readRegistryPacked(counted, { registry: registry.address, pageSize: 10 });
    expect([...calls].sort()).to.deep.equal(
      ["eth_blockNumber", "eth_call", "eth_getLogs", "eth_call", "eth_call", "eth_call"].sort(),
    );
    expect(viaPacked.nodes.find((n) => n.id === 5n)?.capabilities.gpu.count).to.equal(7);
    expect(viaPacked.nodes).to.deep.equal(viaView.nodes);
  });

  it("reads a set of ids with one call per consecutive run", async () => {
    const { registry, counted, calls } = await fixture();
    const nodes = await readNodes(counted, { registry: registry.address, ids: [9n, 3n, 4n, 5n, 20n] });
    expect(nodes.map((n) => n.id)).to.deep.equal([3n, 4n, 5n, 9n, 20n]);
    expect(calls.filter((m) => m === "eth_call")).to.have.length(3);
  });

  it("follows registry events: new, paused, re-priced and unbonding nodes are re-read once each", async () => {
    const { registry, ledger, counted, calls, op1, op2 } = await fixture();
    const records = new Map<bigint, RegistryNode>();
    const upserts: bigint[][] = [];
    const follower = new RegistryFollower(counted, {
      registry: registry.address,
      sink: {
        upsert: (list) => {
          upserts.push(list.map((n) => n.id));
          for (const n of list) records.set(n.id, n);
        },
      },
    });
    await follower.load();
    expect(records.size).to.equal(23);
    expect(await follower.poll()).to.equal(0); // nothing happened

    await registry.write.pauseNode([1n], { account: op1.account });
    await registry.write.updatePrices([2n, samplePrices({ gpuHour: 7n })], { account: op2.account });
    await registry.write.requestUnbond([3n, 1n], { account: op1.account });
    await registry.write.register(
      [
        op2.account.address,
        zeroAddress,
        MIN_BOND,
        sampleCapabilities(),
        samplePrices(),
        `0x${"00".repeat(32)}`,
        "",
      ],
      { account: op2.account, value: MIN_BOND },
    );
    calls.length = 0;
    const [a, b] = await Promise.all([follower.poll(), follower.poll()]); // concurrent polls share one
    expect(a).to.equal(4);
    expect(b).to.equal(4);
    expect(upserts.at(-1)).to.deep.equal([1n, 2n, 3n, 24n]);
    expect(calls.filter((m) => m === "eth_getLogs")).to.have.length(1);
    expect(records.get(1n)!.status).to.equal("paused");
    expect(records.get(2n)!.prices.gpuHour).to.equal(7n);
    expect(records.get(3n)!.status).to.equal("unbonding");
    expect(records.get(24n)!.status).to.equal("active");
    expect(records.size).to.equal(24);
    expect(await follower.poll()).to.equal(0); // each event applied once

    // The ledger's events come from the job market's address: a lock there re-reads the node too.
    await ledger.write.lock([5n, 3n]);
    expect(await follower.poll()).to.equal(1);
    expect(upserts.at(-1)).to.deep.equal([5n]);
    expect(records.get(5n)!.freeBond).to.equal(MIN_BOND - 3n);
  });

  it("follows settlements: the nodes a JobSettled names are re-read with their new reputation", async () => {
    const f = await deployMarket(await network.create(), 3);
    const steps = nodeSteps(f);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const records = new Map<bigint, RegistryNode>();
    const follower = new RegistryFollower(f.publicClient, {
      registry: f.registry.address,
      sink: { upsert: (list) => list.forEach((n) => records.set(n.id, n)) },
    });
    await follower.load();
    await follower.poll(); // the pool's joins
    const jobId = await f.post(f.request(pool), 3n);
    await steps.report(at(f.nodes, 0), jobId, "good");
    await steps.report(at(f.nodes, 1), jobId, "good");
    expect(await follower.poll()).to.equal(2); // their collateral locks
    const before = records.get(3n)!.reputationPpm;
    await steps.report(at(f.nodes, 2), jobId, "evil"); // locks node 3's collateral and settles
    // No ReputationUpdated: only JobSettled tells that nodes 1 and 2 changed.
    expect(await follower.poll()).to.equal(3);
    expect(records.get(1n)!.reputationPpm).to.be.greaterThan(records.get(3n)!.reputationPpm);
    expect(records.get(3n)!.reputationPpm).to.be.lessThan(before);
  });
});
