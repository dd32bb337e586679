/**
 * Where the gas of the market's strict lifecycles goes: runs each lifecycle twice (the second is
 * the steady state the gas table reports), traces every transaction of the steady run with
 * `debug_traceTransaction` and prints, per transaction, the gas by opcode family and by contract
 * (self gas: a call's own cost excludes what its callee spent). Evidence for gas work, not a
 * benchmark: the figures in bench/ come from gas-market.ts.
 *
 *   node scripts/bench/profile-market.ts [--only strict|batched|standard]
 *
 * Environment: DETAIL=1 counts storage, call and log operations by cost; OPS=1 gives self gas per
 * contract and opcode; LINES=N lists the N Solidity lines that spent most (source maps of the
 * build, see source-lines.ts; compiler-generated code shows as "<file>:?").
 */
import { parseArgs } from "node:util";
import { network } from "hardhat";
import type { Hash } from "viem";

import { L, S, deployMarket, nodeSteps, at, type TestNode } from "../../test/market/fixture.ts";
import { sourceLinesOf } from "./source-lines.ts";

const { values } = parseArgs({ options: { only: { type: "string" } } });
const f = await deployMarket(await network.create(), 8);
const steps = nodeSteps(f);
const names = new Map<string, string>([
  [f.market.address.toLowerCase(), "JobMarket"],
  [f.registry.address.toLowerCase(), "NodeRegistry"],
  // The pools run at the market's address (PoolRegistry's code is one of its modules).
]);
for (const [k, name] of [
  ["settlementModule", "Settlement"],
  ["extension", "Extension"],
  ["poolModule", "Pools"],
] as const) {
  names.set(((await f.market.read[k]()) as string).toLowerCase(), name);
}

const lineMaps = new Map<string, Map<number, string> | undefined>();
/** "file:line" of `pc` in the named contract's code (the module's own code under delegatecall). */
function lineOf(contract: string, pc: number): string {
  const file = { Settlement: "JobMarketSettlement", Extension: "JobMarketExtension", Pools: "PoolRegistry" }[
    contract
  ];
  if (!lineMaps.has(contract)) lineMaps.set(contract, sourceLinesOf(file ?? contract));
  return lineMaps.get(contract)?.get(pc) ?? `${contract}:?`;
}

interface Log {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** Self gas per (contract, opcode family) of one transaction. */
async function profile(hash: Hash, label: string) {
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
  const trace = (await f.publicClient.request({
    method: "debug_traceTransaction" as never,
    params: [hash, { disableStorage: true, disableMemory: true, disableStack: !process.env.SLOTS }] as never,
  })) as { structLogs: Log[]; gas: number };
  const logs = trace.structLogs;
  const byFamily = new Map<string, number>();
  const byContract = new Map<string, number>();
  const detail = new Map<string, number>();
  const lines = new Map<string, number>();
  const frames: string[] = ["JobMarket"];
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let exec = 0;
  for (let i = 0; i < logs.length; i++) {
    const l = at(logs, i);
    const next = logs[i + 1];
    let cost: number;
    if (next && next.depth > l.depth) {
      // Entering a call: its self cost is what the caller lost minus what the callee spent.
      let j = i + 1;
      while (j < logs.length && at(logs, j).depth > l.depth) j++;
      const after = logs[j];
      const callee = logs.slice(i + 1, j);
      const calleeSpent = callee.length
        ? at(callee, 0).gas - (callee.at(-1)!.gas - callee.at(-1)!.gasCost)
        : 0;
      cost = after ? l.gas - after.gas - calleeSpent : l.gasCost;
      const target = l.stack?.[l.stack.length - 2] ?? "";
      const addr = `0x${target.replace(/^0x/, "").padStart(64, "0").slice(24)}`;
      frames[next.depth - 1] = names.get(addr) ?? addr.slice(0, 10);
    } else if (next && next.depth < l.depth) {
      cost = l.gasCost;
    } else {
      cost = next ? l.gas - next.gas : l.gasCost;
    }
    const op = l.op;
    const family = op.startsWith("LOG")
      ? "LOG"
      : op.startsWith("PUSH") || op.startsWith("DUP") || op.startsWith("SWAP")
        ? "stack"
        : ["SSTORE", "SLOAD", "KECCAK256", "CALL", "STATICCALL", "DELEGATECALL", "TLOAD", "TSTORE"].includes(
              op,
            )
          ? op
          : "other";
    add(byFamily, family, cost);
    if (process.env.OPS && family !== "stack") add(detail, `${frames[l.depth - 1] ?? "?"}:${op}`, cost);
    if (
      (process.env.DETAIL && ["SLOAD", "SSTORE", "CALL", "STATICCALL", "DELEGATECALL"].includes(op)) ||
      op.startsWith("LOG")
    ) {
      add(detail, `${frames[l.depth - 1] ?? "?"}:${op}:${cost}`, 1);
    }
    add(byContract, frames[l.depth - 1] ?? "?", cost);
    if (process.env.LINES) add(lines, lineOf(frames[l.depth - 1] ?? "?", l.pc), cost);
    if (process.env.SLOTS && (op === "SLOAD" || op === "SSTORE") && cost >= 2100) {
      const slot = l.stack?.at(-1)?.replace(/^0x/, "").padStart(64, "0") ?? "?";
      const where = process.env.LINES ? lineOf(frames[l.depth - 1] ?? "?", l.pc) : `pc ${l.pc}`;
      console.log(`    ${op} ${cost} ${frames[l.depth - 1] ?? "?"} ${slot.slice(0, 12)}… ${where}`);
    }
    exec += cost;
  }
  const used = Number(receipt.gasUsed);
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(" · ");
  console.log(`\n${label}: gasUsed ${used} (intrinsic+calldata-refund ${used - exec}, exec ${exec})`);
  console.log(`  by op:       ${fmt(byFamily)}`);
  console.log(`  by contract: ${fmt(byContract)}`);
  if (process.env.DETAIL || process.env.OPS) console.log(`  detail (contract:op:cost count): ${fmt(detail)}`);
  if (process.env.LINES) {
    const top = [...lines.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.LINES) || 40);
    for (const [k, v] of top) console.log(`    ${String(v).padStart(6)}  ${k}`);
  }
  return used;
}

