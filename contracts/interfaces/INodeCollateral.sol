// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Outcome} from "../types/Policy.sol";

/// @title The part of the node registry the job market calls
/// @notice Collateral locks, releases and slashes, and reputation outcomes. Every
///         state-changing function here may be called only by the job market the registry's
///         admin configured; everyone else gets `NodeRegistryCallerNotJobMarket(caller)`.
/// @dev Node ids are sequential `uint64`s assigned by the registry at registration: they can
///      neither collide nor be squatted by a front-runner (there is no caller-chosen id).
interface INodeCollateral {
    /// @notice What the market needs to know about a node when it takes a slot.
    struct NodeForJob {
        address owner; // receives pay; may act for the node
        address signer; // the worker's hot key; signs EIP-712 messages; may act for the node
        address bondToken; // address(0) = ETH
        uint96 freeBond; // bond - locked, in bondToken base units
        uint32 reputation; // score in parts per million
        bool active; // registered, not paused, not unbonding, bond >= minimum
    }

    /// @notice Reads what the market needs to decide whether `nodeId` may take a slot.
    function nodeForJob(uint64 nodeId) external view returns (NodeForJob memory);

    /// @notice Locks `amount` of the node's free bond as collateral for a job.
    /// @dev Reverts unless the node is active and has `amount` of free bond. Returns the
    ///      node's owner, signer and bond token so the market needs no second call. `actor` is
    ///      the account the market will authenticate (who sent a node-sent step), or address(0)
    ///      when the market needs the signer (a carried, signed step): when `actor` is the owner
    ///      the signer is not read (one cold storage read less) and comes back as address(0).
    function lockCollateral(
        uint64 nodeId,
        uint96 amount,
        address actor
    ) external returns (address owner, address signer, address bondToken);

    /// @notice Locks `amount` for every node of `nodeIds` (all or nothing) and returns their owners
    ///         and signers, in one call: what the market's one-transaction batch uses.
    /// @dev The same checks as `lockCollateral`, but no per-node event: the market releases or
    ///      slashes these locks in the same transaction, and the release announces each node
    ///      (`ReputationUpdated`, or `CollateralReleased` for `Outcome.None`).
    function lockCollateralBatch(
        uint64[] calldata nodeIds,
        uint96 amount
    ) external returns (address[] memory owners, address[] memory signers);

    /// @notice Unlocks `amount` for every node of `nodeIds` and records `outcomes[i]` for each, in
    ///         one call; returns the owners (the payees), in order. With `amount` 0 it only records
    ///         outcomes (e.g. a lost dispute after the collateral was released).
    /// @dev Emits `ReputationUpdated` per node (its outcome), or `CollateralReleased` when the
    ///      outcome is `None`. Reverts `NodeRegistryLengthMismatch` when the arrays differ in length.
    function releaseCollateralBatch(
        uint64[] calldata nodeIds,
        uint96 amount,
        Outcome[] calldata outcomes
    ) external returns (address[] memory owners);

    /// @notice Takes `amount` of locked collateral out of the node's bond, transfers it to the
    ///         job market (ETH or the bond token) for the market to credit to its recipients,
    ///         and records `outcome`. Returns the token moved (address(0) = ETH).
    function slashCollateral(uint64 nodeId, uint96 amount, Outcome outcome) external returns (address token);

    /// @notice Slashes up to `amount` of the node's free (unlocked) bond — used when a dispute
    ///         overturns a result after the collateral was released. Transfers what it took to
    ///         the market and returns (token, amount taken).
    function slashFreeBond(uint64 nodeId, uint96 amount) external returns (address token, uint96 taken);
}
