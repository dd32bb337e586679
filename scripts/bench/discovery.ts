/**
 * Discovery benchmark: 10,000 nodes registered on `hardhat node` (HTTP, 127.0.0.1, a free
 * port; started here and stopped at the end), then read into discovery records by the client's
 * reader through a transport that counts every RPC request. Writes `<out>/discovery.json`:
 * `{ discovery: { nodes, rpcCalls, ms } }` (ms = wall time of the read, median of 3).
 *
 *   node scripts/bench/discovery.ts [--tiny] [--out bench]
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  encodeFunctionData,
  http,
  stringToHex,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";

import { DEFAULT_PACKED_PAGE_SIZE, readRegistryPacked } from "../../client/discovery/reader.ts";

const root = join(import.meta.dirname, "..", "..");
const tiny = process.argv.includes("--tiny");
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex > 0 ? process.argv[outIndex + 1]! : join(root, "bench");
const nodesIndex = process.argv.indexOf("--nodes");
// hardhat node caps an eth_call at 16,777,216 gas (EIP-7825's per-transaction cap): a page of
// getNodeStates must fit that (the page size is checked against it below). 10,000 nodes take
// eth_blockNumber, bondTokens, one eth_getLogs and the pages.
const GAS = 16_777_216n;
const NODES = nodesIndex > 0 ? Number(process.argv[nodesIndex + 1]) : tiny ? 200 : 10_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const node = spawn(
  join(root, "node_modules", ".bin", "hardhat"),
  ["node", "--hostname", "127.0.0.1", "--port", String(port)],
  {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}` },
    detached: true, // its own process group, so stopping it stops its children too
  },
);
const stop = () => {
  if (node.pid !== undefined && node.exitCode === null) {
    try {
      process.kill(-node.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
};
process.on("exit", stop);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stop();
    process.exit(1);
  });
}

try {
  const raw = http(url, { batch: { batchSize: 1000 }, timeout: 120_000 });
  for (let i = 0; ; i++) {
    try {
      await createPublicClient({ transport: http(url) }).getChainId();
      break;
    } catch {
      if (i > 300) throw new Error("hardhat node did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const chainId = await createPublicClient({ transport: raw }).getChainId();
  const chain = defineChain({
    id: chainId,
    name: "hardhat-node",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const publicClient = createPublicClient({ chain, transport: raw });
  const accounts = (await publicClient.request({ method: "eth_accounts" as never })) as Address[];
  const admin = accounts[0]!;
  const artifact = JSON.parse(
    readFileSync(join(root, "artifacts", "contracts", "NodeRegistry.sol", "NodeRegistry.json"), "utf8"),
  ) as { abi: Abi; bytecode: Hex };
  const wallet = createWalletClient({ chain, transport: raw, account: admin });
  const deployHash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args: [admin, 0n, 3600, 3600],
  });
  const registry = (await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;

  // Seed: automine off, every registration sent (batched JSON-RPC), then mined block by block.
  const seedStart = Date.now();
  const mineAll = async () => {
    for (;;) {
      await publicClient.request({ method: "evm_mine" as never });
      const pending = (await publicClient.request({
        method: "eth_getBlockByNumber",
        params: ["pending", false],
      })) as {
        transactions: unknown[];
      } | null;
      if (!pending || pending.transactions.length === 0) return;
    }
  };
  await publicClient.request({ method: "evm_setAutomine" as never, params: [false] as never });
  const senders = accounts.slice(1, 11);
  const nonces = await Promise.all(senders.map((a) => publicClient.getTransactionCount({ address: a })));
  const regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"];
  const models = ["a100", "h100", "rtx4090", ""];
  const sends: Promise<Hex>[] = [];
  for (let i = 0; i < NODES; i++) {
    const s = i % senders.length;
    const from = senders[s]!;
    const model = models[i % models.length]!;
    sends.push(
      createWalletClient({ chain, transport: raw, account: from }).writeContract({
        address: registry,
        abi: artifact.abi,
        functionName: "register",
        args: [
          from,
          zeroAddress,
          0n,
          {
            gpuModel: stringToHex(model, { size: 16 }),
            gpuCount: model ? 1 + (i % 8) : 0,
            gpuMemoryGB: model ? 24 + (i % 4) * 16 : 0,
            gpuComputeCapability: 80,
            gpuInterconnect: i % 3,
            cpuArch: i % 2,
            cpuCores: 8 + (i % 56),
            cpuThreads: 16 + (i % 112),
            cpuMHz: 3000,
            memoryGB: 32 + (i % 8) * 32,
            memoryType: i % 3,
            memoryMHz: 4800,
            storageType: i % 3,
            storageGB: 1000 + i,
            storageIOPS: 100_000 + i,
            bandwidthMbps: 1000 + (i % 10) * 1000,
            latencyMs: 1 + (i % 100),
            region: stringToHex(regions[i % regions.length]!, { size: 16 }),
          },
          {
            gpuHour: 10n ** 15n * BigInt(1 + (i % 50)),
            cpuCoreHour: 10n ** 12n,
            memoryGBHour: 10n ** 11n,
            storageGBHour: 0n,
            networkGB: 0n,
            perJob: 0n,
            minimumJob: 0n,
            token: zeroAddress,
          },
          `0x${"00".repeat(32)}`,
          "",
        ],
        nonce: nonces[s]! + Math.floor(i / senders.length),
        gas: 400_000n,
      }),
    );
    // Mine every chunk before sending the next: a small mempool keeps each block cheap to build.
    if (sends.length >= 500 || i === NODES - 1) {
      await Promise.all(sends.splice(0));
      await mineAll();
    }
  }
  const seeded = (await publicClient.readContract({
    address: registry,
    abi: artifact.abi,
    functionName: "nodeCount",
  })) as bigint;
  console.log(`seeded ${seeded} nodes in ${((Date.now() - seedStart) / 1000).toFixed(1)}s`);

  // Page size: the reader's default, unless a page of that size does not fit the node's eth_call
  // cap on this registry; then the largest page that fits with 5% to spare (what a client facing
  // this cap does). The gas of a 1,000-node page (or all nodes, if fewer) gives the cost per node.
  const probeCount = Math.min(1_000, NODES);
  const probeGas = await publicClient.estimateGas({
    to: registry,
    data: encodeFunctionData({
      abi: artifact.abi,
      functionName: "getNodeStates",
      args: [1n, BigInt(probeCount)],
    }),
  });
  const gasPerNode = Number(probeGas) / probeCount;
  const PAGE = Math.min(DEFAULT_PACKED_PAGE_SIZE, Math.floor((Number(GAS) * 0.95) / gasPerNode));
  console.log(`page of ${PAGE} nodes (${Math.round(gasPerNode)} gas per node, cap ${GAS})`);

  // Measure: a counting transport around plain HTTP (no batching, so each request is one call).
  let calls = 0;
  // 10,000 nodes' registration logs are one ~11 MB eth_getLogs answer, above viem's default 10 MiB
  // response limit: a client reading a registry this size raises the limit (or splits the range).
  const plain = http(url, { timeout: 120_000, maxResponseBodySize: 64 * 2 ** 20 })({ chain });
  const counted = createPublicClient({
    chain,
    transport: custom({
      request: (args: { method: string; params?: unknown }) => {
        calls += 1;
        return plain.request(args as never);
      },
    }),
  }) as PublicClient;
  const runs: { ms: number; calls: number; nodes: number }[] = [];
  for (let r = 0; r < 3; r++) {
    calls = 0;
    const t0 = performance.now();
    const { nodes } = await readRegistryPacked(counted, { registry, gas: GAS, pageSize: PAGE });
    runs.push({ ms: performance.now() - t0, calls, nodes: nodes.length });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[1]!;
  const result = {
    discovery: {
      nodes: median.nodes,
      rpcCalls: median.calls,
      ms: Math.round(median.ms),
      pageSize: PAGE,
      gasPerNodeInPage: Math.round(gasPerNode),
    },
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "discovery.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(
    `discovery of ${median.nodes} nodes: ${median.calls} RPC calls, ${Math.round(median.ms)} ms (median of 3)`,
  );
} finally {
  stop();
}
process.exit(0);
