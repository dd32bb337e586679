// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ConsensusStrategy, Outcome, VerificationLevel} from "../types/Policy.sol";
import {
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
} from "../types/Job.sol";

/// @title Sandrun job market: escrow, slots, commit-reveal, consensus, settlement, disputes
/// @notice Client event names: JobPosted→'job-posted', SlotTaken→'job-claimed' (the first one
///         →'job-started'), ConsensusReached→'consensus-achieved', JobSettled→'job-completed',
///         PaymentCredited→'payment-distributed'/'payment-received', DisputeRaised→'dispute-raised'.
interface IJobMarketEvents {
    // ───────────────────────────── events ─────────────────────────────

    // The nodes' bond ledgers live in the market (NodeAccounts): these five are the registry's
    // events of the same signatures (INodeRegistry declares them too), emitted at this address.

    /// @notice A job step locked `amount` of the node's bond; `locked` is its new total lock.
    event CollateralLocked(uint64 indexed nodeId, uint96 amount, uint96 locked);
    /// @notice Settlement released `amount` with no outcome to record; `locked` is the new total.
    event CollateralReleased(uint64 indexed nodeId, uint96 amount, uint96 locked);
    /// @notice `amount` of locked collateral went to the market `to`; `bond` is what is left.
    event CollateralSlashed(uint64 indexed nodeId, address indexed to, uint96 amount, uint96 bond);
    /// @notice `amount` of free bond went to the market `to` (a dispute lost after release).
    event FreeBondSlashed(uint64 indexed nodeId, address indexed to, uint96 amount, uint96 bond);
    /// @notice A lost dispute was recorded in the node's ledger; `score` is its new reputation (ppm).
    ///         A settlement's outcomes are not announced one by one: its JobSettled names the nodes.
    event ReputationUpdated(uint64 indexed nodeId, Outcome outcome, uint32 score);

    /// @notice A job was posted with `n * pricePerNode` in escrow.
    event JobPosted(
        uint256 indexed jobId,
        uint64 indexed poolId,
        address indexed requester,
        address token,
        uint96 pricePerNode,
        uint96 collateralPerNode,
        uint8 n,
        ConsensusStrategy strategy,
        VerificationLevel level,
        uint32 commitDeadline,
        uint32 revealDeadline,
        bytes32 specHash
    );
    /// @notice The parts of a job that are never stored: what workers need to run it.
    event JobSpec(
        uint256 indexed jobId,
        uint8 runtime,
        uint64 resources,
        uint64[] nodes,
        string specURI,
        bytes inlineSpec,
        bytes encryptionKey
    );
    /// @notice `nodeId` took slot `slot` of `jobId` with `takeSlot`; its collateral is locked. A commit
    ///         (ResultCommitted), a report that takes a slot (ResultReported) and a one-transaction
    ///         batch (ResultRevealed) take the slot too, without a separate SlotTaken.
    event SlotTaken(uint256 indexed jobId, uint64 indexed nodeId, uint8 slot, address owner);
    /// @notice A seal was committed (strict and cryptographic levels).
    event ResultCommitted(uint256 indexed jobId, uint64 indexed nodeId, uint8 slot, bytes32 seal);
    /// @notice A committed result was revealed.
    event ResultRevealed(
        uint256 indexed jobId,
        uint64 indexed nodeId,
        uint8 slot,
        bytes32 digest,
        uint96 invoice,
        string resultURI
    );
    /// @notice A result was reported directly (basic and standard levels).
    event ResultReported(
        uint256 indexed jobId,
        uint64 indexed nodeId,
        uint8 slot,
        bytes32 digest,
        uint96 invoice,
        string resultURI
    );
    /// @notice An execution receipt signed by the node's signer (cryptographic level), verified.
    event ReceiptSubmitted(
        uint256 indexed jobId,
        uint64 indexed nodeId,
        uint64 wallMs,
        uint64 cpuMs,
        uint64 peakMemory,
        bytes signature
    );
    /// @notice `agreeing` results agree on `digest` (high 160 bits of the revealed digest).
    event ConsensusReached(uint256 indexed jobId, bytes20 digest, uint8 agreeing);
    /// @notice The job is settled: every wei of escrow and collateral is credited. `record.nodes`
    ///         are the nodes whose ledgers (collateral, reputation counters) it changed; no
    ///         per-node ReputationUpdated accompanies it.
    event JobSettled(uint256 indexed jobId, bool consensus, uint256 refunded, SettlementRecord record);
    /// @notice `amount` of `token` credited to `account`, withdrawable now (slash shares, deposits,
    ///         payouts when no challenge window is set). Payouts held for the challenge window are
    ///         not announced here: JobSettled's record lists them (payees, amounts, fee, challengeEnds).
    event PaymentCredited(
        uint256 indexed jobId,
        address indexed account,
        address indexed token,
        uint256 amount,
        uint32 heldUntil
    );
    /// @notice `nodeId` lost `amount` of `token` collateral on `jobId`.
    event Slashed(uint256 indexed jobId, uint64 indexed nodeId, address token, uint256 amount);
    /// @notice `amount` of escrow went back to the requester (unpaid slots, no consensus, overturn).
    event JobRefunded(uint256 indexed jobId, address indexed requester, address token, uint256 amount);
    /// @notice The requester raised the job's price per node by `addPerNode` to `newPricePerNode`,
    ///         adding `totalAdded` (= n * addPerNode) of the job's token to its escrow.
    event JobToppedUp(uint256 indexed jobId, uint96 addPerNode, uint96 newPricePerNode, uint256 totalAdded);
    /// @notice The requester cancelled before any slot was taken.
    event JobCancelled(uint256 indexed jobId);
    /// @notice No node took a slot before the commit deadline.
    event JobExpired(uint256 indexed jobId);
    /// @notice A dispute was raised against a settlement.
    event DisputeRaised(
        uint256 indexed jobId,
        address indexed disputer,
        address indexed arbiter,
        uint96 deposit,
        uint32 deadline,
        string evidenceURI
    );
    /// @notice A dispute ended: upheld (verdict stands) or overturned; `byDefault` = finalized after its deadline.
    event DisputeResolved(uint256 indexed jobId, bool upheld, bool byDefault);
    /// @notice `account` withdrew `amount` of `token`.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);
    event ProtocolFeeChanged(uint16 feeBps);
    event TreasuryChanged(address treasury);
    event TokenAllowed(address indexed token, bool allowed);
    event ArbiterChanged(address arbiter);
    event DisputeParamsChanged(uint32 challengeWindow, uint96 deposit, uint32 disputePeriod);

