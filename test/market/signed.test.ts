/**
 * Signed (EIP-712) node steps carried by any account, alone or batched: commits, reports,
 * reveals, one-transaction batches for several jobs, cryptographic receipts, and the refusal of
 * replayed, forged, wrong-key and wrong-chain signatures.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  BOND,
  COLLATERAL,
  EIP712_TYPES,
  L,
  S,
  deployMarket,
  digestOf,
  type Market,
  type TestNode,
  at,
} from "./fixture.ts";

async function fresh(nodeCount = 4) {
  return await deployMarket(await network.create(), nodeCount);
}

async function submission(f: Market, jobId: bigint, node: TestNode, label: string) {
  const reveal = f.revealOf(label);
  return {
    nodeId: node.id,
    reveal,
    commitSignature: await f.signCommit(node, jobId, f.seal(jobId, node.id, reveal)),
  };
}

describe("JobMarket signed messages and batches", () => {
  it("the contract's seal and domain match the client's", async () => {
    const f = await fresh(1);
    const r = f.revealOf("x", 5n);
    assert.equal(
      await f.market.read.computeSeal([7n, 1n, r.digest, r.resultURI, r.invoice, r.salt]),
      f.seal(7n, 1n, r),
    );
    const d = await f.market.read.eip712Domain();
    assert.equal(d[1], "Sandrun JobMarket");
    assert.equal(d[2], "1");
    assert.equal(d[3], BigInt(f.chainId));
  });

  it("one batch carries the signed commits and reveals of several jobs and settles them all", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobs = [await f.post(f.request(pool), 3n), await f.post(f.request(pool), 3n)];
    const subs = [];
    for (const jobId of jobs) {
      const labels = jobId === at(jobs, 0) ? ["a", "a", "a"] : ["a", "b", "a"];
      const nodes = [];
      for (let i = 0; i < 3; i++) nodes.push(await submission(f, jobId, f.node(i), at(labels, i)));
      subs.push({ jobId, nodes });
    }
    await (await f.asWallet(f.carrier)).write.submitBatch([subs]);
    for (const jobId of jobs) assert.equal((await f.market.read.job([jobId])).status, 2);
    // The dissenter of the second job lost its collateral.
    assert.equal((await f.registry.read.bondInfo([f.node(1).id])).bond, BOND - COLLATERAL);
    for (const n of f.nodes) assert.equal((await f.registry.read.bondInfo([n.id])).locked, 0n);
  });

  it("refuses a batch with a wrong-key, wrong-chain or mismatched signature, and incomplete or stale batches", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const carrier = await f.asWallet(f.carrier);
    const good = [];
    for (let i = 0; i < 3; i++) good.push(await submission(f, jobId, f.node(i), "a"));
    const stranger = privateKeyToAccount(generatePrivateKey());
    const wrongKey = {
      ...at(good, 2),
      commitSignature: await f.signCommit(
        f.node(2),
        jobId,
        f.seal(jobId, f.node(2).id, at(good, 2).reveal),
        stranger,
      ),
    };
    const otherChain = {
      ...at(good, 2),
      commitSignature: await f.signCommit(
        f.node(2),
        jobId,
        f.seal(jobId, f.node(2).id, at(good, 2).reveal),
        f.node(2).signer,
        {
          ...f.domain,
          chainId: f.chainId + 1,
        },
      ),
    };
    // A signature over one preimage does not cover another (the seal is recomputed).
    const altered = { ...at(good, 2), reveal: { ...at(good, 2).reveal, digest: digestOf("b") } };
    for (const bad of [wrongKey, otherChain, altered]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        carrier.write.submitBatch([[{ jobId, nodes: [at(good, 0), at(good, 1), bad] }]]),
        f.market,
        "JobMarketInvalidSignature",
        [jobId, f.node(2).id, f.node(2).signer.address],
      );
    }
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: [at(good, 0), at(good, 1)] }]]),
      f.market,
      "JobMarketBatchIncomplete",
      [jobId, 3, 2n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: [at(good, 0), at(good, 1), at(good, 0)] }]]),
      f.market,
      "JobMarketDuplicateNode",
      [f.node(0).id],
    );
    await carrier.write.submitBatch([[{ jobId, nodes: good }]]);
    // Replaying the same batch: the job is settled.
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: good }]]),
      f.market,
      "JobMarketJobNotOpen",
      [jobId, 2],
    );
  });

  it("two-transaction flow: signed commits carried in one batch, reveals in another; replay refused", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobs = [await f.post(f.request(pool), 3n), await f.post(f.request(pool), 3n)];
    const carrier = await f.asWallet(f.carrier);
    const commits = [];
    const reveals = [];
    for (const jobId of jobs) {
      for (let i = 0; i < 3; i++) {
        const r = f.revealOf("a");
        const seal = f.seal(jobId, f.node(i).id, r);
        commits.push({
          jobId,
          nodeId: f.node(i).id,
          seal,
          signature: await f.signCommit(f.node(i), jobId, seal),
        });
        reveals.push({ jobId, slot: i, reveal: r });
      }
    }
    await carrier.write.commitSigned([commits]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.commitSigned([[at(commits, 0)]]),
      f.market,
      "JobMarketSlotsFull",
      [at(jobs, 0), 3],
    );
    await carrier.write.revealBatch([reveals]);
    for (const jobId of jobs) assert.equal((await f.market.read.job([jobId])).status, 2);
  });

  it("a signed commit replayed on another job, or signed by another key, is refused", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const j1 = await f.post(f.request(pool), 3n);
    const j2 = await f.post(f.request(pool), 3n);
    const carrier = await f.asWallet(f.carrier);
    const seal = f.seal(j1, f.node(0).id, f.revealOf("a"));
    const signature = await f.signCommit(f.node(0), j1, seal);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.commitSigned([[{ jobId: j2, nodeId: f.node(0).id, seal, signature }]]),
      f.market,
      "JobMarketInvalidSignature",
      [j2, f.node(0).id, f.node(0).signer.address],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.commitSigned([[{ jobId: j1, nodeId: f.node(1).id, seal, signature }]]),
      f.market,
      "JobMarketInvalidSignature",
      [j1, f.node(1).id, f.node(1).signer.address],
    );
    await carrier.write.commitSigned([[{ jobId: j1, nodeId: f.node(0).id, seal, signature }]]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.commitSigned([[{ jobId: j1, nodeId: f.node(0).id, seal, signature }]]),
      f.market,
      "JobMarketAlreadyTaken",
      [j1, f.node(0).id],
    );
  });

  it("a rotated signer key takes effect at once: the old key is refused, the new one and the owner's accepted", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const carrier = await f.asWallet(f.carrier);
    const node = f.node(0);
    const commit = async (signer: TestNode["signer"]) => {
      const seal = f.seal(jobId, node.id, f.revealOf("a"));
      return { jobId, nodeId: node.id, seal, signature: await f.signCommit(node, jobId, seal, signer) };
    };
    const oldKey = node.signer;
    const newKey = privateKeyToAccount(generatePrivateKey());
    const registry = await f.viem.getContractAt("NodeRegistry", f.registry.address, {
      client: { wallet: node.owner },
    });
    await registry.write.setSigner([node.id, newKey.address]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.commitSigned([[await commit(oldKey)]]),
      f.market,
      "JobMarketInvalidSignature",
      [jobId, node.id, newKey.address],
    );
    await carrier.write.commitSigned([[await commit(newKey)]]);
    // An operator without a hot key signs with the owner key (the market stores no copy then).
    const second = f.node(1);
    const ownerKey = second.owner.account;
    await (
      await f.viem.getContractAt("NodeRegistry", f.registry.address, { client: { wallet: second.owner } })
    ).write.setSigner([second.id, ownerKey.address]);
    const seal = f.seal(jobId, second.id, f.revealOf("a"));
    const signature = await second.owner.signTypedData({
      account: ownerKey,
      domain: f.domain,
      types: EIP712_TYPES,
      primaryType: "Commit",
      message: { jobId, nodeId: second.id, seal },
    });
    await carrier.write.commitSigned([[{ jobId, nodeId: second.id, seal, signature }]]);
    assert.equal((await f.market.read.job([jobId])).taken, 2);
  });

  it("signed reports at the standard level, carried for several nodes at once", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const reports = [];
    for (const n of f.nodes) {
      const uri = "ipfs://r";
      reports.push({
        jobId,
        nodeId: n.id,
        digest: digestOf("a"),
        invoice: 0n,
        resultURI: uri,
        signature: await f.signReport(n, jobId, digestOf("a"), 0n, uri),
      });
    }
    const carrier = await f.asWallet(f.carrier);
    const forged = { ...at(reports, 2), invoice: 1n };
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.reportSigned([[at(reports, 0), at(reports, 1), forged]]),
      f.market,
      "JobMarketInvalidSignature",
      [jobId, f.node(2).id, f.node(2).signer.address],
    );
    await carrier.write.reportSigned([reports]);
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });

  it("cryptographic level: reveals carry an EIP-712 receipt by the node's signer, verified and emitted", async () => {
    const f = await fresh(3);
    const pool = await f.createPool(S.TwoOfThree, L.Cryptographic, f.nodes);
    const req = f.request(pool, { runtime: 1 });
    const jobId = await f.post(req, 3n);
    const rs = [];
    for (let i = 0; i < 3; i++) {
      const r = f.revealOf("a");
      r.receiptSignature = await f.signReceipt(f.node(i), jobId, req.specHash, 1, r);
      rs.push(r);
      await (
        await f.viem.getContractAt("JobMarket", f.market.address, { client: { wallet: f.node(i).owner } })
      ).write.commit([jobId, f.node(i).id, f.seal(jobId, f.node(i).id, r)]);
    }
    const carrier = await f.asWallet(f.carrier);
    const badReceipt = {
      ...at(rs, 0),
      receiptSignature: await f.signReceipt(f.node(1), jobId, req.specHash, 1, at(rs, 0)),
    };
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.reveal([jobId, 0, badReceipt]),
      f.market,
      "JobMarketInvalidReceipt",
      [jobId, f.node(0).id, f.node(0).signer.address],
    );
    await f.viem.assertions.emitWithArgs(
      carrier.write.reveal([jobId, 0, at(rs, 0)]),
      f.market,
      "ReceiptSubmitted",
      [
        jobId,
        f.node(0).id,
        at(rs, 0).usage.wallMs,
        at(rs, 0).usage.cpuMs,
        at(rs, 0).usage.peakMemory,
        at(rs, 0).receiptSignature,
      ],
    );
    await carrier.write.revealBatch([
      [
        { jobId, slot: 1, reveal: at(rs, 1) },
        { jobId, slot: 2, reveal: at(rs, 2) },
      ],
    ]);
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });
});