async function postJob(poolId: bigint, n: bigint) {
  const m = await f.asWallet(f.requester);
  const req = f.request(poolId);
  const hash = await m.write.postJob([req], { value: n * req.pricePerNode });
  return { hash, jobId: await f.market.read.lastJobId() };
}

async function strict(poolId: bigint, nodes: TestNode[], trace: boolean) {
  const { hash, jobId } = await postJob(poolId, 3n);
  const hashes: [string, Hash][] = [["post", hash]];
  const rs = nodes.map(() => f.revealOf("good"));
  for (let i = 0; i < nodes.length; i++)
    hashes.push([`commit ${i}`, await steps.commit(at(nodes, i), jobId, at(rs, i))]);
  for (let i = 0; i < nodes.length; i++) {
    hashes.push([`reveal ${i}`, await steps.reveal(at(nodes, i), jobId, i, at(rs, i))]);
  }
  if (!trace) return;
  let total = 0;
  for (const [label, h] of hashes) total += await profile(h, label);
  console.log(`strict node-sent total ${total}`);
}

async function batched(poolId: bigint, nodes: TestNode[], trace: boolean) {
  const { hash, jobId } = await postJob(poolId, 3n);
  const subs = [];
  for (const node of nodes) {
    const r = f.revealOf("good");
    subs.push({
      nodeId: node.id,
      reveal: r,
      commitSignature: await f.signCommit(node, jobId, f.seal(jobId, node.id, r)),
    });
  }
  const carrier = await f.asWallet(f.carrier);
  const h = await carrier.write.submitBatch([[{ jobId, nodes: subs }]]);
  if (!trace) return;
  const total = (await profile(hash, "post")) + (await profile(h, "submitBatch"));
  console.log(`strict batched total ${total}`);
}

async function standard(poolId: bigint, nodes: TestNode[], trace: boolean) {
  const { hash, jobId } = await postJob(poolId, 3n);
  const hashes: [string, Hash][] = [["post", hash]];
  for (let i = 0; i < nodes.length; i++)
    hashes.push([`report ${i}`, await steps.report(at(nodes, i), jobId, "good")]);
  if (!trace) return;
  let total = 0;
  for (const [label, h] of hashes) total += await profile(h, label);
  console.log(`standard node-sent total ${total}`);
}

const three = f.nodes.slice(0, 3);
const standardPool = await f.createPool(S.TwoOfThree, L.Standard, three);
const strictPool = await f.createPool(S.TwoOfThree, L.Strict, three);
// Warm up exactly as gas-market.ts does, so the traced run is its steady state.
await standard(standardPool, three, false);
if (!values.only || values.only === "standard") await standard(standardPool, three, true);
else await standard(standardPool, three, false);
await strict(strictPool, three, false);
if (!values.only || values.only === "strict") await strict(strictPool, three, true);
await batched(strictPool, three, false);
if (!values.only || values.only === "batched") await batched(strictPool, three, true);
