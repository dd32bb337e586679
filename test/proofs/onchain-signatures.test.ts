/**
 * The TypeScript client's signatures against the real JobMarket: commits signed with
 * `signCommit` over a seal from `computeSeal` (client/proofs/sign.ts, typed-data.ts) are
 * accepted by `submitBatch`, reports signed with `signReport` by `reportSigned`; the same
 * messages signed by a key that is not the node's signer are refused with
 * `JobMarketInvalidSignature`. (test/market/signed.test.ts covers the contract with the
 * fixture's own signing; this checks the client's encoding matches the contract's.)
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { keccak256, toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signCommit, signReport, type TypedDataSigner } from "../../client/proofs/sign.ts";
import { computeSeal, type MarketDomain } from "../../client/proofs/typed-data.ts";
import {
  BOND,
  COLLATERAL,
  L,
  S,
  at,
  deployMarket,
  digestOf,
  type Market,
  type TestNode,
} from "../market/fixture.ts";

const salt = (label: string): Hex => keccak256(toBytes(`salt:${label}`));

/** A submitBatch entry for `node`, its commit signed by the client's signCommit with `signer`. */
async function clientSubmission(
  f: Market,
  domain: MarketDomain,
  jobId: bigint,
  node: TestNode,
  label: string,
  signer: TypedDataSigner = node.signer,
) {
  const reveal = {
    digest: digestOf(label),
    salt: salt(`${jobId}:${node.id}`),
    invoice: 0n,
    resultURI: `ipfs://result/${label}`,
    usage: { wallMs: 1n, cpuMs: 1n, peakMemory: 1n },
    receiptSignature: "0x" as Hex,
  };
  const seal = computeSeal({ ...domain, jobId, nodeId: node.id, ...reveal });
  const signed = await signCommit(signer, domain, { jobId, nodeId: node.id, seal });
  return { nodeId: node.id, reveal, commitSignature: signed.signature };
}

describe("client signatures accepted on-chain", () => {
  it("submitBatch accepts commits signed by the client and refuses one signed by a wrong key", async () => {
    const f = await deployMarket(await network.create(), 3);
    const domain: MarketDomain = { chainId: f.chainId, market: f.market.address };
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const carrier = await f.asWallet(f.carrier);
    const labels = ["a", "a", "b"];
    const good = [];
    for (let i = 0; i < 3; i++) good.push(await clientSubmission(f, domain, jobId, f.node(i), at(labels, i)));

    const stranger = privateKeyToAccount(generatePrivateKey());
    const wrongKey = await clientSubmission(f, domain, jobId, f.node(2), "b", stranger);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.submitBatch([[{ jobId, nodes: [at(good, 0), at(good, 1), wrongKey] }]]),
      f.market,
      "JobMarketInvalidSignature",
      [jobId, f.node(2).id, f.node(2).signer.address],
    );
    // Nothing changed: no slot taken, no collateral locked.
    assert.equal((await f.market.read.job([jobId])).taken, 0);
    for (const n of f.nodes) assert.equal((await f.registry.read.bondInfo([n.id])).locked, 0n);

    await carrier.write.submitBatch([[{ jobId, nodes: good }]]);
    const job = await f.market.read.job([jobId]);
    assert.equal(job.status, 2); // settled
    // The seal the client computed is the one the contract recomputed at reveal: the two 'a'
    // results won and the 'b' dissenter lost its collateral.
    assert.equal((await f.registry.read.bondInfo([f.node(2).id])).bond, BOND - COLLATERAL);
    assert.equal((await f.registry.read.bondInfo([f.node(0).id])).bond, BOND);
  });

  it("reportSigned accepts reports signed by the client and refuses one signed by a wrong key", async () => {
    const f = await deployMarket(await network.create(), 3);
    const domain: MarketDomain = { chainId: f.chainId, market: f.market.address };
    const pool = await f.createPool(S.TwoOfThree, L.Standard, f.nodes);
    const jobId = await f.post(f.request(pool), 3n);
    const carrier = await f.asWallet(f.carrier);
    const report = async (n: TestNode, signer: TypedDataSigner = n.signer) => {
      const m = { jobId, nodeId: n.id, digest: digestOf("r"), resultURI: "ipfs://r", invoice: 0n };
      return { ...m, signature: (await signReport(signer, domain, m)).signature };
    };
    const reports = [];
    for (const n of f.nodes) reports.push(await report(n));
    const forged = await report(f.node(1), privateKeyToAccount(generatePrivateKey()));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      carrier.write.reportSigned([[at(reports, 0), forged, at(reports, 2)]]),
      f.market,
      "JobMarketInvalidSignature",
      [jobId, f.node(1).id, f.node(1).signer.address],
    );
    assert.equal((await f.market.read.job([jobId])).taken, 0);
    await carrier.write.reportSigned([reports]);
    assert.equal((await f.market.read.job([jobId])).status, 2);
  });
});
