// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {INodeCollateral} from "./interfaces/INodeCollateral.sol";
import {Job, JobStatus, JobSubmission, Dispute, SettlementRecord} from "./types/Job.sol";
import {JobTerms} from "./libraries/SlotRecord.sol";
import {JobMarketBase} from "./JobMarketBase.sol";

/// @title The job market's settlement module: settle, cancel, one-transaction batches, dispute rulings and finalization
/// @notice Never called directly: JobMarket (and JobMarketExtension) delegatecall it, so it runs on
///         JobMarket's storage, balance and address. Called directly it only sees its own empty storage.
contract JobMarketSettlement is JobMarketBase {
    constructor(INodeCollateral nodes_) JobMarketBase(nodes_, msg.sender) {}

    /// @notice See IJobMarket.
    function settle(uint256 jobId) external {
        Job storage j = _openJob(jobId);
        uint8 taken = j.taken;
        if (taken == 0) {
            // Deadlines are hours long; seconds of validator timestamp skew cannot move them meaningfully.
            // solhint-disable-next-line not-rely-on-time
            if (block.timestamp <= j.commitDeadline) revert JobMarketNotSettleable(jobId);
            // Nobody came: the requester gets the escrow back.
            bytes32 terms = _terms(jobId, j);
            address requester = JobTerms.requester(terms);
            address token = _tokenOf(j);
            uint256 escrow = uint256(j.n) * JobTerms.pricePerNode(terms);
            _releaseRow(jobId, j);
            _clearJob(j, JobStatus.Settled);
            emit JobExpired(jobId);
            _refund(jobId, requester, token, escrow);
            return;
        }
        // Deadlines are hours long; seconds of validator timestamp skew cannot move them meaningfully.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp <= j.revealDeadline && !_decided(j, taken, j.revealed)) {
            revert JobMarketNotSettleable(jobId);
        }
        _settleStored(jobId, j, STORED, 0);
    }

    /// @notice Settles a job a node step of JobMarket (or its extension) just decided, with the
    ///         deciding step's slot word passed in rather than stored. Reachable only through their
    ///         delegatecall: JobMarket has no function with this selector, and a direct call reverts.
    function settleDecided(uint256 jobId, uint256 lastSlot, uint256 lastRecord) external onlyDelegated {
        _settleStored(jobId, _jobs[jobId], lastSlot, lastRecord);
    }

    /// @notice See IJobMarket.
    function submitBatch(JobSubmission[] calldata jobs) external {
        for (uint256 i; i < jobs.length; ++i) _submitJob(jobs[i]);
    }

    /// @notice See IJobMarket.
    function cancel(uint256 jobId) external {
        Job storage j = _openJob(jobId);
        bytes32 terms = _terms(jobId, j);
        address requester = JobTerms.requester(terms);
        if (msg.sender != requester) revert JobMarketNotRequester(jobId, msg.sender);
        if (j.taken != 0) revert JobMarketSlotAlreadyTaken(jobId, j.taken);
        uint256 escrow = uint256(j.n) * JobTerms.pricePerNode(terms);
        address token = _tokenOf(j);
        _releaseRow(jobId, j);
        _clearJob(j, JobStatus.Cancelled);
        emit JobCancelled(jobId);
        _refund(jobId, requester, token, escrow);
    }

    /// @notice See IJobMarket.
    function finalizeDispute(uint256 jobId) external {
        Dispute storage d = _disputes[jobId];
        if (d.disputer == address(0) || d.resolved) revert JobMarketNoOpenDispute(jobId);
        // Deadlines are hours long; seconds of validator timestamp skew cannot move them meaningfully.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp <= d.deadline) revert JobMarketDisputePending(jobId, d.deadline);
        d.resolved = true;
        emit DisputeResolved(jobId, true, true);
        _credit(jobId, d.disputer, address(0), d.deposit, 0);
    }

    /// @notice See IJobMarket.
    function rule(uint256 jobId, bool uphold, SettlementRecord calldata record) external nonReentrant {
        _checkRecord(jobId, record);
        Dispute storage d = _disputes[jobId];
        if (d.disputer == address(0) || d.resolved) revert JobMarketNoOpenDispute(jobId);
        if (msg.sender != d.arbiter) revert JobMarketNotArbiter(jobId, msg.sender);
        // Deadlines are hours long; seconds of validator timestamp skew cannot move them meaningfully.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > d.deadline) revert JobMarketDisputeExpired(jobId, d.deadline);
        d.resolved = true;
        uint96 deposit = d.deposit;
        address disputer = d.disputer;
        emit DisputeResolved(jobId, uphold, false);
        if (uphold) _upheld(jobId, record, deposit);
        else _overturn(jobId, record, disputer, deposit);
    }

    function _onDecided(
        uint256 jobId,
        Job storage j,
        uint256 lastSlot,
        uint256 lastRecord
    ) internal override {
        _settleStored(jobId, j, lastSlot, lastRecord);
    }
}
