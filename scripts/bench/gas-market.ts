/**
 * Measures the gas of the job market's lifecycles and operations on Hardhat's chain with the
 * real registries (deployed by the Ignition module). Each lifecycle runs twice on the same
 * nodes: `<name>_firstJob` (nodes and payees touch their storage for the first time) and
 * `<name>` (steady state: the nodes settled a job before and their payees hold a balance).
 * Writes `<out>/gas-market.json` as `{ gas: {...} }`; bench/GAS-market.md explains the figures.
 *
 *   node scripts/bench/gas-market.ts [--out dir] [--tiny]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import type { Hash } from "viem";

import {
  ETH,
  L,
  S,
  deployMarket,
  nodeSteps,
  type Market,
  type TestNode,
  at,
} from "../../test/market/fixture.ts";
import { SAMPLE_METADATA_HASH, sampleCapabilities, samplePrices } from "../../test/registry/helpers.ts";

const { values } = parseArgs({
  options: { out: { type: "string" }, tiny: { type: "boolean", default: false } },
});
const outDir = values.out ?? join(import.meta.dirname, "..", "..", "bench");

const f: Market = await deployMarket(await network.create(), 8);
const steps = nodeSteps(f);

async function gasOf(hash: Promise<Hash> | Hash): Promise<number> {
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error("transaction reverted");
  return Number(receipt.gasUsed);
}

async function postGas(poolId: bigint, n: bigint): Promise<{ jobId: bigint; gas: number }> {
  const m = await f.asWallet(f.requester);
  const req = f.request(poolId);
  const gas = await gasOf(m.write.postJob([req], { value: n * req.pricePerNode }));
  return { jobId: await f.market.read.lastJobId(), gas };
}

const gas: Record<string, number> = {};
const ops = {
  post: [] as number[],
  takeSlot: [] as number[],
  commit: [] as number[],
  reveal: [] as number[],
  report: [] as number[],
};

async function standardReports(poolId: bigint, nodes: TestNode[]) {
  const { jobId, gas: post } = await postGas(poolId, BigInt(nodes.length));
  ops.post.push(post);
  let total = post;
  for (let i = 0; i < nodes.length; i++) {
    const g = await gasOf(steps.report(at(nodes, i), jobId, "good"));
    if (i < nodes.length - 1) ops.report.push(g);
    total += g;
  }
  return total;
}

async function standardTakeThenReport(poolId: bigint, nodes: TestNode[]) {
  const { jobId, gas: post } = await postGas(poolId, BigInt(nodes.length));
  let total = post;
  for (const node of nodes) {
    const m = await steps.asNode(node);
    const g = await gasOf(m.write.takeSlot([jobId, node.id]));
    ops.takeSlot.push(g);
    total += g;
  }
  for (let i = 0; i < nodes.length; i++) total += await gasOf(steps.report(at(nodes, i), jobId, "good"));
  return total;
}

async function strictNodeSent(poolId: bigint, nodes: TestNode[]) {
  const { jobId, gas: post } = await postGas(poolId, BigInt(nodes.length));
  let total = post;
  const rs = nodes.map(() => f.revealOf("good"));
  for (let i = 0; i < nodes.length; i++) {
    const g = await gasOf(steps.commit(at(nodes, i), jobId, at(rs, i)));
    ops.commit.push(g);
    total += g;
  }
  for (let i = 0; i < nodes.length; i++) {
    const g = await gasOf(steps.reveal(at(nodes, i), jobId, i, at(rs, i)));
    if (i < nodes.length - 1) ops.reveal.push(g);
    total += g;
  }
  return total;
}

async function submissionsFor(jobId: bigint, nodes: TestNode[]) {
  const out = [];
  for (const node of nodes) {
    const r = f.revealOf("good");
    out.push({
      nodeId: node.id,
      reveal: r,
      commitSignature: await f.signCommit(node, jobId, f.seal(jobId, node.id, r)),
    });
  }
  return { jobId, nodes: out };
}

async function strictBatched(poolId: bigint, nodes: TestNode[]) {
  const { jobId, gas: post } = await postGas(poolId, BigInt(nodes.length));
  const carrier = await f.asWallet(f.carrier);
  return post + (await gasOf(carrier.write.submitBatch([[await submissionsFor(jobId, nodes)]])));
}

async function measure(name: string, run: () => Promise<number>) {
  gas[`${name}_firstJob`] = await run();
  gas[name] = await run();
  console.log(`${name}: first ${gas[`${name}_firstJob`]}, steady ${gas[name]}`);
}

const three = f.nodes.slice(0, 3);
const five = f.nodes.slice(0, 5);
const four = f.nodes.slice(0, 4);
const standardPool = await f.createPool(S.TwoOfThree, L.Standard, three);
const strictPool = await f.createPool(S.TwoOfThree, L.Strict, three);
const strict5Pool = await f.createPool(S.ThreeOfFive, L.Strict, five);
const bft4Pool = await f.createPool(S.BFT, L.Strict, four, 4);

// Fresh node sets per lifecycle family would hide nothing: the first job of the first
// family is the true cold start; later "_firstJob" figures are first jobs of a pool.
await measure("lifecycle_2of3_nodeSent", () => standardReports(standardPool, three));
await measure("lifecycle_2of3_nodeSent_separateTake", () => standardTakeThenReport(standardPool, three));
await measure("lifecycle_2of3_strict_nodeSent", () => strictNodeSent(strictPool, three));
await measure("lifecycle_2of3_strict_batched", () => strictBatched(strictPool, three));
await measure("lifecycle_3of5_strict_nodeSent", () => strictNodeSent(strict5Pool, five));
await measure("lifecycle_bft4_strict_batched", () => strictBatched(bft4Pool, four));

async function batch20(): Promise<[number, number]> {
  const requester = await f.asWallet(f.requester);
  const reqs = Array.from({ length: 20 }, () => f.request(strictPool));
  const postGasTotal = await gasOf(
    requester.write.postJobs([reqs], { value: 20n * 3n * at(reqs, 0).pricePerNode }),
  );
  const last = await f.market.read.lastJobId();
  const subs = [];
  for (let k = 19n; k >= 0n; k--) subs.push(await submissionsFor(last - k, three));
  const carrier = await f.asWallet(f.carrier);
  const batch = await gasOf(carrier.write.submitBatch([subs]));
  return [Math.round(postGasTotal / 20), Math.round(batch / 20)];
}
{
  const [p1, b1] = await batch20();
  const [p2, b2] = await batch20();
  gas.batch20_perJob_firstJob = b1;
  gas.batch20_perJob = b2;
  gas.batch20_post_perJob_firstJob = p1;
  gas.batch20_post_perJob = p2;
  gas.batch20_lifecycle_perJob = p2 + b2;
  console.log(`batch20: per job settle ${b2}, post ${p2}`);
}

// A public settle after the reveal deadline (one no-show, two agreeing reveals).
{
  const { jobId } = await postGas(strictPool, 3n);
  const rs = three.map(() => f.revealOf("good"));
  for (let i = 0; i < 3; i++) await steps.commit(at(three, i), jobId, at(rs, i));
  for (let i = 0; i < 2; i++) await steps.reveal(at(three, i), jobId, i, at(rs, i));
  await f.networkHelpers.time.increase(7201);
  gas.settle = await gasOf((await f.asWallet(f.other)).write.settle([jobId]));
}
// A requester topping up an open job's escrow (Pool.escrowFunds): the price per node rises and
// n × add is collected, through the extension's delegatecall.
{
  const { jobId } = await postGas(standardPool, 3n);
  const add = 1_000n;
  gas.topUpJob = await gasOf(
    (await f.asWallet(f.requester)).write.topUpJob([jobId, add], { value: 3n * add }),
  );
}
{
  await f.networkHelpers.time.increase(2 * 24 * 3600);
  gas.withdraw = await gasOf(
    (await steps.asNode(at(three, 0))).write.withdraw(["0x0000000000000000000000000000000000000000"]),
  );
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const [op, xs] of Object.entries(ops)) gas[op] = median(xs);

// The same strict lifecycle with 10,000 nodes and 1,000 pools registered (issue: gas independent of
// how many exist). Bond-less nodes and empty pools from one account; the measured nodes are unchanged.
{
  const totalNodes = values.tiny ? 20 : 10_000;
  const totalPools = values.tiny ? 5 : 1_000;
  const owner = { account: f.other.account };
  const started = Date.now();
  for (let i = f.nodes.length; i < totalNodes; i++) {
    await f.registry.write.register(
      [f.other.account.address, ETH, 0n, sampleCapabilities(), samplePrices(), SAMPLE_METADATA_HASH, ""],
      owner,
    );
  }
  for (let p = Number(await f.pools.read.poolCount()); p < totalPools; p++) {
    await f.pools.write.createPool(
      [
        {
          strategy: S.TwoOfThree,
          redundancy: 0,
          verification: L.Strict,
          open: true,
          minReputation: 0,
          minBond: 0n,
        },
        {
          gpuModel: `0x${"00".repeat(16)}`,
          region: `0x${"00".repeat(16)}`,
          minGpuCount: 0,
          minMemoryGB: 0,
          minBandwidthMbps: 0,
        },
        [],
      ],
      owner,
    );
  }
  console.log(`registered ${totalNodes} nodes and ${totalPools} pools in ${Date.now() - started} ms`);
  await strictNodeSent(strictPool, three); // the nodes' state as in the plain steady run
  const key = values.tiny
    ? "lifecycle_2of3_strict_nodeSent_withTinyRegistry"
    : "lifecycle_2of3_strict_nodeSent_with10kNodes";
  gas[key] = await strictNodeSent(strictPool, three);
  console.log(`${key}: ${gas[key]} (plain ${gas.lifecycle_2of3_strict_nodeSent})`);
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "gas-market.json"), JSON.stringify({ gas }, null, 2) + "\n");
console.log(JSON.stringify(gas, null, 2));
