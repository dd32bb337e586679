// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Consensus} from "./Consensus.sol";
import {ConsensusStrategy} from "../types/Policy.sol";

/// @notice The redundancy each strategy implies when neither the job nor its pool names one, and
///         that every such pair is one the market accepts.
contract ConsensusRedundancyTest {
    error Failed(string what, uint256 got, uint256 expected);

    function _check(ConsensusStrategy s, uint8 expected, string memory what) private pure {
        uint8 n = Consensus.naturalRedundancy(s);
        if (n != expected) revert Failed(what, n, expected);
        if (!Consensus.isConsistent(s, n)) revert Failed(string.concat(what, " inconsistent"), n, expected);
    }

    function test_naturalRedundancy_perStrategy() public pure {
        _check(ConsensusStrategy.FastestWins, 1, "fastest wins");
        _check(ConsensusStrategy.MajorityRule, 3, "majority");
        _check(ConsensusStrategy.TwoOfThree, 3, "2-of-3");
        _check(ConsensusStrategy.ThreeOfFive, 5, "3-of-5");
        _check(ConsensusStrategy.ByzantineFaultTolerant, 3, "bft");
        _check(ConsensusStrategy.ProofOfStakeWeighted, 3, "pos");
    }
}
