// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IArbiter} from "./interfaces/IArbiter.sol";
import {INodeCollateral} from "./interfaces/INodeCollateral.sol";
import {
    Job,
    JobRequest,
    SignedCommit,
    SignedReport,
    RevealItem,
    SettlementRecord,
    Dispute
} from "./types/Job.sol";
import {VerificationLevel} from "./types/Policy.sol";
import {SlotRecord, JobTerms} from "./libraries/SlotRecord.sol";
import {JobMessages} from "./libraries/JobMessages.sol";
import {NodeAccounts} from "./libraries/NodeAccounts.sol";
import {JobMarketBase} from "./JobMarketBase.sol";

/// @title The job market's delegated paths: batch posting, top-ups, carried (signed) and batched node steps, disputes
/// @notice Never called directly: JobMarket delegatecalls it for these functions, so they run on
///         JobMarket's storage, balance and address. Called directly it only sees its own empty storage.
contract JobMarketExtension is JobMarketBase {
    /// @notice The settlement module this code delegatecalls when a step decides a job.
    address public immutable settlementModule;

    constructor(INodeCollateral nodes_, address settlementModule_) JobMarketBase(nodes_, msg.sender) {
        if (settlementModule_ == address(0)) revert JobMarketZeroAddress();
        settlementModule = settlementModule_;
    }

    /// @notice See INodeAccounts: the registry sends a bond token's word (token | minBond << 160).
    function syncBondToken(uint16 tokenId, uint256 config) external onlyDelegated onlyNodeRegistry {
        NodeAccounts.syncToken(tokenId, config);
    }

    /// @notice See IJobMarket.
    function postJobs(
        JobRequest[] calldata requests
    ) external payable onlyDelegated whenNotPaused nonReentrant returns (uint256 firstJobId) {
        uint256 ethEscrow;
        for (uint256 i; i < requests.length; ++i) {
            (uint256 jobId, uint256 escrow) = _post(requests[i]);
            if (i == 0) firstJobId = jobId;
            if (requests[i].token == address(0)) ethEscrow += escrow;
            else _collect(requests[i].token, escrow, 0);
        }
        if (msg.value != ethEscrow) revert JobMarketWrongValue(ethEscrow, msg.value);
    }

    /// @notice See IJobMarket. Adds escrow to an open job by raising its price per node.
    /// @dev Checks, then the new terms and the event, then the pull (`_collect`): a token that
    ///      re-enters during the pull finds the job already at its new price and every
    ///      nonReentrant path locked, and a short delivery reverts the whole call.
    function topUpJob(
        uint256 jobId,
        uint96 addPerNode
    ) external payable onlyDelegated whenNotPaused nonReentrant {
        Job storage j = _openJob(jobId);
        bytes32 terms = _terms(jobId, j);
        address requester = JobTerms.requester(terms);
        if (msg.sender != requester) revert JobMarketNotRequester(jobId, msg.sender);
        if (addPerNode == 0) revert JobMarketZeroTopUp(jobId);
        // Deadlines are hours long; seconds of validator timestamp skew cannot move them meaningfully.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > j.revealDeadline) revert JobMarketRevealClosed(jobId, j.revealDeadline);
        // Once nothing can change the outcome, the job only waits for a settle call: too late to add.
        if (_decided(j, j.taken, j.revealed)) revert JobMarketAlreadyDecided(jobId);
        uint256 n = j.n;
        uint256 price = uint256(JobTerms.pricePerNode(terms)) + addPerNode;
        // The same bound as posting: every amount derived from the escrow then fits uint96.
        if (n * price > type(uint96).max) revert JobMarketEscrowTooLarge(n * price);
        address token = _tokenOf(j);
        if (token != address(0) && !_allowedTokens[token]) revert JobMarketTokenNotAllowed(token);
        // price <= n * price <= max uint96
        _cells(jobId, j)[TERMS] = uint256(JobTerms.pack(requester, uint96(price)));
        uint256 added = n * addPerNode;
        emit JobToppedUp(jobId, addPerNode, uint96(price), added);
        _collect(token, added, msg.value);
    }

    // ═════════════════════════════ carried and batched ═════════════════════════════

    /// @notice See IJobMarket.
    function commitSigned(SignedCommit[] calldata commits) external {
        for (uint256 i; i < commits.length; ++i) {
            SignedCommit calldata c = commits[i];
            Job storage j = _openJob(c.jobId);
            if (j.level < VerificationLevel.Strict) revert JobMarketWrongLevel(c.jobId, j.level);
            (uint8 slot, , address signer) = _take(
                c.jobId,
                j,
                c.nodeId,
                SlotRecord.truncate(c.seal),
                SlotRecord.TAKEN | SlotRecord.COMMITTED,
                address(0) // carried: the signature needs the signer
            );
            _requireSignature(
                signer,
                JobMessages.commitHash(c.jobId, c.nodeId, c.seal),
                c.signature,
                c.jobId,
                c.nodeId
            );
            emit ResultCommitted(c.jobId, c.nodeId, slot, c.seal);
        }
    }

    /// @notice See IJobMarket.
    function reportSigned(SignedReport[] calldata reports) external {
        for (uint256 i; i < reports.length; ++i) {
            SignedReport calldata r = reports[i];
            _report(r.jobId, r.nodeId, r.digest, r.invoice, r.resultURI, r.signature);
        }
    }

    /// @notice See IJobMarket.
    function revealBatch(RevealItem[] calldata items) external {
        for (uint256 i; i < items.length; ++i) _reveal(items[i].jobId, items[i].slot, items[i].reveal);
    }

    // ═════════════════════════════ admin (owner only) ═════════════════════════════

    /// @notice See JobMarket. Sets the protocol fee (basis points, at most MAX_FEE_BPS). Owner only. Applies to later settlements.
    function setProtocolFee(uint16 feeBps) external onlyOwner {
        _setFee(feeBps);
    }

    /// @notice See JobMarket. Sets the account fees are credited to. Owner only.
    function setTreasury(address treasury) external onlyOwner {
        _setTreasury(treasury);
    }

    /// @notice See JobMarket. Allows or disallows an ERC-20 for new escrow (posts and top-ups). Owner only. Never touches open jobs' escrow or balances.
    function setTokenAllowed(address token, bool allowed) external onlyOwner {
        if (token == address(0)) revert JobMarketZeroAddress();
        _allowedTokens[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    /// @notice See JobMarket. Sets the arbiter of future disputes (open ones keep theirs). Owner only.
    function setArbiter(address arbiter) external onlyOwner {
        _arbiter = arbiter;
        emit ArbiterChanged(arbiter);
    }

    /// @notice See JobMarket. Sets the challenge window, the dispute deposit and the arbiter's ruling period. Owner only.
    function setDisputeParams(
        uint32 challengeWindow,
        uint96 deposit,
        uint32 disputePeriod
    ) external onlyOwner {
        _setDisputeParams(challengeWindow, deposit, disputePeriod);
    }

    // ═════════════════════════════ disputes ═════════════════════════════

    /// @notice See IJobMarket.
    function raiseDispute(
        uint256 jobId,
        SettlementRecord calldata record,
        string calldata evidenceURI
    ) external payable onlyDelegated nonReentrant {
        _checkRecord(jobId, record);
        // Deadlines are hours long; seconds of validator timestamp skew cannot move them meaningfully.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= record.challengeEnds)
            revert JobMarketChallengeClosed(jobId, record.challengeEnds);
        if (_disputes[jobId].disputer != address(0)) revert JobMarketDisputeExists(jobId);
        address arbiter = _arbiter;
        if (arbiter == address(0)) revert JobMarketNoArbiter();
        if (msg.value != _disputeDeposit) revert JobMarketWrongValue(_disputeDeposit, msg.value);
        if (msg.sender != record.requester && !_isParticipant(record.nodes, msg.sender)) {
            revert JobMarketNotParticipant(jobId, msg.sender);
        }
        // The ruling period is days long; seconds of validator timestamp skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        uint32 deadline = uint32(block.timestamp) + _disputePeriod;
        _disputes[jobId] = Dispute(msg.sender, uint96(msg.value), arbiter, deadline, false);
        // Keep the winners' and the treasury's held payouts held until the dispute ends.
        for (uint256 i; i < record.payees.length; ++i) {
            if (record.payees[i] != address(0)) _extendHold(record.payees[i], record.token, deadline);
        }
        if (record.fee != 0) _extendHold(record.treasury, record.token, deadline);
        emit DisputeRaised(jobId, msg.sender, arbiter, uint96(msg.value), deadline, evidenceURI);
        IArbiter(arbiter).onDisputeRaised(jobId, msg.sender, deadline, evidenceURI);
    }

    function _onDecided(uint256 jobId, Job storage, uint256 lastSlot, uint256 lastRecord) internal override {
        _delegateSettle(settlementModule, jobId, lastSlot, lastRecord);
    }
}
