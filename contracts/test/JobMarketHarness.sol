// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {INodeAccounts} from "../interfaces/INodeAccounts.sol";
import {INodeCollateral} from "../interfaces/INodeCollateral.sol";
import {NodeAccounts} from "../libraries/NodeAccounts.sol";
import {Outcome} from "../types/Policy.sol";

/// @title The node ledger without the job market, for testing the registry and the ledger
/// @notice Set as the registry's job market, it keeps the nodes' ledgers with the market's own code
///         (NodeAccounts: the same library, the same storage layout) and exposes the job steps'
///         ledger operations, so tests can drive locks, releases, slashes and outcomes directly on
///         a real chain. Slashed tokens arrive here, as they would at the market.
contract JobMarketHarness is INodeAccounts {
    INodeCollateral public immutable registry;

    event Locked(address owner);
    event Slashed(address token, uint96 amount);

    error HarnessCallerNotRegistry(address caller);

    constructor(INodeCollateral registry_) {
        registry = registry_;
    }

    receive() external payable {}

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert HarnessCallerNotRegistry(msg.sender);
        _;
    }

    // ------------------------------------------------------------ INodeAccounts

    function syncNode(
        uint64 nodeId,
        uint256 core,
        uint96 credit,
        uint96 debitUpTo
    ) external override onlyRegistry returns (uint256 money, uint96 debited) {
        return NodeAccounts.sync(nodeId, core, credit, debitUpTo);
    }

    function syncSigner(uint64 nodeId, address signer) external override onlyRegistry {
        NodeAccounts.syncSigner(nodeId, signer);
    }

    /// @dev The account's signer, as the market checks signatures against it.
    function signerOf(uint64 nodeId) external view returns (address) {
        return NodeAccounts.signerOf(nodeId);
    }

    function syncBondToken(uint16 tokenId, uint256 config) external override onlyRegistry {
        NodeAccounts.syncToken(tokenId, config);
    }

    function nodeMoneyWords(uint64 first, uint256 count) external view override returns (uint256[] memory) {
        return NodeAccounts.moneyWords(first, count);
    }

    // ------------------------------------------------------------ the job steps' ledger operations

    function lock(uint64 nodeId, uint96 amount) external {
        emit Locked(NodeAccounts.lock(nodeId, amount, true));
    }

    function lockBatch(uint64[] calldata nodeIds, uint96 amount) external {
        for (uint256 i; i < nodeIds.length; ++i) emit Locked(NodeAccounts.lock(nodeIds[i], amount, false));
    }

    function release(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address) {
        return NodeAccounts.release(nodeId, amount, outcome);
    }

    function releaseBatch(uint64[] calldata nodeIds, uint96 amount, Outcome[] calldata outcomes) external {
        for (uint256 i; i < nodeIds.length; ++i) NodeAccounts.release(nodeIds[i], amount, outcomes[i]);
    }

    /// @dev Releasing nothing records an outcome.
    function record(uint64 nodeId, Outcome outcome) external {
        NodeAccounts.release(nodeId, 0, outcome);
    }

    function slash(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address token) {
        token = registry.paySlashed(NodeAccounts.slash(nodeId, amount, outcome), amount);
        emit Slashed(token, amount);
    }

    function slashFree(uint64 nodeId, uint96 amount) external returns (address token, uint96 taken) {
        uint16 tokenId;
        (tokenId, taken) = NodeAccounts.slashFree(nodeId, amount);
        token = registry.paySlashed(tokenId, taken);
        emit Slashed(token, taken);
    }
}
