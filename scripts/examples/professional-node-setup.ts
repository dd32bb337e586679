/**
 * The original design's "Professional Node Setup" pattern, run against the in-process Hardhat
 * chain: `node scripts/examples/professional-node-setup.ts`.
 *
 * Changes from the design's snippet, and why:
 * - `identity(process.env.NODE_PRIVATE_KEY)`: when the variable is unset this script uses a
 *   freshly generated key (an unset identity would be reported by validate() as a problem).
 * - `sendAlert` is the design's placeholder; here it records the alert.
 * - The node also takes a small job and reports it by hand (the worker's part), so the
 *   `payment-received` handler really fires.
 */
import { keccak256, parseEther, stringToHex, zeroAddress } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { localSandrun } from "./node-setup.ts";

export async function main() {
  const { sandrun, connection, deployed, close } = await localSandrun();
  const alerts: string[] = [];
  const sendAlert = async (message: string) => void alerts.push(message);
  const received: string[] = [];

  // High-end node with bonding and insurance
  const proNode = await sandrun
    .node()
    .identity(process.env.NODE_PRIVATE_KEY ?? generatePrivateKey())
    .alias("datacenter-a100-cluster")
    .capabilities({
      gpu: {
        type: "a100",
        memory: "80GB",
        count: 8,
        interconnect: "nvlink",
      },
      cpu: { cores: 128, threads: 256, frequency: 2400 },
      memory: { total: 1024, type: "ddr5", speed: 4800 },
      storage: { type: "nvme", capacity: 20000, iops: 1000000 },
      network: { bandwidth: 25000, latency: 1 },
    })
    .region("us-east-1")
    .availability({
      schedule: "24/7",
      plannedMaintenance: ["2024-12-25T00:00:00Z"],
    })
    .bondAmount("10.0", "ETH") // Security deposit
    .insurance({
      provider: "NodeGuard",
      coverage: "100.0",
      currency: "ETH",
    })
    .pricing({
      gpu: {
        perHour: "4.0",
        perJob: "0.1",
        discounts: {
          volume: [
            { threshold: 100, discount: 0.1 },
            { threshold: 1000, discount: 0.2 },
          ],
          duration: [
            { hours: 24, discount: 0.05 },
            { hours: 168, discount: 0.15 }, // Weekly
          ],
        },
      },
      currency: "ETH",
    })
    .register();

  // Advanced monitoring
  proNode.on("resource-low", async (resource) => {
    await sendAlert(`Low ${resource} on node ${proNode.id}`);
  });

  const paid = new Promise<void>((resolve) =>
    proNode.on("payment-received", (payment) => {
      received.push(`Received ${payment.amount} ${payment.currency}`);
      console.log(`Received ${payment.amount} ${payment.currency}`);
      resolve();
    }),
  );

  // Exercise both handlers: fill the GPUs, then take, run and report one job.
  await proNode.reserveResources({ gpus: 8, jobId: "local-burn-in" });
  const { viem } = connection;
  const [, operator, , requester] = await viem.getWalletClients();
  const pools = await viem.getContractAt("PoolRegistry", deployed.poolRegistry.address, {
    client: { wallet: requester! },
  });
  const zero16 = `0x${"00".repeat(16)}` as const;
  await pools.write.createPool([
    { strategy: 0, redundancy: 1, verification: 0, open: true, minReputation: 0, minBond: 0n },
    { gpuModel: zero16, region: zero16, minGpuCount: 0, minMemoryGB: 0, minBandwidthMbps: 0 },
    [BigInt(proNode.id)],
  ]);
  const market = await viem.getContractAt("JobMarket", deployed.jobMarket.address, {
    client: { wallet: requester! },
  });
  await market.write.postJob(
    [
      {
        poolId: await pools.read.poolCount(),
        specHash: keccak256(stringToHex("demo")),
        runtime: 0,
        strategy: 255,
        redundancy: 0,
        resources: 0n,
        token: zeroAddress,
        pricePerNode: parseEther("0.2"),
        collateralPerNode: parseEther("0.1"),
        commitWindow: 3600,
        revealWindow: 3600,
        nodes: [],
        specURI: "data:,demo",
        inlineSpec: "0x",
        encryptionKey: "0x",
      },
    ],
    { value: parseEther("0.2") },
  );
  const jobId = await market.read.lastJobId();
  const invoice = await proNode.submitInvoice(jobId.toString(), "0.15");
  const asNode = await viem.getContractAt("JobMarket", deployed.jobMarket.address, {
    client: { wallet: operator! },
  });
  await asNode.write.report([
    jobId,
    BigInt(proNode.id),
    keccak256(stringToHex("result")),
    invoice.raw,
    "data:,result",
  ]);
  await paid;
  const status = await proNode.status();
  await proNode.shutdown();
  close();
  return { id: proNode.id, signer: proNode.signer, alerts, received, earnings: status.earnings };
}

if (import.meta.main) console.log(JSON.stringify(await main(), null, 2));
