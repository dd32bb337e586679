/**
 * The gas-floor probe (`contracts/test/LifecycleFloor.sol`) set up beside a market fixture: the
 * fixture's nodes (same ids, owners and signer keys) registered in the probe, one strict 2-of-3
 * pool, and the strict lifecycles driven with the same requests, reveals and signatures that
 * scripts/bench/gas-market.ts sends to the real market. Used by scripts/bench/gas-floor.ts and
 * its test.
 */
import type { Hash } from "viem";

import { CHALLENGE, FEE_BPS, L, S, at, type Market, type TestNode } from "../../test/market/fixture.ts";

export const FLOOR_POOL = 1n;
const PROBE_BOND = 10n ** 19n;

/** `compact`: the probe's hash-only settled jobs with the terms word in the recycled row (see the contract). */
export async function deployFloorProbe(f: Market, compact = false) {
  const probe = await f.viem.deployContract("LifecycleFloor", [
    f.treasury.account.address,
    Number(FEE_BPS),
    CHALLENGE,
    compact,
  ]);
  for (const node of f.nodes) {
    await probe.write.addNode([node.id, node.owner.account.address, node.signer.address, PROBE_BOND]);
  }
  await probe.write.addPool([Number(FLOOR_POOL), S.TwoOfThree, 3, L.Strict, f.nodes.map((n) => n.id)]);
  const domain = { ...f.domain, verifyingContract: probe.address };
  /** Gas of every transaction sent so far, in order. */
  const sent: number[] = [];

  async function gasOf(hash: Promise<Hash> | Hash): Promise<number> {
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error("transaction reverted");
    sent.push(Number(receipt.gasUsed));
    return Number(receipt.gasUsed);
  }

  async function as(wallet: Market["requester"]) {
    return await f.viem.getContractAt("LifecycleFloor", probe.address, { client: { wallet } });
  }

  async function post(): Promise<{ jobId: bigint; gas: number }> {
    const req = f.request(FLOOR_POOL);
    const m = await as(f.requester);
    const gas = await gasOf(m.write.postJob([req], { value: 3n * req.pricePerNode }));
    return { jobId: await probe.read.lastJobId(), gas };
  }

  /** Post, then each node commits and reveals with its own transactions; returns the total gas. */
  async function nodeSent(nodes: TestNode[]): Promise<{ jobId: bigint; gas: number }> {
    const { jobId, gas } = await post();
    let total = gas;
    const rs = nodes.map(() => f.revealOf("good"));
    for (let i = 0; i < nodes.length; i++) {
      const node = at(nodes, i);
      const m = await as(node.owner);
      total += await gasOf(
        m.write.commit([jobId, node.id, f.seal(jobId, node.id, at(rs, i), probe.address)]),
      );
    }
    for (let i = 0; i < nodes.length; i++) {
      const m = await as(at(nodes, i).owner);
      total += await gasOf(m.write.reveal([jobId, i, at(rs, i)]));
    }
    return { jobId, gas: total };
  }

  /** The nodes' signed commits and reveals for `jobId`, signed by `signers` (default: each node's key). */
  async function submissions(jobId: bigint, nodes: TestNode[], signers = nodes.map((n) => n.signer)) {
    const subs = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = at(nodes, i);
      const r = f.revealOf("good");
      const seal = f.seal(jobId, node.id, r, probe.address);
      subs.push({
        nodeId: node.id,
        reveal: r,
        commitSignature: await f.signCommit(node, jobId, seal, at(signers, i), domain),
      });
    }
    return subs;
  }

  /** Post, then one carrier transaction with every node's signed commit and reveal. */
  async function batched(nodes: TestNode[]): Promise<{ jobId: bigint; gas: number }> {
    const { jobId, gas } = await post();
    const m = await as(f.carrier);
    const subs = await submissions(jobId, nodes);
    return { jobId, gas: gas + (await gasOf(m.write.submitBatch([[{ jobId, nodes: subs }]]))) };
  }

  return { probe, sent, as, post, nodeSent, submissions, batched };
}
