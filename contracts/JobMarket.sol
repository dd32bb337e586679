// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IJobMarket} from "./interfaces/IJobMarket.sol";
import {INodeAccounts} from "./interfaces/INodeAccounts.sol";
import {INodeCollateral} from "./interfaces/INodeCollateral.sol";
import {VerificationLevel} from "./types/Policy.sol";
import {
    Job,
    JobStatus,
    JobRequest,
    Reveal,
    SignedCommit,
    SignedReport,
    RevealItem,
    JobSubmission,
    SettlementRecord,
    JobView,
    SlotView,
    Dispute
} from "./types/Job.sol";
import {SlotRecord, JobTerms} from "./libraries/SlotRecord.sol";
import {JobMessages} from "./libraries/JobMessages.sol";
import {NodeAccounts} from "./libraries/NodeAccounts.sol";
import {JobMarketBase} from "./JobMarketBase.sol";

/// @dev What the constructor asks each module: the node registry it was built with.
interface INodeRegistryOf {
    function nodeRegistry() external view returns (address);
}

/// @title Sandrun job market
/// @notice Escrow, slots, commit-reveal, the six consensus strategies, settlement with slashing,
///         pull payments with a challenge-window hold, and disputes decided by an arbiter.
/// @dev The entry point and the address everyone uses. `postJobs`, `topUpJob`, the carried and
///      batched node steps, the admin setters and `raiseDispute` run in JobMarketExtension;
///      `cancel`, `submitBatch`, `settle` and the rulings in JobMarketSettlement; every pool
///      function (PoolRegistry's ABI) in the pool module: all through delegatecall (same storage),
///      which keeps every contract under the 24 KiB limit.
///      See JobMarketBase for the conservation invariant.
contract JobMarket is JobMarketBase, IJobMarket, INodeAccounts {
    using SlotRecord for uint256;

    /// @notice Delegated code: settle, cancel, one-transaction batches, dispute rulings (JobMarketSettlement).
    address public immutable settlementModule;
    /// @notice Delegated code: batch posting, carried and batched node steps, disputes (JobMarketExtension).
    address public immutable extension;
    /// @notice Delegated code: the pools (PoolRegistry), for every selector this contract lacks.
    address public immutable poolModule;

    /// @param nodes_ the node registry (collateral locks, slashes, reputation)
    /// @param poolModule_ a PoolRegistry built for the same node registry: pools live here (see fallback)
    /// @param settlementModule_ a JobMarketSettlement built for the same node registry
    /// @param extension_ a JobMarketExtension built for the same node registry and settlement module
    /// @param owner_ the admin (Ownable2Step)
    /// @param treasury_ receives protocol fees
    /// @param feeBps_ protocol fee in basis points, at most MAX_FEE_BPS
    /// @param arbiter_ rules disputes (address(0) = disputes refused until one is set)
    /// @param challengeWindow_ seconds payouts are held after settlement (0 = no hold, no disputes)
    /// @param disputeDeposit_ ETH a disputer deposits
    /// @param disputePeriod_ seconds an arbiter has to rule
    constructor(
        INodeCollateral nodes_,
        address poolModule_,
        address settlementModule_,
        address extension_,
        address owner_,
        address treasury_,
        uint16 feeBps_,
        address arbiter_,
        uint32 challengeWindow_,
        uint96 disputeDeposit_,
        uint32 disputePeriod_
    ) JobMarketBase(nodes_, owner_) {
        if (poolModule_ == address(0) || settlementModule_ == address(0) || extension_ == address(0))
            revert JobMarketZeroAddress();
        // Every module reads the node registry it was built with: one market, one registry.
        address[3] memory modules = [poolModule_, settlementModule_, extension_];
        for (uint256 i; i < 3; ++i) {
            if (INodeRegistryOf(modules[i]).nodeRegistry() != address(nodes_)) {
                revert JobMarketModuleMismatch(modules[i]);
            }
        }
        poolModule = poolModule_;
        settlementModule = settlementModule_;
        extension = extension_;
        _setTreasury(treasury_);
        _setFee(feeBps_);
        _arbiter = arbiter_;
        _setDisputeParams(challengeWindow_, disputeDeposit_, disputePeriod_);
    }

    /// @notice Accepts ETH only from the node registry (slashed collateral); anything else would be unattributed.
    receive() external payable {
        if (msg.sender != address(nodeRegistry)) revert JobMarketUnexpectedEth(msg.sender);
    }

    /// @notice The pools' functions (PoolRegistry's ABI, at this address): run in the pool module on
    ///         this storage. Posting and slot-taking read pools from here, without a call.
    /// @dev Not payable: no pool function takes ETH. A selector the pool module lacks reverts there.
    fallback() external {
        _delegate(poolModule);
    }

    // ═════════════════════════════ posting ═════════════════════════════

    /// @inheritdoc IJobMarket
    function postJob(
        JobRequest calldata request
    ) external payable whenNotPaused nonReentrant returns (uint256 jobId) {
        uint256 escrow;
        (jobId, escrow) = _post(request);
        _collect(request.token, escrow, msg.value);
    }

    // ═════════════════════════════ node-sent steps ═════════════════════════════

    /// @inheritdoc IJobMarket
    function takeSlot(uint256 jobId, uint64 nodeId) external {
        Job storage j = _openJob(jobId);
        if (j.level >= VerificationLevel.Strict) revert JobMarketWrongLevel(jobId, j.level);
        (uint8 slot, address owner, address signer) = _take(
            jobId,
            j,
            nodeId,
            0,
            SlotRecord.TAKEN,
            msg.sender
        );
        _requireNodeAccount(nodeId, owner, signer);
        emit SlotTaken(jobId, nodeId, slot, owner);
    }

    /// @inheritdoc IJobMarket
    function report(
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        uint96 invoice,
        string calldata resultURI
    ) external {
        _report(jobId, nodeId, digest, invoice, resultURI, bytes(""));
    }

    /// @inheritdoc IJobMarket
    function commit(uint256 jobId, uint64 nodeId, bytes32 seal) external {
        Job storage j = _openJob(jobId);
        if (j.level < VerificationLevel.Strict) revert JobMarketWrongLevel(jobId, j.level);
        (uint8 slot, address owner, address signer) = _take(
            jobId,
            j,
            nodeId,
            SlotRecord.truncate(seal),
            SlotRecord.TAKEN | SlotRecord.COMMITTED,
            msg.sender
        );
        _requireNodeAccount(nodeId, owner, signer);
        emit ResultCommitted(jobId, nodeId, slot, seal);
    }

    /// @inheritdoc IJobMarket
    function reveal(uint256 jobId, uint8 slot, Reveal calldata r) external {
        _reveal(jobId, slot, r);
    }

    /// @inheritdoc IJobMarket
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        Balance memory b = _balances[msg.sender][token];
        // Payout holds last the challenge window (hours); seconds of validator timestamp skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (b.heldUntil != 0 && b.heldUntil <= block.timestamp) {
            b.available += b.held;
            b.held = 0;
            b.heldUntil = 0;
        }
        amount = b.available;
        if (amount == 0) revert JobMarketNothingToWithdraw(msg.sender, token);
        b.available = 0;
        _balances[msg.sender][token] = b;
        emit Withdrawn(msg.sender, token, amount);
        _send(token, msg.sender, amount);
    }

    // ═════════════════════════════ admin ═════════════════════════════

    /// @notice Sets the protocol fee (basis points, at most MAX_FEE_BPS). Owner only. Applies to later settlements.
    /// @dev The admin setters run in JobMarketExtension (code size; never on a hot path).
    function setProtocolFee(uint16) external {
        _delegate(extension);
    }

    /// @notice Sets the account fees are credited to. Owner only.
    function setTreasury(address) external {
        _delegate(extension);
    }

    /// @notice Allows or disallows an ERC-20 for new escrow (posts and top-ups). Owner only. Never touches open jobs' escrow or balances.
    function setTokenAllowed(address, bool) external {
        _delegate(extension);
    }

    /// @notice Sets the arbiter of future disputes (open ones keep theirs). Owner only.
    function setArbiter(address) external {
        _delegate(extension);
    }

    /// @notice Sets the challenge window, the dispute deposit and the arbiter's ruling period. Owner only.
    function setDisputeParams(uint32, uint96, uint32) external {
        _delegate(extension);
    }

    /// @notice Stops new posts and top-ups. Owner only. Never blocks slots, reveals, settlement, refunds, disputes or withdrawals.
    function pause() external onlyOwner {
        if (_paused) revert EnforcedPause();
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Resumes new posts. Owner only.
    function unpause() external onlyOwner {
        if (!_paused) revert ExpectedPause();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    // ═════════════════════════════ the nodes' ledgers (NodeAccounts) ═════════════════════════════

    /// @inheritdoc INodeAccounts
    /// @dev Here, not in a module: every bond change and every pause, resume, unbonding request
    ///      and deregistration of a bonded node comes through it (a module would add a cold
    ///      account, 2,600 gas, to each).
    function syncNode(
        uint64 nodeId,
        uint256 core,
        uint96 credit,
        uint96 debitUpTo
    ) external override onlyNodeRegistry returns (uint256 money, uint96 debited) {
        return NodeAccounts.sync(nodeId, core, credit, debitUpTo);
    }

    /// @inheritdoc INodeAccounts
    /// @dev Here, not in a module: a node's first bond sends it right after `syncNode`, to a
    ///      market account already warm (a module would add a cold account, 2,600 gas).
    function syncSigner(uint64 nodeId, address signer) external override onlyNodeRegistry {
        NodeAccounts.syncSigner(nodeId, signer);
    }

    /// @inheritdoc INodeAccounts
    /// @dev Runs in JobMarketExtension (admin-rare: each bond token's minimum).
    function syncBondToken(uint16, uint256) external override {
        _delegate(extension);
    }

    /// @inheritdoc INodeAccounts
    function nodeMoneyWords(uint64 first, uint256 count) external view override returns (uint256[] memory) {
        return NodeAccounts.moneyWords(first, count);
    }

    // ═════════════════════════════ views ═════════════════════════════

    /// @inheritdoc IJobMarket
    function job(uint256 jobId) external view returns (JobView memory v) {
        Job storage j = _jobs[jobId];
        v.status = j.status;
        if (v.status != JobStatus.Open) {
            // An ended job keeps one word: its status and settlement hash (see Job).
            v.settlementHash = bytes32(_settledWord(jobId) & HASH_BITS);
            return v;
        }
        v.poolId = _poolOf(j);
        v.n = j.n;
        v.strategy = j.strategy;
        v.level = j.level;
        v.taken = j.taken;
        v.revealed = j.revealed;
        v.directed = j.flags & DIRECTED != 0;
        v.runtime = j.runtime;
        v.collateralPerNode = j.collateralPerNode;
        v.commitDeadline = j.commitDeadline;
        v.revealDeadline = j.revealDeadline;
        v.token = j.token;
        v.specHash = j.specHash;
        bytes32 terms = _terms(jobId, j);
        v.requester = JobTerms.requester(terms);
        v.pricePerNode = JobTerms.pricePerNode(terms);
    }

    /// @inheritdoc IJobMarket
    function slotOf(uint256 jobId, uint8 slot) external view returns (SlotView memory v) {
        Job storage j = _jobs[jobId];
        // Slot words are recycled once a job ends; beyond its own slots a row holds older jobs' words.
        if (j.status != JobStatus.Open || slot >= (j.flags & DIRECTED != 0 ? j.n : j.taken)) return v;
        uint256 rec = _cells(jobId, j)[slot];
        v.nodeId = rec.nodeId();
        v.value = rec.value();
        v.taken = rec.has(SlotRecord.TAKEN);
        v.committed = rec.has(SlotRecord.COMMITTED);
        v.revealed = rec.has(SlotRecord.REVEALED);
        v.invoice = _invoices[jobId][slot];
    }

    /// @inheritdoc IJobMarket
    function balanceOf(address account, address token) external view returns (uint256) {
        Balance memory b = _balances[account][token];
        // Payout holds last the challenge window (hours); seconds of validator timestamp skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        bool matured = b.heldUntil != 0 && b.heldUntil <= block.timestamp;
        return matured ? uint256(b.available) + b.held : b.available;
    }

    /// @inheritdoc IJobMarket
    function balanceDetails(
        address account,
        address token
    ) external view returns (uint256 available, uint256 held, uint32 heldUntil) {
        Balance memory b = _balances[account][token];
        return (b.available, b.held, b.heldUntil);
    }

    /// @inheritdoc IJobMarket
    function disputeOf(uint256 jobId) external view returns (Dispute memory) {
        return _disputes[jobId];
    }

    /// @inheritdoc IJobMarket
    function computeSeal(
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        string calldata resultURI,
        uint96 invoice,
        bytes32 salt
    ) external view returns (bytes32) {
        return
            JobMessages.seal(
                address(this),
                jobId,
                nodeId,
                digest,
                keccak256(bytes(resultURI)),
                invoice,
                salt
            );
    }

    /// @inheritdoc IJobMarket
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice Protocol parameters.
    function params()
        external
        view
        returns (
            uint16 feeBps,
            address treasury,
            address arbiter,
            uint32 challengeWindow,
            uint96 disputeDeposit,
            uint32 disputePeriod
        )
    {
        return (_feeBps, _treasury, _arbiter, _challengeWindow, _disputeDeposit, _disputePeriod);
    }

    /// @notice Whether `token` may be used for new jobs' escrow (ETH always may).
    function isTokenAllowed(address token) external view returns (bool) {
        return token == address(0) || _allowedTokens[token];
    }

    /// @notice Whether new posts are stopped.
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @notice The id of the last posted job (jobs are numbered from 1).
    function lastJobId() external view returns (uint256) {
        return _lastJobId;
    }

    // ═════════════════════════════ delegated ═════════════════════════════

    /// @inheritdoc IJobMarket
    function postJobs(JobRequest[] calldata) external payable returns (uint256) {
        _delegate(extension);
    }

    /// @inheritdoc IJobMarket
    function commitSigned(SignedCommit[] calldata) external {
        _delegate(extension);
    }

    /// @inheritdoc IJobMarket
    function reportSigned(SignedReport[] calldata) external {
        _delegate(extension);
    }

    /// @inheritdoc IJobMarket
    function revealBatch(RevealItem[] calldata) external {
        _delegate(extension);
    }

    /// @inheritdoc IJobMarket
    function topUpJob(uint256, uint96) external payable {
        _delegate(extension);
    }

    /// @inheritdoc IJobMarket
    function cancel(uint256) external {
        _delegate(settlementModule);
    }

    /// @inheritdoc IJobMarket
    function submitBatch(JobSubmission[] calldata) external {
        _delegate(settlementModule);
    }

    /// @inheritdoc IJobMarket
    function settle(uint256) external {
        _delegate(settlementModule);
    }

    /// @inheritdoc IJobMarket
    function raiseDispute(uint256, SettlementRecord calldata, string calldata) external payable {
        _delegate(extension);
    }

    /// @inheritdoc IJobMarket
    function rule(uint256, bool, SettlementRecord calldata) external {
        _delegate(settlementModule);
    }

    /// @inheritdoc IJobMarket
    function finalizeDispute(uint256) external {
        _delegate(settlementModule);
    }

    /// @dev Settles in the settlement module when the step that just ran decided the job.
    function _onDecided(uint256 jobId, Job storage, uint256 lastSlot, uint256 lastRecord) internal override {
        _delegateSettle(settlementModule, jobId, lastSlot, lastRecord);
    }

    /// @dev Runs the current call in `module` on this contract's storage and returns its result verbatim.
    function _delegate(address module) private {
        // A proxy forward: copies calldata and returndata verbatim, which Solidity cannot express.
        // Memory-safe (it uses only memory past the free memory pointer), which lets the IR
        // pipeline move variables of deep functions (`_post`) to memory.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            calldatacopy(buffer, 0, calldatasize())
            let ok := delegatecall(gas(), module, buffer, calldatasize(), 0, 0)
            returndatacopy(buffer, 0, returndatasize())
            switch ok
            case 0 {
                revert(buffer, returndatasize())
            }
            default {
                return(buffer, returndatasize())
            }
        }
    }
}
