// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice How a job's results are accepted (DESIGN.md, Consensus).
/// @dev Values are part of the ABI: the client maps its strategy names to these numbers.
enum ConsensusStrategy {
    FastestWins, // 0: the first result is accepted; only that node is paid
    MajorityRule, // 1: more than half of the n slots agree
    TwoOfThree, // 2: n = 3, two agree
    ThreeOfFive, // 3: n = 5, three agree
    ByzantineFaultTolerant, // 4: more than two thirds of n agree (n = 3 needs all three)
    ProofOfStakeWeighted // 5: agreeing collateral > 2/3 of the collateral that reported
}

/// @notice What a result must carry and what a wrong or missing one costs (DESIGN.md, Verification levels).
enum VerificationLevel {
    Basic, // 0: digest from the node's own account; wrong or missing costs reputation only
    Standard, // 1: as basic; no-shows also lose collateral
    Strict, // 2: commit-reveal; dissenters and no-shows lose collateral
    Cryptographic // 3: strict plus an EIP-712 execution receipt; outputs encrypted to the requester
}

/// @notice Reputation outcomes the job market reports to the node registry.
enum Outcome {
    None, // 0: collateral moves, reputation untouched
    Completed, // 1: the node's result was accepted
    Failed, // 2: the node dissented or did not answer (no collateral taken)
    Slashed, // 3: the node lost collateral
    DisputeLost // 4: an arbiter overturned a result the node backed
}

/// @notice A pool's policy, as the job market reads it when a job is posted.
/// @dev Packed into one storage slot by the pool registry:
///      strategy (8) | redundancy (8) | verification (8) | open (8) | minReputation (32) | minBond (96) | reserved.
struct PoolPolicy {
    ConsensusStrategy strategy;
    uint8 redundancy; // default n for jobs in the pool; 0 = use the strategy's natural n (1 for fastest-wins)
    VerificationLevel verification;
    bool open; // any node meeting the requirements may join
    uint32 minReputation; // score in parts per million (1e6 = 1.0)
    uint96 minBond; // minimum free bond, in the node's bond token base units
}