    // ───────────────────────────── errors ─────────────────────────────

    error JobMarketUnknownJob(uint256 jobId);
    error JobMarketJobNotOpen(uint256 jobId, uint8 status);
    error JobMarketUnknownStrategy(uint8 strategy);
    error JobMarketInconsistentRedundancy(ConsensusStrategy strategy, uint256 n);
    error JobMarketStakeRequired(ConsensusStrategy strategy);
    error JobMarketCollateralTooLarge(uint96 collateralPerNode, uint96 max);
    error JobMarketEscrowTooLarge(uint256 escrow);
    error JobMarketPoolIdTooLarge(uint64 poolId);
    error JobMarketDirectedNodeCount(uint256 n, uint256 given);
    error JobMarketNotPoolMember(uint64 poolId, uint64 nodeId);
    error JobMarketDuplicateNode(uint64 nodeId);
    error JobMarketBadWindows(uint32 commitWindow, uint32 revealWindow);
    error JobMarketBadRuntime(uint8 runtime);
    error JobMarketTokenNotAllowed(address token);
    error JobMarketWrongValue(uint256 expected, uint256 sent);
    error JobMarketTokenShortfall(address token, uint256 expected, uint256 received);
    error JobMarketWrongLevel(uint256 jobId, VerificationLevel level);
    error JobMarketCommitClosed(uint256 jobId, uint32 commitDeadline);
    error JobMarketSlotsFull(uint256 jobId, uint8 n);
    error JobMarketAlreadyTaken(uint256 jobId, uint64 nodeId);
    error JobMarketNotAssigned(uint256 jobId, uint64 nodeId);
    error JobMarketNotNodeAccount(uint64 nodeId, address caller);
    error JobMarketRevealNotOpen(uint256 jobId, uint8 taken, uint32 commitDeadline);
    error JobMarketRevealClosed(uint256 jobId, uint32 revealDeadline);
    error JobMarketSlotNotCommitted(uint256 jobId, uint8 slot);
    error JobMarketAlreadyRevealed(uint256 jobId, uint8 slot);
    error JobMarketSealMismatch(uint256 jobId, uint8 slot);
    error JobMarketInvoiceTooHigh(uint96 invoice, uint96 pricePerNode);
    error JobMarketInvalidSignature(uint256 jobId, uint64 nodeId, address signer);
    error JobMarketInvalidReceipt(uint256 jobId, uint64 nodeId, address signer);
    error JobMarketBatchIncomplete(uint256 jobId, uint8 n, uint256 given);
    error JobMarketBatchNotFresh(uint256 jobId, uint8 taken);
    error JobMarketNotSettleable(uint256 jobId);
    error JobMarketNotRequester(uint256 jobId, address caller);
    error JobMarketSlotAlreadyTaken(uint256 jobId, uint8 taken);
    error JobMarketZeroTopUp(uint256 jobId);
    error JobMarketAlreadyDecided(uint256 jobId);
    error JobMarketNothingToWithdraw(address account, address token);
    error JobMarketEthTransferFailed(address to, uint256 amount);
    error JobMarketUnexpectedEth(address sender);
    /// @notice Only the node registry sends changes to the nodes' ledgers.
    error JobMarketCallerNotNodeRegistry(address caller);
    error JobMarketFeeTooHigh(uint16 feeBps, uint16 maxBps);
    error JobMarketZeroAddress();
    /// @notice A module given to the constructor was built for another node registry.
    error JobMarketModuleMismatch(address module);
    error JobMarketDisputeParams(uint32 challengeWindow, uint32 disputePeriod);
    error JobMarketNotDisputable(uint256 jobId);
    error JobMarketChallengeClosed(uint256 jobId, uint32 challengeEnds);
    error JobMarketRecordMismatch(uint256 jobId);
    error JobMarketNotParticipant(uint256 jobId, address caller);
    error JobMarketDisputeExists(uint256 jobId);
    error JobMarketNoArbiter();
    error JobMarketNoOpenDispute(uint256 jobId);
    error JobMarketNotArbiter(uint256 jobId, address caller);
    error JobMarketDisputePending(uint256 jobId, uint32 deadline);
    error JobMarketDisputeExpired(uint256 jobId, uint32 deadline);
}

