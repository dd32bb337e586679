/**
 * JobExecution against Hardhat's chain with real in-process workers: status through a job's
 * life, wait, logs, download (digest-checked) and downloadTo, cancel with the exact escrow
 * credited back, and outputs of a cryptographic pool encrypted to the requester's key (ECIES):
 * the requester's key decrypts, another key or none does not, and a tampered served output is
 * refused.
 */
import { expect } from "chai";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEther, zeroAddress } from "viem";
import { generatePrivateKey } from "viem/accounts";

import { getBalance } from "../../client/actions/market/getBalance.ts";
import { withdraw } from "../../client/actions/market/withdraw.ts";
import { JobMarketError, MissingConfigurationError } from "../../client/errors.ts";
import { JobBuilder } from "../../client/job/JobBuilder.ts";
import { JobExecution, JobNotCompletedError } from "../../client/job/JobExecution.ts";
import { outputDigest } from "../../client/job/output.ts";
import { OutputDigestMismatchError } from "../../client/job/spec-errors.ts";
import { loadUri } from "../../client/job/spec-fetch.ts";
import { PoolBuilder } from "../../client/pool/PoolBuilder.ts";
import type { Pool } from "../../client/pool/Pool.ts";
import { DecryptionFailedError, decryptWith } from "../../client/proofs/encryption.ts";
import { deployWithWorkers, type WorkerFixture } from "./workers.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The file a worker serves at `uri` (…/outputs/<name>). */
function servedFile(root: string, uri: string): string {
  const name = uri.split("/").at(-1)!;
  const found = filesUnder(root).filter((p) => p.endsWith(`/${name}`));
  expect(found, `served file of ${uri}`).to.have.length(1);
  return found[0]!;
}

