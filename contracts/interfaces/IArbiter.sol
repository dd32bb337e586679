// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title An arbiter the job market hands disputes to
/// @notice The market calls `onDisputeRaised` when a dispute is raised; the arbiter later calls
///         the market's `rule(jobId, uphold, record)`. Anything can sit behind this interface:
///         an owner, a committee, a DAO, or an adapter to an ERC-792 arbitrator.
interface IArbiter {
    /// @notice Called by `market` when a dispute on `jobId` is raised. Must not revert for a
    ///         well-formed dispute (a reverting arbiter blocks disputes, never payouts).
    /// @param deadline after it, anyone may finalize the dispute with the default outcome
    function onDisputeRaised(
        uint256 jobId,
        address disputer,
        uint32 deadline,
        string calldata evidenceURI
    ) external;
}
