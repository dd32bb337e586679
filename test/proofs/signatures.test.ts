import { expect } from "chai";
import { encodeAbiParameters, hashTypedData, keccak256, toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signCommit, signReceipt, signReport } from "../../client/proofs/sign.ts";
import {
  InvalidSignatureError,
  recoverCommitSigner,
  recoverReportSigner,
  verifySigned,
} from "../../client/proofs/recover.ts";
import { commitTypedData, computeSeal, resultURIHash } from "../../client/proofs/typed-data.ts";

const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;
const domain = { chainId: 31337, market };
const digest = keccak256(toBytes("output")) as Hex;
const salt = keccak256(toBytes("salt")) as Hex;

describe("proofs: EIP-712 messages off-chain", () => {
  const node = privateKeyToAccount(generatePrivateKey());
  const other = privateKeyToAccount(generatePrivateKey());

  it("hashes the Commit type string the contract declares", () => {
    // The struct hash per EIP-712 with the exact type string of JobMessages.COMMIT_TYPEHASH.
    const typeHash = keccak256(toBytes("Commit(uint256 jobId,uint64 nodeId,bytes32 seal)"));
    const structHash = keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "uint256" }, { type: "uint64" }, { type: "bytes32" }],
        [typeHash, 7n, 3n, salt],
      ),
    );
    const domainSep = keccak256(
      encodeAbiParameters(
        [
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "uint256" },
          { type: "address" },
        ],
        [
          keccak256(
            toBytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
          ),
          keccak256(toBytes("Sandrun JobMarket")),
          keccak256(toBytes("1")),
          31337n,
          market,
        ],
      ),
    );
    const expected = keccak256(`0x1901${domainSep.slice(2)}${structHash.slice(2)}`);
    expect(hashTypedData(commitTypedData(domain, { jobId: 7n, nodeId: 3n, seal: salt }))).to.equal(expected);
  });

  it("recovers the signer of a commit, a report and a receipt", async () => {
    const c = await signCommit(node, domain, { jobId: 1n, nodeId: 2n, seal: salt });
    expect(await recoverCommitSigner(domain, c.message, c.signature)).to.equal(node.address);
    const r = await signReport(node, domain, {
      jobId: 1n,
      nodeId: 2n,
      digest,
      resultURI: "data:,x",
      invoice: 5n,
    });
    expect(await recoverReportSigner(domain, r.message, r.signature)).to.equal(node.address);
    const usage = { wallMs: 10n, cpuMs: 9n, peakMemory: 1024n };
    const rc = await signReceipt(node, domain, {
      jobId: 1n,
      specHash: salt,
      runtime: 0,
      digest,
      resultURI: "u",
      usage,
    });
    await verifySigned("Receipt", domain, rc.message, rc.signature, node.address);
  });

  it("refuses a wrong key, another chain, another market, another job, another step", async () => {
    const c = await signCommit(node, domain, { jobId: 1n, nodeId: 2n, seal: salt });
    const refused = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (e) {
        expect(e).to.be.instanceOf(InvalidSignatureError);
        return;
      }
      expect.fail("accepted a signature it should refuse");
    };
    await refused(() => verifySigned("Commit", domain, c.message, c.signature, other.address));
    await refused(() =>
      verifySigned("Commit", { ...domain, chainId: 1 }, c.message, c.signature, node.address),
    );
    await refused(() =>
      verifySigned("Commit", { ...domain, market: other.address }, c.message, c.signature, node.address),
    );
    await refused(() =>
      verifySigned("Commit", domain, { ...c.message, jobId: 2n }, c.signature, node.address),
    );
    await refused(() =>
      verifySigned("Commit", domain, { ...c.message, nodeId: 9n }, c.signature, node.address),
    );
    const asReport = { jobId: 1n, nodeId: 2n, digest: salt, resultURI: "", invoice: 0n };
    await refused(() => verifySigned("Report", domain, asReport, c.signature, node.address));
  });

  it("refuses malleable (high-s) and malformed signatures", async () => {
    const c = await signCommit(node, domain, { jobId: 1n, nodeId: 2n, seal: salt });
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${c.signature.slice(66, 130)}`);
    const v = parseInt(c.signature.slice(130), 16);
    const flipped =
      `${c.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    let err: unknown;
    await verifySigned("Commit", domain, c.message, flipped, node.address).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(InvalidSignatureError);
    err = undefined;
    await verifySigned("Commit", domain, c.message, "0x1234", node.address).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(InvalidSignatureError);
  });

  it("computes the seal as abi.encode(chainid, market, jobId, nodeId, digest, uriHash, invoice, salt)", () => {
    const seal = computeSeal({
      ...domain,
      jobId: 1n,
      nodeId: 2n,
      digest,
      resultURI: "data:,x",
      invoice: 5n,
      salt,
    });
    const manual = keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "uint256" },
          { type: "uint64" },
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "uint96" },
          { type: "bytes32" },
        ],
        [31337n, market, 1n, 2n, digest, resultURIHash("data:,x"), 5n, salt],
      ),
    );
    expect(seal).to.equal(manual);
    expect(
      computeSeal({ ...domain, jobId: 1n, nodeId: 3n, digest, resultURI: "data:,x", invoice: 5n, salt }),
    ).to.not.equal(seal);
  });
});
