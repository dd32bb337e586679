// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Reputation score from outcome counters
/// @notice score = 1e6 * (completed + 1) / (completed + failed + 4*slashed + 8*disputesLost + 2),
///         rounded down, in parts per million.
/// @dev A Laplace-smoothed success ratio: a new node (all counters 0) scores exactly 500,000
///      (neutral); every completed job moves it towards 1e6; a failure counts as one bad job, a slash
///      as four and a lost dispute as eight, because they cost others money. Integer maths only; the
///      denominator is at least 2 and at most ~2^36, so nothing overflows in uint256.
library Reputation {
    uint32 internal constant SCALE = 1_000_000;
    uint256 internal constant FAILED_WEIGHT = 1;
    uint256 internal constant SLASHED_WEIGHT = 4;
    uint256 internal constant DISPUTE_WEIGHT = 8;

    /// @notice The score in parts per million for these counters.
    function score(
        uint32 completed,
        uint32 failed,
        uint32 slashed,
        uint32 disputesLost
    ) internal pure returns (uint32) {
        uint256 good = uint256(completed) + 1;
        uint256 total =
            uint256(completed) +
                FAILED_WEIGHT * failed +
                SLASHED_WEIGHT * slashed +
                DISPUTE_WEIGHT * disputesLost +
                2;
        // good < total, so the result is < 1e6 and fits in uint32.
        return uint32((good * SCALE) / total);
    }
}
