// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Consensus} from "./Consensus.sol";
import {ConsensusStrategy} from "../types/Policy.sol";

/// @notice The consensus rules: consistency of (strategy, n), exact thresholds, ties, and fuzzed
///         tallies checked against a plain recount.
contract ConsensusTest {
    error Failed(string what, uint256 a, uint256 b);

    function _eq(bool a, bool b, string memory what) private pure {
        if (a != b) revert Failed(what, a ? 1 : 0, b ? 1 : 0);
    }

    function test_isConsistent_pairs() public pure {
        _eq(Consensus.isConsistent(ConsensusStrategy.FastestWins, 1), true, "fw1");
        _eq(Consensus.isConsistent(ConsensusStrategy.FastestWins, 2), false, "fw2");
        _eq(Consensus.isConsistent(ConsensusStrategy.TwoOfThree, 3), true, "23/3");
        _eq(Consensus.isConsistent(ConsensusStrategy.TwoOfThree, 4), false, "23/4");
        _eq(Consensus.isConsistent(ConsensusStrategy.ThreeOfFive, 5), true, "35/5");
        _eq(Consensus.isConsistent(ConsensusStrategy.ThreeOfFive, 3), false, "35/3");
        _eq(Consensus.isConsistent(ConsensusStrategy.ByzantineFaultTolerant, 2), false, "bft2");
        _eq(Consensus.isConsistent(ConsensusStrategy.ByzantineFaultTolerant, 3), true, "bft3");
        _eq(Consensus.isConsistent(ConsensusStrategy.MajorityRule, 1), true, "maj1");
        _eq(Consensus.isConsistent(ConsensusStrategy.MajorityRule, 16), true, "maj16");
        _eq(Consensus.isConsistent(ConsensusStrategy.MajorityRule, 17), false, "maj17");
        _eq(Consensus.isConsistent(ConsensusStrategy.ProofOfStakeWeighted, 0), false, "pos0");
    }

    function test_accepts_exactThresholds() public pure {
        // majority: more than half of n
        _eq(Consensus.accepts(ConsensusStrategy.MajorityRule, 4, 2, 0, 0), false, "maj 2/4");
        _eq(Consensus.accepts(ConsensusStrategy.MajorityRule, 4, 3, 0, 0), true, "maj 3/4");
        _eq(Consensus.accepts(ConsensusStrategy.MajorityRule, 5, 3, 0, 0), true, "maj 3/5");
        // BFT: n = 3f + 1 needs 2f + 1; n = 3 needs 3
        _eq(Consensus.accepts(ConsensusStrategy.ByzantineFaultTolerant, 4, 3, 0, 0), true, "bft 3/4");
        _eq(Consensus.accepts(ConsensusStrategy.ByzantineFaultTolerant, 7, 5, 0, 0), true, "bft 5/7");
        _eq(Consensus.accepts(ConsensusStrategy.ByzantineFaultTolerant, 7, 4, 0, 0), false, "bft 4/7");
        _eq(Consensus.accepts(ConsensusStrategy.ByzantineFaultTolerant, 3, 2, 0, 0), false, "bft 2/3");
        _eq(Consensus.accepts(ConsensusStrategy.ByzantineFaultTolerant, 3, 3, 0, 0), true, "bft 3/3");
        _eq(Consensus.accepts(ConsensusStrategy.TwoOfThree, 3, 2, 0, 0), true, "2of3");
        _eq(Consensus.accepts(ConsensusStrategy.TwoOfThree, 3, 1, 0, 0), false, "1of3");
        _eq(Consensus.accepts(ConsensusStrategy.ThreeOfFive, 5, 3, 0, 0), true, "3of5");
        _eq(Consensus.accepts(ConsensusStrategy.ThreeOfFive, 5, 2, 0, 0), false, "2of5");
        // stake-weighted: strictly more than 2/3 of the revealed collateral
        _eq(Consensus.accepts(ConsensusStrategy.ProofOfStakeWeighted, 3, 2, 200, 300), false, "pos =2/3");
        _eq(Consensus.accepts(ConsensusStrategy.ProofOfStakeWeighted, 3, 2, 201, 300), true, "pos >2/3");
        _eq(Consensus.accepts(ConsensusStrategy.FastestWins, 1, 1, 0, 0), true, "fw");
        _eq(Consensus.accepts(ConsensusStrategy.FastestWins, 1, 0, 0, 0), false, "fw none");
    }

    function test_tally_tieHasNoWinner() public pure {
        bytes20[] memory d = new bytes20[](4);
        uint256[] memory w = new uint256[](4);
        (d[0], d[1], d[2], d[3]) = (
            bytes20(uint160(1)),
            bytes20(uint160(1)),
            bytes20(uint160(2)),
            bytes20(uint160(2))
        );
        for (uint256 i; i < 4; ++i) w[i] = 1;
        (bool reached, , ) = Consensus.tally(ConsensusStrategy.MajorityRule, 4, d, w, 4);
        _eq(reached, false, "2-2 tie");
    }

    /// @notice Fuzz: the tally agrees with a plain recount, and never accepts two digests.
    function testFuzz_tally_matchesRecount(
        uint256 seed,
        uint8 strategyRaw,
        uint8 nRaw,
        uint8 revealedRaw
    ) public pure {
        ConsensusStrategy s = ConsensusStrategy(strategyRaw % 6);
        uint256 n =
            s == ConsensusStrategy.FastestWins
                ? 1
                : s == ConsensusStrategy.TwoOfThree
                    ? 3
                    : s == ConsensusStrategy.ThreeOfFive
                        ? 5
                        : 3 + (nRaw % 14);
        uint256 count = revealedRaw % (n + 1);
        bytes20[] memory d = new bytes20[](n);
        uint256[] memory w = new uint256[](n);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            d[i] = bytes20(uint160(uint256(keccak256(abi.encode(seed, i))) % 3)); // 3 possible results
            w[i] = 1 + (uint256(keccak256(abi.encode(seed, i, "w"))) % 100);
            total += w[i];
        }
        (bool reached, bytes20 winner, uint256 agree) = Consensus.tally(s, n, d, w, count);
        uint256 winners;
        for (uint256 v; v < 3; ++v) {
            uint256 c;
            uint256 wt;
            for (uint256 i; i < count; ++i) {
                if (d[i] == bytes20(uint160(v))) {
                    ++c;
                    wt += w[i];
                }
            }
            if (Consensus.accepts(s, n, c, wt, total)) {
                ++winners;
                if (!reached || winner != bytes20(uint160(v)) || agree != c) revert Failed("recount", v, c);
            }
        }
        if (winners > 1) revert Failed("two winners", winners, n);
        if (reached && winners == 0) revert Failed("phantom winner", agree, n);
    }
}
