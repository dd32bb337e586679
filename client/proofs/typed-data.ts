/**
 * The EIP-712 messages a node's signer key signs, and the commit seal, exactly as the
 * JobMarket defines them (contracts/libraries/JobMessages.sol):
 *
 * - domain: name "Sandrun JobMarket", version "1", chain id, the market's address;
 * - `Commit(uint256 jobId,uint64 nodeId,bytes32 seal)` — takes a slot with a seal (strict+);
 * - `Report(uint256 jobId,uint64 nodeId,bytes32 digest,bytes32 resultURIHash,uint96 invoice)` —
 *   a result at the basic and standard levels;
 * - `Receipt(uint256 jobId,bytes32 specHash,uint8 runtime,bytes32 digest,bytes32 resultURIHash,uint64 wallMs,uint64 cpuMs,uint64 peakMemory)` —
 *   the execution receipt of the cryptographic level.
 *
 * Every message names its job (and node, where the contract binds it) and its step by its
 * type, and the domain names chain and contract: a signature cannot be replayed anywhere else.
 * Browser-safe (no Node built-ins).
 * @module
 */
import { encodeAbiParameters, keccak256, toBytes, type Address, type Hex, type TypedDataDomain } from "viem";

/**
 * The EIP-712 domain name of the JobMarket; it must match the contract's for a signature
 * to verify on-chain.
 *
 * @example
 * ```ts
 * import { JOB_MARKET_DOMAIN_NAME, jobMarketDomain } from "sandrun/client/proofs/typed-data.ts";
 * jobMarketDomain({ chainId, market }).name === JOB_MARKET_DOMAIN_NAME; // true
 * ```
 */
export const JOB_MARKET_DOMAIN_NAME = "Sandrun JobMarket";
/**
 * The EIP-712 domain version of the JobMarket; like the name, it must match the
 * contract's for a signature to verify on-chain.
 *
 * @example
 * ```ts
 * import { JOB_MARKET_DOMAIN_VERSION, jobMarketDomain } from "sandrun/client/proofs/typed-data.ts";
 * jobMarketDomain({ chainId, market }).version === JOB_MARKET_DOMAIN_VERSION; // true ("1")
 * ```
 */
export const JOB_MARKET_DOMAIN_VERSION = "1";

/**
 * Runtime codes as the contract stores them (a job's `runtime` byte, and a receipt's).
 *
 * @example
 * ```ts
 * import { RUNTIME_CODES, receiptTypedData } from "sandrun/client/proofs/typed-data.ts";
 * receiptTypedData(domain, { jobId, specHash, runtime: RUNTIME_CODES.js, digest, resultURI, usage });
 * ```
 */
export const RUNTIME_CODES = { wasm: 0, js: 1, process: 2 } as const;
/** A runtime name the contract knows. */
export type RuntimeName = keyof typeof RUNTIME_CODES;

/**
 * EIP-712 type of a commit (`Commit(uint256 jobId,uint64 nodeId,bytes32 seal)`), as
 * {@link commitTypedData} signs it.
 *
 * @example
 * ```ts
 * import { COMMIT_TYPES, jobMarketDomain } from "sandrun/client/proofs/typed-data.ts";
 * await account.signTypedData({
 *   domain: jobMarketDomain({ chainId, market }), types: COMMIT_TYPES, primaryType: "Commit",
 *   message: { jobId: 1n, nodeId: 2n, seal },
 * });
 * ```
 */
export const COMMIT_TYPES = {
  Commit: [
    { name: "jobId", type: "uint256" },
    { name: "nodeId", type: "uint64" },
    { name: "seal", type: "bytes32" },
  ],
} as const;

/**
 * EIP-712 type of a basic/standard result (`Report(…)`), as {@link reportTypedData} signs it
 * with the result URI hashed.
 *
 * @example
 * ```ts
 * import { REPORT_TYPES, jobMarketDomain, resultURIHash } from "sandrun/client/proofs/typed-data.ts";
 * await account.signTypedData({
 *   domain: jobMarketDomain({ chainId, market }), types: REPORT_TYPES, primaryType: "Report",
 *   message: { jobId: 1n, nodeId: 2n, digest, resultURIHash: resultURIHash("data:,hi"), invoice: 0n },
 * });
 * ```
 */
export const REPORT_TYPES = {
  Report: [
    { name: "jobId", type: "uint256" },
    { name: "nodeId", type: "uint64" },
    { name: "digest", type: "bytes32" },
    { name: "resultURIHash", type: "bytes32" },
    { name: "invoice", type: "uint96" },
  ],
} as const;

/**
 * EIP-712 type of an execution receipt (`Receipt(…)`, the cryptographic level), as
 * {@link receiptTypedData} signs it.
 *
 * @example
 * ```ts
 * import { RECEIPT_TYPES } from "sandrun/client/proofs/typed-data.ts";
 * RECEIPT_TYPES.Receipt.map((f) => f.name); // ["jobId", "specHash", "runtime", "digest", "resultURIHash", "wallMs", "cpuMs", "peakMemory"]
 * ```
 */
export const RECEIPT_TYPES = {
  Receipt: [
    { name: "jobId", type: "uint256" },
    { name: "specHash", type: "bytes32" },
    { name: "runtime", type: "uint8" },
    { name: "digest", type: "bytes32" },
    { name: "resultURIHash", type: "bytes32" },
    { name: "wallMs", type: "uint64" },
    { name: "cpuMs", type: "uint64" },
    { name: "peakMemory", type: "uint64" },
  ],
} as const;

/** Where a message is valid: one chain, one market. */
export type MarketDomain = { chainId: number; market: Address };

