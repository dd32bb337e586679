/**
 * Machine metrics and Node.benchmark(): real os readings, a real hashing and copying workload,
 * real sandboxes, nvidia-smi absent → "none detected", and the figures published in the node's
 * metadata on Hardhat's in-process chain (hash and URI updated, document readable and matching).
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import pino from "pino";
import { parseEther } from "viem";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import { fetchMetadata } from "../../client/node/metadata.ts";
import { createSandrun } from "../../client/worker/attach.ts";
import {
  benchmarkMetadata,
  detectGpu,
  measureCpu,
  measureMemory,
  type BenchmarkResults,
} from "../../client/worker/benchmark.ts";
import { MetricsProbe } from "../../client/worker/metrics.ts";

describe("worker metrics and benchmark", function () {
  this.timeout(120_000);

  it("reads CPU, memory and scratch-disk shares in [0, 1] from the OS; GPU unknown", async () => {
    const probe = new MetricsProbe({ scratchDir: tmpdir() });
    const first = await probe.read();
    // Burn CPU between two reads: the second reading is from the kernel's time counters.
    const end = Date.now() + 200;
    while (Date.now() < end);
    const m = await probe.read();
    for (const v of [first.cpu, m.cpu, m.memory, m.storage]) {
      expect(v).to.be.a("number");
      expect(v as number).to.be.within(0, 1);
    }
    expect(m.cpu as number).to.be.greaterThan(0);
    expect(m.memory as number).to.be.greaterThan(0);
    expect(m.gpu).to.equal(null);
  });

  it("reports a missing scratch dir as an error, and low resources by threshold", async () => {
    const broken = new MetricsProbe({ scratchDir: "/nonexistent/sandrun" });
    const m = await broken.read();
    expect(m.storage).to.equal(null);
    expect(m.errors![0]).to.match(/nonexistent/);
    const strict = new MetricsProbe({ lowThreshold: 0 });
    expect(strict.low(await strict.read())).to.include.members(["cpu", "memory"]);
    const lax = new MetricsProbe({ lowThreshold: 1.01 });
    expect(lax.low(await lax.read())).to.deep.equal([]);
  });

  it("measures hashing and memory copies (more work takes longer), and finds no GPU without nvidia-smi", () => {
    const small = measureCpu(2_000);
    const big = measureCpu(40_000);
    expect(big.hashes).to.equal(40_000);
    expect(big.hashesPerSecond).to.be.greaterThan(1000);
    expect(big.ms).to.be.greaterThan(small.ms);
    const mem = measureMemory(8 * 1024 * 1024, 4);
    expect(mem.bytes).to.equal(32 * 1024 * 1024);
    expect(mem.copyGBps).to.be.greaterThan(0);
    const gpu = detectGpu("sandrun-no-such-nvidia-smi");
    expect(gpu).to.deep.equal({
      detected: false,
      reason: "sandrun-no-such-nvidia-smi not available (none detected)",
    });
  });

  it("Node.benchmark() measures the sandboxes and publishes the figures in the node's metadata", async () => {
    const { viem, ignition } = await network.create();
    const publicClient = await viem.getPublicClient();
    const [, operator] = await viem.getWalletClients();
    const deployed = await ignition.deploy(SandrunModule, {
      parameters: { Sandrun: { minBond: parseEther("0.1") } },
    });
    const sandrun = createSandrun({
      publicClient,
      walletClient: operator,
      deployment: deployed,
      worker: {
        logger: pino({ level: "silent" }),
        config: { stateDir: mkdtempSync(join(tmpdir(), "sandrun-bench-")) },
        benchmark: {
          cpuHashes: 20_000,
          memoryBytes: 4 << 20,
          memoryRounds: 2,
          runtimes: ["wasm", "js"],
          publish: true,
        },
      },
    });
    const node = await sandrun
      .node()
      .alias("bench-rig")
      .capabilities({ cpu: { cores: 2, threads: 2, frequency: 1000 }, memory: { total: 1 } })
      .region("eu")
      .pricing({ cpu: { perCoreHour: "0.01" }, currency: "ETH" })
      .bondAmount("0.5", "ETH")
      .register();
    const before = node.metadataHash;
    const r = (await node.benchmark()) as BenchmarkResults;
    expect(r.sandbox.wasm).to.include({ ok: true });
    expect(r.sandbox.js).to.include({ ok: true });
    expect(r.gpu.detected).to.equal(false);
    const registry = await viem.getContractAt("NodeRegistry", deployed.nodeRegistry.address);
    const view = await registry.read.getNode([node.nodeId]);
    expect(view.metadataHash).to.not.equal(before);
    const logs = await registry.getEvents.MetadataUpdated({ nodeId: node.nodeId }, { fromBlock: 0n });
    const uri = logs.at(-1)!.args.metadataURI!;
    const doc = await fetchMetadata(uri, view.metadataHash);
    expect(doc.alias).to.equal("bench-rig"); // the rest of the document is kept
    expect(doc.benchmarks).to.deep.equal(benchmarkMetadata(r));
    expect(doc.benchmarks!["sandboxStartupMs.js"]).to.be.a("number");
  });
});