/// @title Sandrun job market: the functions
interface IJobMarket is IJobMarketEvents {
    // ───────────────────────────── requester ─────────────────────────────

    /// @notice Posts a job to a pool with `n * pricePerNode` in escrow (ETH as msg.value, or an
    ///         allow-listed ERC-20 pulled with a balance check that refuses fee-on-transfer shortfalls).
    /// @dev Emits JobPosted and JobSpec. Reverts when paused, on an impossible (strategy, n), a
    ///      directed node list that is not n distinct members, bad windows or runtime.
    function postJob(JobRequest calldata request) external payable returns (uint256 jobId);

    /// @notice Posts many jobs at once; msg.value must equal the sum of the ETH jobs' escrows.
    /// @return firstJobId the id of the first job; the others follow consecutively
    function postJobs(JobRequest[] calldata requests) external payable returns (uint256 firstJobId);

    /// @notice The requester cancels a job in which no slot was taken: full refund (credited). Emits JobCancelled, JobRefunded.
    function cancel(uint256 jobId) external;

    /// @notice The requester adds escrow to an open job: its price per node rises by `addPerNode`
    ///         and `n * addPerNode` of the job's token is collected from the caller (ETH as exactly
    ///         that msg.value; an ERC-20 pulled with the same balance check as posting, so a
    ///         fee-on-transfer shortfall is refused). Raising the price only ever helps nodes: every
    ///         invoice cap rises, and a winner who invoiced 0 (the full price) is paid the new price;
    ///         a winner who invoiced an amount is paid that amount, and the rest is refunded at
    ///         settlement like any unpaid escrow. Cancel, expiry and settlement refunds all follow
    ///         the new price, as they derive every amount from the stored `n * pricePerNode`.
    /// @dev Requirements: the caller is the job's requester; the job is open, not yet decided (some
    ///      outcome could still change: a slot can still be taken or a taken slot has not answered)
    ///      and its reveal deadline has not passed; `addPerNode` is not 0; the new escrow
    ///      `n * (pricePerNode + addPerNode)` fits uint96; new posts are not paused; an ERC-20 is
    ///      still allow-listed (a delisted token takes no new escrow). Emits JobToppedUp.
    ///      Reverts: JobMarketUnknownJob, JobMarketJobNotOpen, JobMarketNotRequester,
    ///      JobMarketZeroTopUp, JobMarketRevealClosed, JobMarketAlreadyDecided,
    ///      JobMarketEscrowTooLarge, JobMarketTokenNotAllowed, JobMarketWrongValue,
    ///      JobMarketTokenShortfall, EnforcedPause.
    function topUpJob(uint256 jobId, uint96 addPerNode) external payable;

    // ───────────────────────────── nodes, node-sent ─────────────────────────────