/**
 * The JobMarket's EIP-712 domain.
 *
 * @example
 * ```ts
 * import { jobMarketDomain } from "sandrun/client/proofs/typed-data.ts";
 * jobMarketDomain({ chainId: 31337, market: "0x5FbD…" });
 * ```
 */
export function jobMarketDomain(d: MarketDomain): TypedDataDomain {
  return {
    name: JOB_MARKET_DOMAIN_NAME,
    version: JOB_MARKET_DOMAIN_VERSION,
    chainId: d.chainId,
    verifyingContract: d.market,
  };
}

/**
 * keccak256 of the result URI's UTF-8 bytes, as messages and seals carry it: a fixed-size
 * word binds a URI of any length.
 *
 * @example
 * ```ts
 * import { resultURIHash } from "sandrun/client/proofs/typed-data.ts";
 * resultURIHash("data:,hi"); // keccak256(toBytes("data:,hi"))
 * ```
 */
export function resultURIHash(resultURI: string): Hex {
  return keccak256(toBytes(resultURI));
}

/** A commit's fields. */
export type CommitMessage = { jobId: bigint; nodeId: bigint; seal: Hex };
/** A report's fields (the URI is hashed into the message). */
export type ReportMessage = {
  jobId: bigint;
  nodeId: bigint;
  digest: Hex;
  resultURI: string;
  invoice: bigint;
};
/** Usage a receipt states. */
export type ReceiptUsage = { wallMs: bigint; cpuMs: bigint; peakMemory: bigint };
/** A receipt's fields. */
export type ReceiptMessage = {
  jobId: bigint;
  specHash: Hex;
  runtime: number;
  digest: Hex;
  resultURI: string;
  usage: ReceiptUsage;
};

/**
 * Typed data of a commit, ready for `signTypedData`/`recoverTypedDataAddress`.
 *
 * @example
 * ```ts
 * import { commitTypedData } from "sandrun/client/proofs/typed-data.ts";
 * await account.signTypedData(commitTypedData(domain, { jobId: 1n, nodeId: 2n, seal }));
 * ```
 */
export function commitTypedData(d: MarketDomain, m: CommitMessage) {
  return {
    domain: jobMarketDomain(d),
    types: COMMIT_TYPES,
    primaryType: "Commit" as const,
    message: { jobId: m.jobId, nodeId: m.nodeId, seal: m.seal },
  };
}

/**
 * Typed data of a basic/standard result.
 *
 * @example
 * ```ts
 * import { reportTypedData } from "sandrun/client/proofs/typed-data.ts";
 * reportTypedData(domain, { jobId: 1n, nodeId: 2n, digest, resultURI: "data:,hi", invoice: 0n });
 * ```
 */
export function reportTypedData(d: MarketDomain, m: ReportMessage) {
  return {
    domain: jobMarketDomain(d),
    types: REPORT_TYPES,
    primaryType: "Report" as const,
    message: {
      jobId: m.jobId,
      nodeId: m.nodeId,
      digest: m.digest,
      resultURIHash: resultURIHash(m.resultURI),
      invoice: m.invoice,
    },
  };
}

/**
 * Typed data of an execution receipt (cryptographic level). It binds job, spec, runtime,
 * output digest, result URI and usage; the node is bound by who signed it (the contract
 * checks the signer is the slot's node's signer).
 *
 * @example
 * ```ts
 * import { receiptTypedData } from "sandrun/client/proofs/typed-data.ts";
 * receiptTypedData(domain, { jobId, specHash, runtime: 0, digest, resultURI, usage });
 * ```
 */
export function receiptTypedData(d: MarketDomain, m: ReceiptMessage) {
  return {
    domain: jobMarketDomain(d),
    types: RECEIPT_TYPES,
    primaryType: "Receipt" as const,
    message: {
      jobId: m.jobId,
      specHash: m.specHash,
      runtime: m.runtime,
      digest: m.digest,
      resultURIHash: resultURIHash(m.resultURI),
      wallMs: m.usage.wallMs,
      cpuMs: m.usage.cpuMs,
      peakMemory: m.usage.peakMemory,
    },
  };
}

/** What a commit seal binds. */
export type SealInput = MarketDomain & {
  jobId: bigint;
  nodeId: bigint;
  digest: Hex;
  resultURI: string;
  /** Invoice in base units; 0 = the full price per node. */
  invoice: bigint;
  salt: Hex;
};

/**
 * The commit seal: `keccak256(abi.encode(chainid, market, jobId, nodeId, digest,
 * keccak256(bytes(resultURI)), invoice, salt))`, as the contract recomputes it at reveal.
 * Naming the node makes a copied reveal useless to anyone else; the salt hides the digest
 * until the reveal.
 *
 * @example
 * ```ts
 * import { computeSeal } from "sandrun/client/proofs/typed-data.ts";
 * const seal = computeSeal({ chainId, market, jobId, nodeId, digest, resultURI, invoice: 0n, salt });
 * ```
 */
export function computeSeal(s: SealInput): Hex {
  return keccak256(
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
      [
        BigInt(s.chainId),
        s.market,
        s.jobId,
        s.nodeId,
        s.digest,
        resultURIHash(s.resultURI),
        s.invoice,
        s.salt,
      ],
    ),
  );
}

/**
 * The 160-bit form the contract keeps of a seal or digest (its high 20 bytes), for
 * comparing a full value with what the chain stores.
 *
 * @example
 * ```ts
 * import { truncate160 } from "sandrun/client/proofs/typed-data.ts";
 * truncate160(`0x${"ab".repeat(32)}`); // `0x${"ab".repeat(20)}`
 * ```
 */
export function truncate160(value: Hex): Hex {
  return value.slice(0, 42) as Hex;
}
