// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ConsensusStrategy, VerificationLevel} from "./Policy.sol";

/// @notice Where a job is in its life. Values are part of the ABI.
enum JobStatus {
    None, // 0: no such job
    Open, // 1: escrow held; slots may be taken, results committed/revealed/reported
    Settled, // 2: consensus reached (or not) and every wei credited; terminal
    Cancelled // 3: the requester cancelled before any slot was taken; escrow refunded; terminal
}

/// @notice Everything a requester says when posting a job. `specURI`, `inlineSpec`,
///         `encryptionKey` and `resources` travel in calldata and the `JobPosted`/`JobSpec`
///         events only: they are never stored.
/// @dev `resources` packs the job's needs for workers: gpuCount (bits 0-7) | memoryMB
///      (bits 8-39) | timeoutSeconds (bits 40-63). The contract does not interpret it.
struct JobRequest {
    uint64 poolId;
    bytes32 specHash; // keccak256 of the spec document (or of the inline spec bytes)
    uint8 runtime; // 0 wasm, 1 js, 2 process
    uint8 strategy; // a ConsensusStrategy value, or 255 = the pool's strategy
    uint8 redundancy; // n; 0 = the pool's redundancy (0 there = the strategy's natural n)
    uint64 resources;
    address token; // address(0) = ETH, else an allow-listed ERC-20
    uint96 pricePerNode; // the most one node can be paid (its invoice cap)
    uint96 collateralPerNode; // locked from each node's bond when it takes a slot
    uint32 commitWindow; // seconds from posting until slots/commits close
    uint32 revealWindow; // seconds after the commit deadline until reveals/reports close
    uint64[] nodes; // directed job: exactly n distinct pool members; empty = open job
    string specURI;
    bytes inlineSpec;
    bytes encryptionKey; // requester's public key for encrypted outputs (event only)
}

/// @notice Usage a node reports in its execution receipt (cryptographic level).
struct Usage {
    uint64 wallMs;
    uint64 cpuMs;
    uint64 peakMemory; // bytes
}

/// @notice A reveal preimage. The seal committed earlier is
///         `keccak256(abi.encode(chainid, market, jobId, nodeId, digest, keccak256(bytes(resultURI)), invoice, salt))`,
///         so the preimage authenticates itself: whoever carries it cannot alter it.
/// @dev `usage` and `receiptSignature` matter only at the cryptographic level: the signature is
///      the node signer's EIP-712 `Receipt` over (jobId, specHash, runtime, digest, resultURIHash, usage).
struct Reveal {
    bytes32 digest;
    bytes32 salt;
    uint96 invoice; // 0 = the full price per node
    string resultURI;
    Usage usage;
    bytes receiptSignature;
}

/// @notice A commit signed by the node's signer (EIP-712 `Commit`), carried by anyone.
struct SignedCommit {
    uint256 jobId;
    uint64 nodeId;
    bytes32 seal;
    bytes signature;
}

/// @notice A result signed by the node's signer (EIP-712 `Report`), carried by anyone (basic and standard levels).
struct SignedReport {
    uint256 jobId;
    uint64 nodeId;
    bytes32 digest;
    uint96 invoice;
    string resultURI;
    bytes signature;
}

/// @notice A reveal of the commit in slot `slot` of job `jobId`, carried by anyone.
struct RevealItem {
    uint256 jobId;
    uint8 slot;
    Reveal reveal;
}

/// @notice One node's part of a one-transaction batch: the reveal preimage and the node signer's
///         signature over the EIP-712 `Commit` whose seal the contract recomputes from the preimage.
struct NodeSubmission {
    uint64 nodeId;
    Reveal reveal;
    bytes commitSignature;
}

/// @notice A whole job decided in one transaction: all n nodes' signed commits and reveals.
struct JobSubmission {
    uint256 jobId;
    NodeSubmission[] nodes;
}

