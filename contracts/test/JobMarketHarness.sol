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
        (address owner, address signer, address token) = registry.lockCollateral(nodeId, amount, address(0));
        emit Locked(owner, signer, token);
    }

    /// @dev A node-sent lock: `actor` is who the market would authenticate.
    function lockAs(uint64 nodeId, uint96 amount, address actor) external {
        (address owner, address signer, address token) = registry.lockCollateral(nodeId, amount, actor);
        emit Locked(owner, signer, token);
    }

    function release(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address) {
        uint64[] memory ids = new uint64[](1);
        Outcome[] memory outcomes = new Outcome[](1);
        ids[0] = nodeId;
        outcomes[0] = outcome;
        return registry.releaseCollateralBatch(ids, amount, outcomes)[0];
    }

    function lockBatch(uint64[] calldata nodeIds, uint96 amount) external {
        (address[] memory owners, address[] memory signers) = registry.lockCollateralBatch(nodeIds, amount);
        for (uint256 i; i < owners.length; ++i) emit Locked(owners[i], signers[i], address(0));
    }

    function releaseBatch(uint64[] calldata nodeIds, uint96 amount, Outcome[] calldata outcomes) external {
        registry.releaseCollateralBatch(nodeIds, amount, outcomes);
    }

    function slash(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address token) {
        token = registry.slashCollateral(nodeId, amount, outcome);
        emit Slashed(token, amount);
    }

    function record(uint64 nodeId, Outcome outcome) external {
        uint64[] memory ids = new uint64[](1);
        Outcome[] memory outcomes = new Outcome[](1);
        ids[0] = nodeId;
        outcomes[0] = outcome;
        registry.releaseCollateralBatch(ids, 0, outcomes);
    }

    function slashFree(uint64 nodeId, uint96 amount) external returns (address token, uint96 taken) {
        (token, taken) = registry.slashFreeBond(nodeId, amount);
        emit Slashed(token, taken);
    }
}
