// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {INodeCollateral} from "../interfaces/INodeCollateral.sol";
import {Outcome} from "../types/Policy.sol";

/// @title A minimal job market for testing the registry's collateral hooks
/// @notice Set as the registry's job market, it forwards lock, release, slash and outcome calls and
///         keeps whatever slashes send it, so tests can check the hooks end to end on a real chain.
contract JobMarketHarness {
    INodeCollateral public immutable registry;

    event Locked(address owner, address signer, address bondToken);
    event Slashed(address token, uint96 amount);

    constructor(INodeCollateral registry_) {
        registry = registry_;
    }

    receive() external payable {}

    function lock(uint64 nodeId, uint96 amount) external {
        (address owner, address signer, address token) = registry.lockCollateral(nodeId, amount);
        emit Locked(owner, signer, token);
    }

    function release(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address) {
        return registry.releaseCollateral(nodeId, amount, outcome);
    }

    function slash(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address token) {
        token = registry.slashCollateral(nodeId, amount, outcome);
        emit Slashed(token, amount);
    }

    function record(uint64 nodeId, Outcome outcome) external {
        registry.recordOutcome(nodeId, outcome);
    }

    function slashFree(uint64 nodeId, uint96 amount) external returns (address token, uint96 taken) {
        (token, taken) = registry.slashFreeBond(nodeId, amount);
        emit Slashed(token, taken);
    }
}
