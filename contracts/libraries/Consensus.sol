// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ConsensusStrategy} from "../types/Policy.sol";

/// @title The consensus rules of DESIGN.md, on integers
/// @notice Which (strategy, n) pairs are allowed, and whether a set of revealed digests
///         reaches consensus. Every threshold is strictly more than half, so at most one
///         digest can ever be accepted: ties never produce a winner.
library Consensus {
    /// @notice Largest redundancy a job may ask for (per-job loops stay bounded).
    uint8 internal constant MAX_N = 16;

    /// @notice The n a strategy implies when neither job nor pool names one:
    ///         1 for fastest-wins, 5 for 3-of-5, 3 for the others.
    function naturalRedundancy(ConsensusStrategy strategy) internal pure returns (uint8) {
        if (strategy == ConsensusStrategy.FastestWins) return 1;
        if (strategy == ConsensusStrategy.ThreeOfFive) return 5;
        return 3;
    }

    /// @notice Whether `n` slots suit `strategy`: fastest-wins n = 1, 2-of-3 n = 3,
    ///         3-of-5 n = 5, BFT n >= 3, majority and stake-weighted n >= 1; always n <= 16.
    function isConsistent(ConsensusStrategy strategy, uint256 n) internal pure returns (bool) {
        if (n == 0 || n > MAX_N) return false;
        if (strategy == ConsensusStrategy.FastestWins) return n == 1;
        if (strategy == ConsensusStrategy.TwoOfThree) return n == 3;
        if (strategy == ConsensusStrategy.ThreeOfFive) return n == 5;
        if (strategy == ConsensusStrategy.ByzantineFaultTolerant) return n >= 3;
        return true; // MajorityRule, ProofOfStakeWeighted
    }

    /// @notice Whether `agree` agreeing results out of `n` slots are accepted.
    /// @param agreeWeight collateral behind the agreeing results (stake-weighted only)
    /// @param revealedWeight collateral behind every revealed result (stake-weighted only)
    function accepts(
        ConsensusStrategy strategy,
        uint256 n,
        uint256 agree,
        uint256 agreeWeight,
        uint256 revealedWeight
    ) internal pure returns (bool) {
        if (agree == 0) return false;
        if (strategy == ConsensusStrategy.FastestWins) return true; // n = 1: the first result
        if (strategy == ConsensusStrategy.MajorityRule) return agree * 2 > n;
        if (strategy == ConsensusStrategy.TwoOfThree) return agree >= 2;
        if (strategy == ConsensusStrategy.ThreeOfFive) return agree >= 3;
        if (strategy == ConsensusStrategy.ByzantineFaultTolerant) return agree * 3 > n * 2;
        // ProofOfStakeWeighted: strictly more than two thirds of the revealed collateral.
        return agreeWeight * 3 > revealedWeight * 2;
    }

    /// @notice Finds the most common revealed digest and whether it is accepted.
    /// @param digests the revealed digests, `count` of them used (entries past `count` ignored)
    /// @param weights the collateral behind each digest, same order
    /// @return reached whether consensus is reached
    /// @return winner the accepted digest (0 when not reached)
    /// @return agree how many revealed the winner (0 when not reached)
    /// @dev O(count^2) with count <= 16. Because every threshold exceeds half (of n, or of the
    ///      revealed weight), two digests can never both pass, so the first passing one is the only one.
    function tally(
        ConsensusStrategy strategy,
        uint256 n,
        bytes20[] memory digests,
        uint256[] memory weights,
        uint256 count
    ) internal pure returns (bool reached, bytes20 winner, uint256 agree) {
        uint256 revealedWeight;
        for (uint256 i; i < count; ++i) revealedWeight += weights[i];
        for (uint256 i; i < count; ++i) {
            bytes20 d = digests[i];
            uint256 c;
            uint256 w;
            for (uint256 j; j < count; ++j) {
                if (digests[j] == d) {
                    ++c;
                    w += weights[j];
                }
            }
            if (accepts(strategy, n, c, w, revealedWeight)) return (true, d, c);
        }
        return (false, bytes20(0), 0);
    }
}
