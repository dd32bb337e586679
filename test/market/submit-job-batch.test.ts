/**
 * The client's one-transaction path through strict jobs: each node signs its part with
 * `signSubmission` (the seal recomputed from its reveal preimage, the EIP-712 Commit signed by
 * its signer key) and a carrier that is none of the nodes sends `submitJobBatch`. Refusals are
 * typed and cost the carrier nothing: the call is simulated before it is sent.
 */
import { describe, it } from "mocha";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { submitJobBatch } from "../../client/actions/market/submitJobBatch.ts";
import { ContractRevertedError } from "../../client/errors/contract.ts";
import { ValidationError } from "../../client/errors/input.ts";
import { signSubmission } from "../../client/proofs/sign.ts";
import { ETH, L, S, deployMarket, at } from "./fixture.ts";

describe("submitJobBatch (client) on Hardhat's chain", () => {
  it("a carrier settles two strict jobs in one transaction from the nodes' signed parts; bad parts are refused before sending", async () => {
    const f = await deployMarket(await network.create(), 3);
    const pool = await f.createPool(S.TwoOfThree, L.Strict, f.nodes);
    const domain = { chainId: f.chainId, market: f.market.address };
    const jobs = [await f.post(f.request(pool), 3n), await f.post(f.request(pool), 3n)];
    const parts = async (jobId: bigint, labels: string[]) =>
      Promise.all(
        f.nodes.map((n, i) =>
          signSubmission(n.signer, domain, { jobId, nodeId: n.id, reveal: f.revealOf(at(labels, i)) }),
        ),
      );
    const first = await parts(at(jobs, 0), ["good", "good", "good"]);
    const second = await parts(at(jobs, 1), ["42", "41", "42"]); // node 1 dissents
    const client = { publicClient: f.publicClient, walletClient: f.carrier };
    const carrierNonce = () => f.publicClient.getTransactionCount({ address: f.carrier.account.address });

    // Refused before anything is sent, each with a typed error.
    const before = await carrierNonce();
    const stranger = privateKeyToAccount(generatePrivateKey());
    const forged = await signSubmission(stranger, domain, {
      jobId: at(jobs, 0),
      nodeId: f.node(2).id,
      reveal: f.revealOf("good"),
    });
    await assert.rejects(
      submitJobBatch(client, {
        jobMarket: f.market.address,
        jobs: [{ jobId: at(jobs, 0), nodes: [at(first, 0), at(first, 1), forged] }],
      }),
      (e: unknown) => e instanceof ContractRevertedError && e.errorName === "JobMarketInvalidSignature",
    );
    // A carrier that changes a signed preimage (here the digest) breaks the seal the node signed.
    const altered = { ...at(first, 2), reveal: { ...at(first, 2).reveal, digest: f.revealOf("bad").digest } };
    await assert.rejects(
      submitJobBatch(client, {
        jobMarket: f.market.address,
        jobs: [{ jobId: at(jobs, 0), nodes: [at(first, 0), at(first, 1), altered] }],
      }),
      (e: unknown) => e instanceof ContractRevertedError && e.errorName === "JobMarketInvalidSignature",
    );
    await assert.rejects(
      submitJobBatch(client, {
        jobMarket: f.market.address,
        jobs: [{ jobId: at(jobs, 0), nodes: [at(first, 0), at(first, 0), at(first, 1)] }],
      }),
      ValidationError,
    );
    await assert.rejects(submitJobBatch(client, { jobMarket: f.market.address, jobs: [] }), ValidationError);
    assert.equal(await carrierNonce(), before, "nothing was sent");

    // Both jobs in one transaction.
    const sent = await submitJobBatch(client, {
      jobMarket: f.market.address,
      jobs: [
        { jobId: at(jobs, 0), nodes: first },
        { jobId: at(jobs, 1), nodes: second },
      ],
    });
    assert.equal(await carrierNonce(), before + 1);
    const settled = await f.market.getEvents.JobSettled(
      {},
      { blockHash: (await f.publicClient.getBlock({ blockNumber: sent.blockNumber })).hash },
    );
    assert.deepEqual(
      settled.map((e) => [e.args.jobId, e.args.consensus]),
      [
        [at(jobs, 0), true],
        [at(jobs, 1), true],
      ],
    );
    // Job 2's dissenter lost its collateral; everyone else is paid (held in the challenge window).
    const slashed = await f.market.getEvents.Slashed({ jobId: at(jobs, 1) }, { fromBlock: sent.blockNumber });
    assert.deepEqual(
      slashed.map((e) => e.args.nodeId),
      [f.node(1).id],
    );
    for (const i of [0, 2]) {
      const [, held] = await f.market.read.balanceDetails([f.node(i).owner.account.address, ETH]);
      assert.ok(held > 0n);
    }
  });
});