    /// @notice Takes a slot (basic and standard levels), locking the job's collateral from the
    ///         node's bond. Sender: the node's owner or signer. Emits SlotTaken.
    function takeSlot(uint256 jobId, uint64 nodeId) external;

    /// @notice Reports a result (basic and standard levels), taking the slot first if the node has
    ///         none yet. Sender: the node's owner or signer. Emits ResultReported (and SlotTaken);
    ///         settles the job when this is the last outstanding result.
    function report(
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        uint96 invoice,
        string calldata resultURI
    ) external;

    /// @notice Commits a seal and takes a slot in the same call (strict and cryptographic).
    ///         Sender: the node's owner or signer. Emits SlotTaken, ResultCommitted.
    function commit(uint256 jobId, uint64 nodeId, bytes32 seal) external;

    /// @notice Reveals the committed result in `slot`, once every slot committed or the commit
    ///         deadline passed, until the reveal deadline. Anyone may send it: the preimage
    ///         authenticates itself. Emits ResultRevealed; settles after the last outstanding reveal.
    function reveal(uint256 jobId, uint8 slot, Reveal calldata r) external;

    // ───────────────────────────── carried, signed, batched ─────────────────────────────

    /// @notice Takes slots with commits signed (EIP-712 `Commit`) by each node's signer.
    function commitSigned(SignedCommit[] calldata commits) external;

    /// @notice Reports results signed (EIP-712 `Report`) by each node's signer (basic, standard).
    function reportSigned(SignedReport[] calldata reports) external;

    /// @notice Reveals many committed results, for one or many jobs.
    function revealBatch(RevealItem[] calldata items) external;

    /// @notice Decides whole jobs in one transaction: for each job, all n nodes' reveal
    ///         preimages with their signers' signatures over the `Commit` of the seal recomputed
    ///         from each preimage. Nothing per node is stored. Works at every level.
    /// @dev SECURITY: copy protection rests on each node releasing its preimage only after it
    ///      holds all n signed commits (its own seal is then fixed before anyone sees its digest).
    ///      The job must have no slot taken yet and its commit deadline not passed.
    function submitBatch(JobSubmission[] calldata jobs) external;

    // ───────────────────────────── settlement, payments ─────────────────────────────

    /// @notice Settles a job whose outcome is decided (every taken slot revealed and no more can be
    ///         taken), or any open job after its reveal deadline, or expires one nobody took.
    ///         Anyone may call it. Emits ConsensusReached?, JobSettled (or JobExpired), credits.
    function settle(uint256 jobId) external;

    /// @notice Pays the caller's withdrawable balance of `token` (address(0) = ETH). Emits Withdrawn.
    function withdraw(address token) external returns (uint256 amount);

    // ───────────────────────────── disputes ─────────────────────────────

    /// @notice The requester or a participant's owner/signer disputes a settlement within its
    ///         challenge window, with the ETH deposit and an evidence URI. Extends the hold on
    ///         the winners' and the treasury's held payouts to the dispute's deadline.
    function raiseDispute(
        uint256 jobId,
        SettlementRecord calldata record,
        string calldata evidenceURI
    ) external payable;

    /// @notice The dispute's arbiter rules before the dispute deadline. Uphold: the deposit is
    ///         split among the winners. Overturn: the winners' held payouts and the fee go back to
    ///         the requester, each winner loses up to `collateralPerNode` of free bond to the
    ///         requester and records DisputeLost, and the deposit is returned.
    function rule(uint256 jobId, bool uphold, SettlementRecord calldata record) external;

    /// @notice After the dispute deadline anyone finalizes an unruled dispute: the verdict stands
    ///         (upheld by default) and the deposit is returned to the disputer.
    function finalizeDispute(uint256 jobId) external;

    // ───────────────────────────── views ─────────────────────────────

    function job(uint256 jobId) external view returns (JobView memory);
    function slotOf(uint256 jobId, uint8 slot) external view returns (SlotView memory);
    /// @notice What `account` can withdraw of `token` now.
    function balanceOf(address account, address token) external view returns (uint256);
    /// @notice `account`'s balance of `token`: available, held (not yet withdrawable) and until when.
    function balanceDetails(
        address account,
        address token
    ) external view returns (uint256 available, uint256 held, uint32 heldUntil);
    function disputeOf(uint256 jobId) external view returns (Dispute memory);
    /// @notice The seal a node must commit for a result (same formula as the contract checks).
    function computeSeal(
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        string calldata resultURI,
        uint96 invoice,
        bytes32 salt
    ) external view returns (bytes32);
    function domainSeparator() external view returns (bytes32);
}