/// @notice What a settlement paid, kept as a hash on-chain and emitted in full; disputes
///         present it back. `payees[i]`/`amounts[i]` are zero for non-winning `nodes[i]`.
struct SettlementRecord {
    address requester;
    address token; // the job's payment token
    uint96 collateralPerNode;
    uint96 fee; // protocol fee credited (held) to the treasury
    address treasury;
    uint32 challengeEnds; // payouts are held until then; disputes may be raised until then
    uint64[] nodes;
    address[] payees;
    uint96[] amounts; // net payouts (after fee), held during the challenge window
}

/// @notice An open or finished dispute.
struct Dispute {
    address disputer;
    uint96 deposit; // ETH
    address arbiter; // the arbiter when the dispute was raised
    uint32 deadline; // after it anyone may finalize with the default outcome (uphold, deposit returned)
    bool resolved;
}

/// @notice A job in storage: one hot slot read and written by every step, plus at most two more.
/// @dev Slot 0 while open: status | n | strategy | level | taken | revealed | flags (uint16) |
///      commitDeadline | revealDeadline | poolId (its low 24 bits) | row | collateralPerNode (uint72:
///      at most ~4722e18 base units). `flags` bits 2-15 are the takers' filter: a 14-bit Bloom
///      filter of the nodes holding a slot of an open job (see JobMarketBase._takerBit).
///      `row`: where the job's terms and slot words live (see JobMarketBase._cells): 0 = `_slots[jobId]`,
///      else `_slots[row]`, the words of a finished job recycled so that posting and taking a slot
///      rewrite non-zero words (5,000 gas) instead of creating them (22,100). The terms
///      (requester | pricePerNode) are the row's word TERMS.
///      Once the job has ended, slot 0 is its whole record: status in the low byte, and for a
///      disputable settlement the other 248 bits of the SettlementRecord's hash; every other field
///      is zero then, and is found in the job's JobPosted, JobToppedUp and JobSettled events.
///      Slot 1: token | runtime | poolIdHigh (pool id bits 24-31), written only when not all zero
///      (an ETH job of runtime 0 in one of the first 2^24 pools leaves it empty). Slot 2:
///      specHash, stored only at the cryptographic level (receipts sign it). Both are deleted
///      when the job ends.
struct Job {
    JobStatus status;
    uint8 n;
    ConsensusStrategy strategy;
    VerificationLevel level;
    uint8 taken; // slots taken (at strict and above, = slots committed)
    uint8 revealed; // results revealed (strict+) or reported (basic, standard)
    uint16 flags; // bit 0: directed job; bit 1: slot 1 holds something; bits 2-15: takers' filter
    uint32 commitDeadline;
    uint32 revealDeadline;
    uint24 poolId; // the pool id's low 24 bits (posting refuses ids of 2^32 and more)
    uint32 row;
    uint72 collateralPerNode;
    address token;
    uint8 runtime;
    uint8 poolIdHigh; // the pool id's bits 24-31 (then flag bit 1 is set)
    bytes32 specHash;
}

/// @notice A read-only view of a job. Once a job has ended (settled or cancelled) only `status` and
///         `settlementHash` are set: its other fields are in its JobPosted, JobToppedUp and
///         JobSettled events (the client's getJob fills them in from there).
/// @dev `settlementHash` is keccak256(abi.encode(record)) with its lowest byte cleared, for a
///      disputable settlement; 0 otherwise.
struct JobView {
    JobStatus status;
    uint64 poolId;
    address requester;
    uint8 n;
    ConsensusStrategy strategy;
    VerificationLevel level;
    uint8 taken;
    uint8 revealed;
    bool directed;
    uint8 runtime;
    uint32 commitDeadline;
    uint32 revealDeadline;
    address token;
    uint96 pricePerNode;
    uint96 collateralPerNode;
    bytes32 specHash;
    bytes32 settlementHash;
}

/// @notice One slot, decoded (see SlotRecord).
struct SlotView {
    uint64 nodeId;
    bytes20 value; // seal (committed) or digest (revealed/reported), truncated to 160 bits
    bool taken;
    bool committed;
    bool revealed;
    uint96 invoice;
}