function flipByte(path: string, index: number): void {
  const bytes = readFileSync(path);
  bytes[index] = bytes[index]! ^ 0x01;
  writeFileSync(path, bytes);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

describe("JobExecution with real workers", function () {
  this.timeout(60_000);
  let f: WorkerFixture;
  let standard: Pool;
  let crypto: Pool;

  before(async () => {
    // Outputs over 16 bytes are served by the worker's HTTP server (so they can be tampered with).
    f = await deployWithWorkers({ count: 3, inlineOutputMaxBytes: 16 });
    const builder = new PoolBuilder(f.context).discover({ minNodes: 3 }).consensus("2-of-3");
    standard = await builder.verification("standard").join();
    crypto = await builder.verification("cryptographic").join();
  });
  after(async () => {
    standard?.close();
    crypto?.close();
    await f?.close();
  });

  it("cancel before any slot is taken: the exact escrow is credited back, and withdrawn to the wei", async () => {
    const execution = await new JobBuilder()
      .code("console.log(1)")
      .payment("0.0123456789", "ETH")
      .with(standard)
      .submit();
    const job = await f.market.read.job([BigInt(execution.id)]);
    const escrow = parseEther("0.0123456789") * 3n;
    expect((await execution.status()).phase).to.equal("waiting-for-nodes");
    const before = await getBalance(f.context.client, { jobMarket: f.context.jobMarket, token: zeroAddress });
    await execution.cancel();
    const after = await getBalance(f.context.client, { jobMarket: f.context.jobMarket, token: zeroAddress });
    expect(after.available - before.available).to.equal(escrow);
    expect(job.pricePerNode * BigInt(job.n)).to.equal(escrow);
    expect((await execution.status()).phase).to.equal("cancelled");
    const result = await execution.wait({ timeoutMs: 5_000 });
    expect(result.phase).to.equal("cancelled");
    expect(result.consensus).to.equal(false);
    expect(result.refunded).to.equal(escrow);
    expect((await execution.logs()).some((l) => /JobCancelled/.test(l))).to.equal(true);
    // Cancelling twice is refused by the contract, as a typed error naming the status.
    const again = await rejection(execution.cancel());
    expect(again).to.be.instanceOf(JobMarketError);
    expect((again as JobMarketError).errorName).to.equal("JobMarketJobNotOpen");
    const none = await rejection(execution.download());
    expect(none).to.be.instanceOf(JobNotCompletedError);
    expect((none as JobNotCompletedError).phase).to.equal("cancelled");

    // Withdraw: the wallet receives exactly the available balance, less the gas it paid.
    const pc = f.publicClient;
    const wallet = f.requester.account.address;
    const ethBefore = await pc.getBalance({ address: wallet });
    const { hash, amount } = await withdraw(f.context.client, {
      jobMarket: f.context.jobMarket,
      token: zeroAddress,
    });
    const receipt = await pc.getTransactionReceipt({ hash });
    expect(amount).to.equal(after.available);
    expect(await pc.getBalance({ address: wallet })).to.equal(
      ethBefore + amount - receipt.gasUsed * receipt.effectiveGasPrice,
    );
  });

  it("cancel is refused to anyone but the requester, and once a slot is taken", async () => {
    const execution = await new JobBuilder().code("console.log(2)").payment("0.01").with(standard).submit();
    const stranger = new JobExecution(
      {
        client: { publicClient: f.publicClient as never, walletClient: f.operators[5] as never },
        jobMarket: f.context.jobMarket,
      },
      execution.id,
    );
    const notRequester = await rejection(stranger.cancel());
    expect((notRequester as JobMarketError).errorName).to.equal("JobMarketNotRequester");
    const node = f.nodes[0]!;
    await f.market.write.takeSlot([BigInt(execution.id), node.nodeId], { account: f.operators[0]!.account });
    expect((await execution.status()).phase).to.equal("running");
    const taken = await rejection(execution.cancel());
    expect(taken).to.be.instanceOf(JobMarketError);
    expect((taken as JobMarketError).errorName).to.equal("JobMarketSlotAlreadyTaken");
  });

  it("wait settles a job nobody took once its commit window closed: expired, escrow refunded", async () => {
    const execution = await new JobBuilder()
      .code("console.log(3)")
      .payment("0.02")
      .windows({ commit: 300, reveal: 60 })
      .with(standard)
      .submit();
    const status = await execution.status();
    expect(status.phase).to.equal("waiting-for-nodes");
    await f.networkHelpers.time.increaseTo(status.job.commitDeadline + 1);
    const result = await execution.wait({ timeoutMs: 10_000 });
    expect(result.phase).to.equal("expired");
    expect(result.consensus).to.equal(false);
    expect(result.refunded).to.equal(parseEther("0.02") * 3n);
    expect((await execution.logs()).map((l) => l.split(" ")[2])).to.deep.equal([
      "JobPosted",
      "JobSpec",
      "JobExpired",
      "JobRefunded",
    ]);
  });

  it("status, wait, logs, download and downloadTo on a job three workers run (2-of-3, standard)", async () => {
    // Posted before any worker listens: it waits for nodes until they start.
    const execution = await new JobBuilder()
      .code("console.log(String(6 * 7))")
      .timeout("5s")
      .memory("128MB")
      .payment("0.01")
      .with(standard)
      .submit();
    const s0 = await execution.status();
    expect(s0.phase).to.equal("waiting-for-nodes");
    expect(s0.job.taken).to.equal(0);
    await f.startAll();
    const result = await execution.wait({ timeoutMs: 40_000 });
    expect(result.phase).to.equal("settled");
    expect(result.consensus).to.equal(true);
    const want = outputDigest(enc("42\n"));
    expect(result.digest).to.equal(want);
    expect(result.results).to.have.length(3);
    expect(result.agreeing.map((r) => r.nodeId).sort()).to.deep.equal(
      f.nodes.map((n) => n.id.toString()).sort(),
    );
    // Each node invoiced its own price (below the 0.01 offered); the rest of the escrow comes back.
    const price = parseEther("0.01");
    const invoiced = result.agreeing.map((r) => (r.invoice === 0n ? price : r.invoice));
    expect(invoiced.every((i) => i > 0n && i <= price)).to.equal(true);
    expect(result.refunded).to.equal(price * 3n - invoiced.reduce((a, b) => a + b, 0n));
    expect((await execution.status()).phase).to.equal("settled");

    const logs = await execution.logs();
    const names = logs.map((l) => l.split(" ")[2]);
    expect(names[0]).to.equal("JobPosted");
    expect(names.filter((n) => n === "ResultReported")).to.have.length(3);
    expect(names.indexOf("ConsensusReached")).to.be.lessThan(names.indexOf("JobSettled"));
    const blocks = logs.map((l) => Number(l.split(" ")[1]));
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));

    // "42\n" is 3 bytes: inline data: URIs, checked against the digest.
    expect(result.agreeing.every((r) => r.resultURI.startsWith("data:"))).to.equal(true);
    expect(text(await execution.download())).to.equal("42\n");
    const path = join(f.stateRoot, "out.txt");
    expect(await execution.downloadTo(path)).to.equal(3);
    expect(readFileSync(path, "utf8")).to.equal("42\n");
  });

  it("the design's sandrun.job().code(...).with(pool).submit() as written: the default price is one every worker takes", async () => {
    const execution = await new JobBuilder().code("console.log('gpu_computation')").with(standard).submit();
    await f.startAll();
    const result = await execution.wait({ timeoutMs: 40_000 });
    expect(result.consensus).to.equal(true);
    expect(result.results).to.have.length(3);
    expect(text(await execution.download())).to.equal("gpu_computation\n");
  });

  it("a served output is checked against the digest: one tampered copy is skipped, all tampered is refused", async () => {
    const line = "x".repeat(63);
    const execution = await new JobBuilder()
      .code(`console.log(${JSON.stringify(line)})`)
      .timeout("5s")
      .payment("0.01")
      .with(standard)
      .submit();
    await f.startAll();
    const result = await execution.wait({ timeoutMs: 40_000 });
    expect(result.consensus).to.equal(true);
    const uris = result.agreeing.map((r) => r.resultURI);
    expect(uris.every((u) => u.startsWith("http://127.0.0.1:"))).to.equal(true);
    const files = uris.map((u) => servedFile(f.stateRoot, u));
    flipByte(files[0]!, 5);
    expect(text(await execution.download())).to.equal(`${line}\n`);
    for (const file of files.slice(1)) flipByte(file, 10);
    const refused = await rejection(execution.download());
    expect(refused).to.be.instanceOf(OutputDigestMismatchError);
    expect((refused as OutputDigestMismatchError).expected).to.equal(outputDigest(enc(`${line}\n`)));
  });

  it("cryptographic pool: outputs are ECIES ciphertexts only the requester's key opens; tampering is refused", async () => {
    const execution = await new JobBuilder()
      .code("console.log('secret ' + (20 + 22))")
      .timeout("5s")
      .payment("0.01")
      .with(crypto)
      .submit();
    const onChain = await f.market.read.job([BigInt(execution.id)]);
    expect(onChain.level).to.equal(3);
    await f.startAll();
    const result = await execution.wait({ timeoutMs: 40_000 });
    expect(result.consensus).to.equal(true);
    const plain = enc("secret 42\n");
    expect(result.digest).to.equal(outputDigest(plain));

    // What the workers published is ciphertext: not the output, and not equal across nodes.
    const boxes = await Promise.all(result.agreeing.map((r) => loadUri(r.resultURI)));
    for (const box of boxes) {
      expect(box[0]).to.equal(1); // format version
      expect(box.length).to.equal(1 + 33 + 24 + plain.length + 16);
      expect(Buffer.from(box).includes(Buffer.from("secret"))).to.equal(false);
      expect(decryptWith(f.encryptionKey, box)).to.deep.equal(plain);
    }
    expect(Buffer.from(boxes[0]!).equals(Buffer.from(boxes[1]!))).to.equal(false);
    expect(text(await execution.download())).to.equal("secret 42\n");

    const withKey = (key: `0x${string}` | undefined) =>
      new JobExecution(
        { client: f.context.client, jobMarket: f.context.jobMarket, decryptionKey: key },
        execution.id,
      );
    expect(await rejection(withKey(generatePrivateKey()).download())).to.be.instanceOf(DecryptionFailedError);
    expect(await rejection(withKey(undefined).download())).to.be.instanceOf(MissingConfigurationError);

    // Tamper with every served ciphertext (one byte of the sealed part each): refused, nothing returned.
    for (const [i, r] of result.agreeing.entries()) flipByte(servedFile(f.stateRoot, r.resultURI), 60 + i);
    const tampered = await rejection(execution.download());
    expect(tampered).to.be.instanceOf(DecryptionFailedError);
    expect((tampered as DecryptionFailedError).reason).to.match(/authentication failed/);
  });
});
