// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Every deadline here (commit and reveal windows, challenge windows, payout holds, dispute periods)
// is minutes to days long and compared with block.timestamp: a validator's few seconds of skew
// cannot move any outcome meaningfully, and no randomness is drawn from time.
/* solhint-disable not-rely-on-time */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IJobMarketEvents} from "./interfaces/IJobMarket.sol";
import {INodeCollateral} from "./interfaces/INodeCollateral.sol";
import {ConsensusStrategy, VerificationLevel, Outcome, PoolPolicy} from "./types/Policy.sol";
import {
    Job,
    JobStatus,
    JobRequest,
    Reveal,
    JobSubmission,
    NodeSubmission,
    SettlementRecord,
    Dispute
} from "./types/Job.sol";
import {Consensus} from "./libraries/Consensus.sol";
import {SlotRecord, JobTerms} from "./libraries/SlotRecord.sol";
import {JobMessages} from "./libraries/JobMessages.sol";
import {NodeAccounts} from "./libraries/NodeAccounts.sol";
import {PoolStorage} from "./libraries/PoolStorage.sol";

/// @title Storage and shared logic of the Sandrun job market
/// @notice JobMarket (the entry point) and JobMarketExtension (the rarely used or heavy paths it
///         delegatecalls) both inherit this contract, so they share one storage layout: the split
///         exists only to keep each contract under the 24 KiB code-size limit.
/// @dev Money conservation: for every token, the market's balance equals the escrow of open
///      jobs (n * pricePerNode each) + every account's available and held balances + open dispute
///      deposits (ETH). Settlement moves escrow into balances wei for wei; a top-up raises
///      pricePerNode by exactly what it collects divided by n; slashed collateral arrives from
///      the node registry and is credited in the same call.
///      Slashed collateral is split: half (rounded down) shared equally among the winners' owners,
///      the rest (including rounding dust) to the requester; all to the requester when nobody won.
abstract contract JobMarketBase is IJobMarketEvents, Ownable2Step, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;
    using SlotRecord for uint256;

    /// @notice Highest protocol fee: 10%.
    uint16 public constant MAX_FEE_BPS = 1000;
    /// @dev JobMarketSettlement's `settleDecided(uint256,uint256,uint256)` (reachable only by delegatecall).
    bytes4 internal constant SETTLE_SELECTOR = bytes4(keccak256("settleDecided(uint256,uint256,uint256)"));
    /// @dev `_onDecided`'s `lastSlot` when the deciding step stored its slot word itself.
    uint256 internal constant STORED = type(uint256).max;
    /// @notice Longest commit or reveal window a job may ask for.
    uint32 public constant MAX_WINDOW = 365 days;

    /// @notice A node's per-token balance: one storage word.
    struct Balance {
        uint128 available;
        uint96 held; // credited, withdrawable once heldUntil has passed
        uint32 heldUntil;
    }

    /// @dev A taken slot during settlement.
    struct SlotInfo {
        uint64 nodeId;
        bytes20 digest;
        bool revealed;
        uint96 invoice; // 0 = full price
    }

    /// @dev What settlement needs to know about a job.
    struct Ctx {
        uint256 jobId;
        uint8 n;
        ConsensusStrategy strategy;
        VerificationLevel level;
        address requester;
        uint96 collateral;
        address token;
        uint96 price;
    }

    INodeCollateral public immutable nodeRegistry;

    /// @dev Job flag: the job names its nodes.
    uint8 internal constant DIRECTED = 1;
    /// @dev Job flag: slot 1 (token, runtime, poolIdHigh) was written.
    uint8 internal constant EXTRA = 2;
    /// @dev Where in its row an open job keeps its terms (requester | pricePerNode): past any slot
    ///      index (n <= 16), and in a recycled row a non-zero word, so posting rewrites it for
    ///      5,000 gas instead of creating a word for 22,100.
    uint256 internal constant TERMS = 255;
    /// @dev The settlement hash's bits kept in a finished job's word (the low byte holds the status).
    uint256 internal constant HASH_BITS = ~uint256(0xff);

    // One word, read by every settlement: treasury | feeBps | challengeWindow.
    address internal _treasury;
    uint16 internal _feeBps;
    uint32 internal _challengeWindow;
    // One word, read and written by every post: lastJobId | paused | disputePeriod | disputeDeposit
    // | spareRow. The spare row shares the post's word: posting takes it for no extra read or write,
    // and the settlement that offers it pays one read (2,100) where posting saves 5,000.
    uint64 internal _lastJobId;
    bool internal _paused;
    uint32 internal _disputePeriod;
    uint96 internal _disputeDeposit;
    // The row (terms and slot words) of the last settled (or cancelled) job, waiting for the next
    // job posted (see `_cells`); 0 = none. A job ending while one is waiting deletes its own words
    // instead (refunds).
    uint32 internal _spareRow;
    address internal _arbiter;

    mapping(uint256 jobId => Job) internal _jobs;
    mapping(uint256 jobId => mapping(uint256 slot => uint256 record)) internal _slots;
    mapping(uint256 jobId => mapping(uint256 slot => uint96 invoice)) internal _invoices;
    mapping(address account => mapping(address token => Balance)) internal _balances;
    mapping(address token => bool) internal _allowedTokens;
    mapping(uint256 jobId => Dispute) internal _disputes;

    constructor(INodeCollateral nodes_, address owner_) Ownable(owner_) EIP712("Sandrun JobMarket", "1") {
        if (address(nodes_) == address(0)) revert JobMarketZeroAddress();
        nodeRegistry = nodes_;
    }

    /// @notice New posts are stopped (OpenZeppelin Pausable's names; nothing else is ever paused).
    event Paused(address account);
    event Unpaused(address account);
    error EnforcedPause();
    error ExpectedPause();

    /// @notice A payable module function was called on the module itself, not through JobMarket.
    error JobMarketDirectCall();

    /// @dev This contract's own address: equal to address(this) only when called directly, never
    ///      under JobMarket's delegatecall. Modules refuse direct payable calls, so no ETH can get
    ///      stuck in a module.
    address private immutable _self = address(this);

    modifier onlyDelegated() {
        if (address(this) == _self) revert JobMarketDirectCall();
        _;
    }

    modifier whenNotPaused() {
        if (_paused) revert EnforcedPause();
        _;
    }

    modifier onlyNodeRegistry() {
        if (msg.sender != address(nodeRegistry)) revert JobMarketCallerNotNodeRegistry(msg.sender);
        _;
    }

    /// @dev Called when a node step leaves the job decided: settles it (directly, or through the
    ///      settlement module). The deciding reveal does not store its slot word (settlement would
    ///      only read it back): it passes it as `lastRecord` for slot `lastSlot` (STORED = none).
    function _onDecided(uint256 jobId, Job storage j, uint256 lastSlot, uint256 lastRecord) internal virtual;

    /// @dev Runs `settleDecided` of the settlement module on this contract's storage, bubbling any revert.
    function _delegateSettle(address module, uint256 jobId, uint256 lastSlot, uint256 lastRecord) internal {
        // The settlement module is this market's own code, run on this storage: delegatecall is the design.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory data) = module.delegatecall(
            abi.encodeWithSelector(SETTLE_SELECTOR, jobId, lastSlot, lastRecord)
        );
        if (!ok) {
            // Re-throws the module's revert data verbatim (custom errors included).
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(data, 32), mload(data))
            }
        }
    }

    // ═════════════════════════════ posting ═════════════════════════════

    function _post(JobRequest calldata r) internal returns (uint256 jobId, uint256 escrow) {
        PoolPolicy memory policy = PoolStorage.policyOf(r.poolId);
        ConsensusStrategy strategy = policy.strategy;
        uint256 n = r.redundancy;
        if (r.strategy != type(uint8).max) {
            if (r.strategy > uint8(type(ConsensusStrategy).max)) revert JobMarketUnknownStrategy(r.strategy);
            strategy = ConsensusStrategy(r.strategy);
            if (n == 0) n = Consensus.naturalRedundancy(strategy);
        } else if (n == 0) {
            n = policy.redundancy != 0 ? policy.redundancy : Consensus.naturalRedundancy(strategy);
        }
        if (!Consensus.isConsistent(strategy, n)) revert JobMarketInconsistentRedundancy(strategy, n);
        if (strategy == ConsensusStrategy.ProofOfStakeWeighted && r.collateralPerNode == 0) {
            revert JobMarketStakeRequired(strategy);
        }
        if (r.poolId > type(uint32).max) revert JobMarketPoolIdTooLarge(r.poolId);
        if (r.collateralPerNode > type(uint72).max) {
            revert JobMarketCollateralTooLarge(r.collateralPerNode, type(uint72).max);
        }
        // Every amount derived from the escrow (payouts, fee, refunds) then fits the uint96 balances.
        escrow = n * r.pricePerNode;
        if (escrow > type(uint96).max) revert JobMarketEscrowTooLarge(escrow);
        if (r.runtime > 2) revert JobMarketBadRuntime(r.runtime);
        if (
            r.commitWindow == 0 ||
            r.revealWindow == 0 ||
            r.commitWindow > MAX_WINDOW ||
            r.revealWindow > MAX_WINDOW
        ) {
            revert JobMarketBadWindows(r.commitWindow, r.revealWindow);
        }
        if (r.token != address(0) && !_allowedTokens[r.token]) revert JobMarketTokenNotAllowed(r.token);

        unchecked {
            jobId = ++_lastJobId; // 2^64 jobs would cost more gas than exists
        }
        bool directed = r.nodes.length != 0;
        Job storage j = _jobs[jobId];
        // The row is taken now, for the terms; slot words follow in it (a directed job's now).
        mapping(uint256 => uint256) storage cells = _claimRow(jobId, j);
        if (directed) _assign(cells, r.poolId, n, r.nodes);
        cells[TERMS] = uint256(JobTerms.pack(msg.sender, r.pricePerNode));

        uint32 commitDeadline = uint32(block.timestamp) + r.commitWindow;
        uint32 revealDeadline = commitDeadline + r.revealWindow;
        j.status = JobStatus.Open;
        j.n = uint8(n);
        j.strategy = strategy;
        j.level = policy.verification;
        uint8 flags = directed ? DIRECTED : 0;
        j.commitDeadline = commitDeadline;
        j.revealDeadline = revealDeadline;
        j.poolId = uint24(r.poolId); // bits 24-31 in slot 1 (the id was checked to fit 32 bits)
        j.collateralPerNode = uint72(r.collateralPerNode);
        // An ETH job of runtime 0 in one of the first 2^24 pools leaves slot 1 untouched (and
        // settlement then never reads it).
        if (r.token != address(0) || r.runtime != 0 || r.poolId > type(uint24).max) {
            j.token = r.token;
            j.runtime = r.runtime;
            j.poolIdHigh = uint8(r.poolId >> 24);
            flags |= EXTRA;
        }
        j.flags = flags;
        if (policy.verification == VerificationLevel.Cryptographic) j.specHash = r.specHash;
        _emitPosted(
            jobId,
            r,
            Posted(uint8(n), strategy, policy.verification, commitDeadline, revealDeadline)
        );
    }

    /// @dev What JobPosted needs besides the request, passed in memory (no storage re-reads, no deep stack).
    struct Posted {
        uint8 n;
        ConsensusStrategy strategy;
        VerificationLevel level;
        uint32 commitDeadline;
        uint32 revealDeadline;
    }

    function _emitPosted(uint256 jobId, JobRequest calldata r, Posted memory p) internal {
        emit JobPosted(
            jobId,
            r.poolId,
            msg.sender,
            r.token,
            r.pricePerNode,
            r.collateralPerNode,
            p.n,
            p.strategy,
            p.level,
            p.commitDeadline,
            p.revealDeadline,
            r.specHash
        );
        emit JobSpec(jobId, r.runtime, r.resources, r.nodes, r.specURI, r.inlineSpec, r.encryptionKey);
    }

    /// @dev Directed job: exactly n distinct members, fixed now; later membership changes do not matter.
    function _assign(
        mapping(uint256 => uint256) storage cells,
        uint64 poolId,
        uint256 n,
        uint64[] calldata nodes
    ) internal {
        if (nodes.length != n) revert JobMarketDirectedNodeCount(n, nodes.length);
        for (uint256 i; i < n; ++i) {
            uint64 nodeId = nodes[i];
            for (uint256 k; k < i; ++k) if (nodes[k] == nodeId) revert JobMarketDuplicateNode(nodeId);
            if (!PoolStorage.isMember(poolId, nodeId)) revert JobMarketNotPoolMember(poolId, nodeId);
            cells[i] = SlotRecord.pack(nodeId, 0, 0);
        }
    }

    // ═════════════════════════════ slot storage rows ═════════════════════════════
    //
    // A job's terms and slot words live in a "row" `_slots[row]`: its own (`row` = its id) or, when
    // a finished job left one spare, that job's. A job ending leaves its words in place (no refund)
    // and offers the row (or, when a row is already waiting, deletes them); the next job posted
    // takes it, so its terms and slot writes turn non-zero words into non-zero words. A row is used by one job at a time: it is offered only
    // by a job that will never read it again (settled, cancelled or expired, its slots already
    // loaded) and taken by exactly one job (`_spareRow` is cleared). Stale words from earlier jobs
    // are never read: every read is bounded by the job's taken slots (open jobs take slots in
    // order) or, for a directed job, by its n slots, all written when it was posted; views show
    // slots of open jobs only.

    /// @dev The job's slot words.
    function _cells(
        uint256 jobId,
        Job storage j
    ) internal view returns (mapping(uint256 => uint256) storage) {
        uint256 row = j.row;
        return _slots[row == 0 ? jobId : row];
    }

    /// @dev At posting, before the job's terms are written: takes the spare row, if any.
    function _claimRow(uint256 jobId, Job storage j) internal returns (mapping(uint256 => uint256) storage) {
        uint32 spare = _spareRow;
        if (spare == 0) return _slots[jobId];
        _spareRow = 0;
        j.row = spare;
        return _slots[spare];
    }

    /// @dev Once a job that wrote its terms and its first `words` slot words is done with them:
    ///      offers its row to the next job or, when a row is already waiting (or the row's number
    ///      does not fit 32 bits), deletes the words for the refunds: one spare row is all the
    ///      next job can use.
    function _offerRow(uint256 jobId, Job storage j, uint256 words) internal {
        uint256 row = j.row;
        if (row == 0) row = jobId;
        if (_spareRow == 0 && row <= type(uint32).max) {
            _spareRow = uint32(row);
        } else {
            mapping(uint256 => uint256) storage cells = _slots[row];
            for (uint256 i; i < words; ++i) delete cells[i];
            delete cells[TERMS];
        }
    }

    /// @dev An open job's terms: requester | pricePerNode (see JobTerms).
    function _terms(uint256 jobId, Job storage j) internal view returns (bytes32) {
        return bytes32(_cells(jobId, j)[TERMS]);
    }

    /// @dev Takes `escrow` of `token` from the caller: ETH must match msg.value exactly; an ERC-20
    ///      must arrive in full (a fee-on-transfer token is refused, not silently under-escrowed).
    function _collect(address token, uint256 escrow, uint256 value) internal {
        if (token == address(0)) {
            if (value != escrow) revert JobMarketWrongValue(escrow, value);
            return;
        }
        if (value != 0) revert JobMarketWrongValue(0, value);
        if (escrow == 0) return;
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), escrow);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != escrow) revert JobMarketTokenShortfall(token, escrow, received);
    }

    // ═════════════════════════════ internals: slots and results ═════════════════════════════

    function _openJob(uint256 jobId) internal view returns (Job storage j) {
        j = _jobs[jobId];
        if (j.status != JobStatus.Open) {
            if (j.status == JobStatus.None) revert JobMarketUnknownJob(jobId);
            revert JobMarketJobNotOpen(jobId, uint8(j.status));
        }
    }

    /// @dev Takes a slot for `nodeId` and locks its collateral in the node's ledger (NodeAccounts,
    ///      this contract's storage). The caller authenticates the node with the owner/signer
    ///      returned (a revert undoes the lock).
    /// @dev `actor`: who sent a node-sent step (the signer is not asked for when it is the owner),
    ///      or address(0) for a carried step, whose signature needs the signer.
    function _take(
        uint256 jobId,
        Job storage j,
        uint64 nodeId,
        bytes20 value,
        uint256 flags,
        address actor
    ) internal returns (uint8 slot, address owner, address signer) {
        if (block.timestamp > j.commitDeadline) revert JobMarketCommitClosed(jobId, j.commitDeadline);
        uint8 n = j.n;
        uint8 taken = j.taken;
        if (taken >= n) revert JobMarketSlotsFull(jobId, n);
        uint16 jobFlags = j.flags;
        slot = _findFreeSlot(jobId, j, nodeId, taken, n, jobFlags);
        owner = NodeAccounts.lock(nodeId, j.collateralPerNode, true);
        signer = _signerUnless(nodeId, owner, actor);
        _cells(jobId, j)[slot] = SlotRecord.pack(nodeId, value, flags);
        unchecked {
            j.taken = taken + 1; // taken < n <= 16
        }
        if (jobFlags & DIRECTED == 0) j.flags = jobFlags | _takerBit(nodeId);
    }

    /// @dev The node's bit in a job's takers' filter: job flags bits 2-15, where each node holding
    ///      a slot of an open job sets its bit. A slot-taking step scans the job's earlier slot
    ///      words for a repeat only when its node's bit is already set (a repeat, or another node
    ///      sharing the bit); otherwise the node certainly holds no slot, and each earlier word it
    ///      would have read (2,100 gas, cold) stays unread.
    function _takerBit(uint64 nodeId) internal pure returns (uint16) {
        return uint16(1 << (2 + (nodeId % 14)));
    }

    /// @dev The job's pool id (its bits 24-31 are in slot 1, written only when not all zero).
    function _poolOf(Job storage j) internal view returns (uint32) {
        uint32 low = j.poolId;
        return j.flags & EXTRA != 0 ? low | (uint32(j.poolIdHigh) << 24) : low;
    }

    /// @dev Directed: the node's assigned slot. Open: the next slot, if the node holds none and is a member now.
    function _findFreeSlot(
        uint256 jobId,
        Job storage j,
        uint64 nodeId,
        uint8 taken,
        uint8 n,
        uint16 jobFlags
    ) internal view returns (uint8) {
        mapping(uint256 => uint256) storage slots = _cells(jobId, j);
        if (jobFlags & DIRECTED != 0) {
            for (uint8 i; i < n; ++i) {
                uint256 rec = slots[i];
                if (rec.nodeId() == nodeId) {
                    if (rec.has(SlotRecord.TAKEN)) revert JobMarketAlreadyTaken(jobId, nodeId);
                    return i;
                }
            }
            revert JobMarketNotAssigned(jobId, nodeId);
        }
        if (jobFlags & _takerBit(nodeId) != 0) {
            for (uint8 i; i < taken; ++i) {
                if (slots[i].nodeId() == nodeId) revert JobMarketAlreadyTaken(jobId, nodeId);
            }
        }
        uint32 poolId = _poolOf(j);
        if (!PoolStorage.isMember(poolId, nodeId)) revert JobMarketNotPoolMember(poolId, nodeId);
        return taken;
    }

    /// @dev The node's slot, if it has one (directed: its assigned one, taken or not).
    function _findSlot(
        uint256 jobId,
        Job storage j,
        uint64 nodeId
    ) internal view returns (bool found, uint8 slot) {
        uint16 jobFlags = j.flags;
        bool directed = jobFlags & DIRECTED != 0;
        // An open job's node whose filter bit is clear holds no slot (see _takerBit).
        if (!directed && jobFlags & _takerBit(nodeId) == 0) return (false, 0);
        uint8 end = directed ? j.n : j.taken;
        mapping(uint256 => uint256) storage slots = _cells(jobId, j);
        for (uint8 i; i < end; ++i) {
            uint256 rec = slots[i];
            if (rec.nodeId() == nodeId && rec.has(SlotRecord.TAKEN)) return (true, i);
        }
        return (false, 0);
    }

    /// @dev A result at the basic/standard level, node-sent (empty signature) or signed.
    function _report(
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        uint96 invoice,
        string calldata resultURI,
        bytes memory signature
    ) internal {
        Job storage j = _openJob(jobId);
        if (j.level >= VerificationLevel.Strict) revert JobMarketWrongLevel(jobId, j.level);
        if (block.timestamp > j.revealDeadline) revert JobMarketRevealClosed(jobId, j.revealDeadline);
        // Node-sent: the owner is authenticated from its account; signed: the account gives the signer.
        (uint8 slot, address owner, address signer) = _reportSlot(
            jobId,
            j,
            nodeId,
            digest,
            invoice,
            signature.length == 0 ? msg.sender : address(0)
        );
        if (signature.length == 0) {
            _requireNodeAccount(nodeId, owner, signer);
        } else {
            bytes32 h = JobMessages.reportHash(jobId, nodeId, digest, keccak256(bytes(resultURI)), invoice);
            _requireSignature(signer, h, signature, jobId, nodeId);
        }
        emit ResultReported(jobId, nodeId, slot, digest, invoice, resultURI);
        uint8 revealed = j.revealed + 1;
        j.revealed = revealed;
        if (_decided(j, j.taken, revealed)) _onDecided(jobId, j, STORED, 0);
    }

    /// @dev Records a reported digest in the node's slot, taking the slot when it has none.
    function _reportSlot(
        uint256 jobId,
        Job storage j,
        uint64 nodeId,
        bytes32 digest,
        uint96 invoice,
        address actor
    ) internal returns (uint8 slot, address owner, address signer) {
        uint256 flags = SlotRecord.TAKEN | SlotRecord.REVEALED;
        if (invoice != 0) {
            _checkInvoice(invoice, JobTerms.pricePerNode(_terms(jobId, j)));
            flags |= SlotRecord.INVOICED;
        }
        bool found;
        (found, slot) = _findSlot(jobId, j, nodeId);
        if (found) {
            mapping(uint256 => uint256) storage cells = _cells(jobId, j);
            if (cells[slot].has(SlotRecord.REVEALED)) revert JobMarketAlreadyRevealed(jobId, slot);
            owner = NodeAccounts.ownerOf(nodeId);
            signer = _signerUnless(nodeId, owner, actor);
            cells[slot] = SlotRecord.pack(nodeId, SlotRecord.truncate(digest), flags);
        } else {
            (slot, owner, signer) = _take(jobId, j, nodeId, SlotRecord.truncate(digest), flags, actor);
        }
        if (invoice != 0) _invoices[jobId][slot] = invoice;
    }

    function _reveal(uint256 jobId, uint8 slot, Reveal calldata r) internal {
        Job storage j = _openJob(jobId);
        if (j.level < VerificationLevel.Strict) revert JobMarketWrongLevel(jobId, j.level);
        uint8 taken = j.taken;
        if (taken < j.n && block.timestamp <= j.commitDeadline) {
            revert JobMarketRevealNotOpen(jobId, taken, j.commitDeadline);
        }
        if (block.timestamp > j.revealDeadline) revert JobMarketRevealClosed(jobId, j.revealDeadline);
        // Only this job's slot words (a recycled row holds an earlier job's beyond them).
        if (slot >= (j.flags & DIRECTED != 0 ? j.n : taken)) revert JobMarketSlotNotCommitted(jobId, slot);
        mapping(uint256 => uint256) storage cells = _cells(jobId, j);
        uint256 rec = cells[slot];
        if (!rec.has(SlotRecord.COMMITTED)) revert JobMarketSlotNotCommitted(jobId, slot);
        if (rec.has(SlotRecord.REVEALED)) revert JobMarketAlreadyRevealed(jobId, slot);
        uint64 nodeId = rec.nodeId();
        bytes32 uriHash = keccak256(bytes(r.resultURI));
        bytes32 seal = JobMessages.seal(address(this), jobId, nodeId, r.digest, uriHash, r.invoice, r.salt);
        if (SlotRecord.truncate(seal) != rec.value()) revert JobMarketSealMismatch(jobId, slot);
        uint256 flags = SlotRecord.TAKEN | SlotRecord.COMMITTED | SlotRecord.REVEALED;
        if (r.invoice != 0) {
            _checkInvoice(r.invoice, JobTerms.pricePerNode(_terms(jobId, j)));
            _invoices[jobId][slot] = r.invoice;
            flags |= SlotRecord.INVOICED;
        }
        if (j.level == VerificationLevel.Cryptographic) {
            _checkReceipt(jobId, j, nodeId, NodeAccounts.signerOf(nodeId), r, uriHash);
        }
        flags = SlotRecord.pack(nodeId, SlotRecord.truncate(r.digest), flags); // the new slot word
        uint8 revealed = j.revealed + 1;
        j.revealed = revealed;
        emit ResultRevealed(jobId, nodeId, slot, r.digest, r.invoice, r.resultURI);
        if (revealed == taken) {
            _onDecided(jobId, j, slot, flags); // settles now: the word is never stored
        } else {
            cells[slot] = flags;
        }
    }

    /// @dev Whether nothing more can change the outcome: no slot can still be taken and every taken slot answered.
    function _decided(Job storage j, uint8 taken, uint8 revealed) internal view returns (bool) {
        return revealed == taken && (taken == j.n || block.timestamp > j.commitDeadline);
    }

    function _checkInvoice(uint96 invoice, uint96 price) internal pure {
        if (invoice > price) revert JobMarketInvoiceTooHigh(invoice, price);
    }

    function _checkReceipt(
        uint256 jobId,
        Job storage j,
        uint64 nodeId,
        address signer,
        Reveal calldata r,
        bytes32 uriHash
    ) internal {
        bytes32 h = JobMessages.receiptHash(jobId, j.specHash, j.runtime, r.digest, uriHash, r.usage);
        if (!_validSignature(signer, _hashTypedDataV4(h), r.receiptSignature)) {
            revert JobMarketInvalidReceipt(jobId, nodeId, signer);
        }
        emit ReceiptSubmitted(
            jobId,
            nodeId,
            r.usage.wallMs,
            r.usage.cpuMs,
            r.usage.peakMemory,
            r.receiptSignature
        );
    }

    /// @dev The node's signer (its account's copy of the registry's), unless `actor` is the owner:
    ///      the owner acting needs no signer, and the read is saved (address(0) comes back).
    function _signerUnless(uint64 nodeId, address owner, address actor) internal view returns (address) {
        return actor == owner ? address(0) : NodeAccounts.signerOf(nodeId);
    }

    function _requireNodeAccount(uint64 nodeId, address owner, address signer) internal view {
        if (msg.sender != owner && msg.sender != signer) revert JobMarketNotNodeAccount(nodeId, msg.sender);
    }

    function _requireSignature(
        address signer,
        bytes32 structHash,
        bytes memory signature,
        uint256 jobId,
        uint64 nodeId
    ) internal view {
        if (!_validSignature(signer, _hashTypedDataV4(structHash), signature)) {
            revert JobMarketInvalidSignature(jobId, nodeId, signer);
        }
    }

    /// @dev SignatureChecker's rule with ECDSA tried first, so an EOA signer costs no EXTCODESIZE of
    ///      a cold account; ERC-1271 for contract signers otherwise. Accepts exactly what
    ///      `SignatureChecker.isValidSignatureNow` accepts, except that a contract account whose own
    ///      key signs (an EIP-7702 account) is also accepted by ECDSA, as it is that key's signature.
    function _validSignature(
        address signer,
        bytes32 digest,
        bytes memory signature
    ) internal view returns (bool) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }

    /// @dev One job decided in one transaction; no per-node storage is written.
    function _submitJob(JobSubmission calldata s) internal {
        uint256 jobId = s.jobId;
        Job storage j = _openJob(jobId);
        uint8 n = j.n;
        if (j.taken != 0) revert JobMarketBatchNotFresh(jobId, j.taken);
        if (s.nodes.length != n) revert JobMarketBatchIncomplete(jobId, n, s.nodes.length);
        if (block.timestamp > j.commitDeadline) revert JobMarketCommitClosed(jobId, j.commitDeadline);
        Ctx memory c = _ctx(jobId, j);
        SlotInfo[] memory slots = new SlotInfo[](n);
        bool directed = j.flags & DIRECTED != 0;
        mapping(uint256 => uint256) storage cells = _cells(jobId, j);
        NodeSubmission[] calldata subs = s.nodes; // validated once, not per access
        uint32 poolId = _poolOf(j);
        uint64[] memory ids = new uint64[](n);
        for (uint256 i; i < n; ++i) {
            uint64 nodeId = subs[i].nodeId;
            if (directed) {
                if (cells[i].nodeId() != nodeId) revert JobMarketNotAssigned(jobId, nodeId);
            } else {
                for (uint256 k; k < i; ++k) if (ids[k] == nodeId) revert JobMarketDuplicateNode(nodeId);
                if (!PoolStorage.isMember(poolId, nodeId)) revert JobMarketNotPoolMember(poolId, nodeId);
            }
            ids[i] = nodeId;
        }
        // Its terms (read into c) and a directed job's assignments (read above) are all it wrote.
        _offerRow(jobId, j, directed ? n : 0);
        // Locks all n (no per-node event: settlement below releases or slashes every lock, and
        // JobSettled names each node), then checks each node's signature by its account's signer.
        for (uint256 i; i < n; ++i) NodeAccounts.lock(ids[i], c.collateral, false);
        for (uint256 i; i < n; ++i) {
            slots[i] = _verifySubmission(c, j, subs[i], NodeAccounts.signerOf(ids[i]), uint8(i));
        }
        _finish(c, j, slots);
    }

    /// @dev Each access to a member of a nested calldata struct re-validates its offsets, so every
    ///      field is read once into a local.
    function _verifySubmission(
        Ctx memory c,
        Job storage j,
        NodeSubmission calldata ns,
        address signer,
        uint8 slot
    ) internal returns (SlotInfo memory info) {
        uint64 nodeId = ns.nodeId;
        Reveal calldata r = ns.reveal;
        bytes32 digest = r.digest;
        uint96 invoice = r.invoice;
        bytes32 uriHash = keccak256(bytes(r.resultURI));
        bytes32 seal = JobMessages.seal(address(this), c.jobId, nodeId, digest, uriHash, invoice, r.salt);
        _requireSignature(
            signer,
            JobMessages.commitHash(c.jobId, nodeId, seal),
            ns.commitSignature,
            c.jobId,
            nodeId
        );
        if (invoice != 0) _checkInvoice(invoice, c.price);
        if (c.level == VerificationLevel.Cryptographic) _checkReceipt(c.jobId, j, nodeId, signer, r, uriHash);
        emit ResultRevealed(c.jobId, nodeId, slot, digest, invoice, r.resultURI);
        info = SlotInfo(nodeId, SlotRecord.truncate(digest), true, invoice);
    }

    // ═════════════════════════════ internals: settlement ═════════════════════════════

    /// @dev The job's payment token, reading slot 2 only when it was written.
    function _tokenOf(Job storage j) internal view returns (address) {
        return j.flags & EXTRA != 0 ? j.token : address(0);
    }

    function _ctx(uint256 jobId, Job storage j) internal view returns (Ctx memory c) {
        bytes32 terms = _terms(jobId, j);
        c = Ctx(
            jobId,
            j.n,
            j.strategy,
            j.level,
            JobTerms.requester(terms),
            j.collateralPerNode,
            _tokenOf(j),
            JobTerms.pricePerNode(terms)
        );
    }

    /// @dev Loads the taken slots (slot `lastSlot`'s word from `lastRecord`, unless STORED), offers
    ///      their row to the next job, then settles.
    function _settleStored(uint256 jobId, Job storage j, uint256 lastSlot, uint256 lastRecord) internal {
        Ctx memory c = _ctx(jobId, j);
        uint256 end = j.flags & DIRECTED != 0 ? c.n : j.taken;
        SlotInfo[] memory slots = new SlotInfo[](j.taken);
        uint256 k;
        mapping(uint256 => uint256) storage records = _cells(jobId, j);
        for (uint256 i; i < end; ++i) {
            uint256 rec = i == lastSlot ? lastRecord : records[i];
            if (rec.has(SlotRecord.TAKEN)) {
                bool revealed = rec.has(SlotRecord.REVEALED);
                uint96 invoice;
                if (rec.has(SlotRecord.INVOICED)) {
                    invoice = _invoices[jobId][i];
                    delete _invoices[jobId][i];
                }
                slots[k++] = SlotInfo(rec.nodeId(), revealed ? rec.value() : bytes20(0), revealed, invoice);
            }
        }
        // The slot words stay (no refund) if offered: the next job rewrites them for 5,000 instead of 22,100 each.
        _offerRow(jobId, j, end);
        _finish(c, j, slots);
    }

    /// @dev Tallies, pays winners, slashes or releases the rest, refunds the requester, and clears the job.
    function _finish(Ctx memory c, Job storage j, SlotInfo[] memory slots) internal {
        (bool reached, bytes20 winner, uint256 agree) = _tally(c, slots);
        // Effects on the job first: nothing below can re-enter a job that is no longer open.
        _clearJob(j, JobStatus.Settled);
        if (reached) emit ConsensusReached(c.jobId, winner, uint8(agree));

        SettlementRecord memory rec;
        rec.requester = c.requester;
        rec.token = c.token;
        rec.collateralPerNode = c.collateral;
        rec.treasury = _treasury;
        uint32 window = _challengeWindow;
        rec.challengeEnds = window == 0 ? 0 : uint32(block.timestamp) + window;
        rec.nodes = new uint64[](slots.length);
        rec.payees = new address[](slots.length);
        rec.amounts = new uint96[](slots.length);
        uint256 paid = _settleNodes(c, slots, reached, winner, rec, agree);

        if (rec.fee != 0) _credit(c.jobId, rec.treasury, c.token, rec.fee, rec.challengeEnds);
        uint256 refund = uint256(c.n) * c.price - paid;
        if (refund != 0) _refund(c.jobId, c.requester, c.token, refund);
        _emitSettled(c.jobId, j, reached, refund, rec, agree != 0 && window != 0);
    }

    /// @dev Emits JobSettled and, when the settlement is disputable, stores the record's hash,
    ///      encoding the record once for both: `abi.encode(rec)` is the event data from its third
    ///      word on, with the record's offset (0x60) replaced by 0x20.
    function _emitSettled(
        uint256 jobId,
        Job storage j,
        bool reached,
        uint256 refund,
        SettlementRecord memory rec,
        bool disputable
    ) internal {
        bytes memory data = abi.encode(reached, refund, rec);
        bytes32 topic = JobSettled.selector;
        if (disputable) {
            bytes32 h;
            // Hashes the record inside the event's encoding in place (see @dev): one encoding, not two.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let p := add(data, 0x60)
                mstore(p, 0x20)
                h := keccak256(p, sub(mload(data), 0x40))
                mstore(p, 0x60)
            }
            _finalWord(j, JobStatus.Settled, h); // h == keccak256(abi.encode(rec)): what _checkRecord compares
        }
        // Emits the already-encoded JobSettled data as is (an emit would encode the record again).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            log2(add(data, 0x20), mload(data), topic, jobId)
        }
    }

    function _tally(
        Ctx memory c,
        SlotInfo[] memory slots
    ) internal pure returns (bool reached, bytes20 winner, uint256 agree) {
        bytes20[] memory digests = new bytes20[](slots.length);
        uint256[] memory weights = new uint256[](slots.length);
        uint256 count;
        for (uint256 i; i < slots.length; ++i) {
            if (slots[i].revealed) {
                digests[count] = slots[i].digest;
                weights[count] = c.collateral;
                ++count;
            }
        }
        return Consensus.tally(c.strategy, c.n, digests, weights, count);
    }

    /// @dev One pass over the slots releases every node that keeps its collateral (recording its
    ///      outcome in its ledger, which also gives a winner's owner, who is credited at once) and
    ///      marks the nodes that lose it; a second pass slashes those, once every winner (they
    ///      share the slashed collateral) is known.
    /// @return paid gross amount paid out of escrow (payouts + fee)
    function _settleNodes(
        Ctx memory c,
        SlotInfo[] memory slots,
        bool reached,
        bytes20 winner,
        SettlementRecord memory rec,
        uint256 agree
    ) internal returns (uint256 paid) {
        uint256 fee;
        uint256 toSlash; // bit i set: slot i's node loses its collateral (n <= 16 slots)
        for (uint256 i; i < slots.length; ++i) {
            SlotInfo memory s = slots[i];
            rec.nodes[i] = s.nodeId;
            if (reached && s.revealed && s.digest == winner) {
                address owner = NodeAccounts.release(s.nodeId, c.collateral, Outcome.Completed);
                (uint256 gross, uint256 f) = _payWinner(c, rec, i, owner, s.invoice);
                paid += gross;
                fee += f;
                continue;
            }
            // A revealed loser is a dissenter when consensus was reached (honest but outvoted
            // otherwise); a silent slot is a no-show.
            bool slash =
                s.revealed
                    ? reached && c.level >= VerificationLevel.Strict
                    : c.level >= VerificationLevel.Standard;
            if (slash && c.collateral != 0) {
                toSlash |= 1 << i;
            } else {
                Outcome outcome =
                    slash ? Outcome.Slashed : (s.revealed && !reached ? Outcome.None : Outcome.Failed);
                NodeAccounts.release(s.nodeId, c.collateral, outcome);
            }
        }
        // fee <= paid / 10 <= 16 * max(uint96) / 10 < 2^96 * 1.6: realistic escrows fit uint96.
        rec.fee = uint96(fee);
        _slashMarked(c, slots, toSlash, rec.payees, agree);
    }

    /// @dev Slashes the nodes of the slots marked in `toSlash` (bit i = slot i) and shares each
    ///      slash between the winners (`payees`) and the requester.
    function _slashMarked(
        Ctx memory c,
        SlotInfo[] memory slots,
        uint256 toSlash,
        address[] memory payees,
        uint256 winners
    ) internal {
        for (uint256 i; toSlash != 0; ++i) {
            if (toSlash & (1 << i) == 0) continue;
            toSlash ^= 1 << i;
            uint64 nodeId = slots[i].nodeId;
            uint16 tokenId = NodeAccounts.slash(nodeId, c.collateral, Outcome.Slashed);
            address token = nodeRegistry.paySlashed(tokenId, c.collateral);
            emit Slashed(c.jobId, nodeId, token, c.collateral);
            _splitSlash(c, token, c.collateral, payees, winners);
        }
    }

    /// @dev Credits one winner its invoice (the full price when 0) less the fee.
    function _payWinner(
        Ctx memory c,
        SettlementRecord memory rec,
        uint256 i,
        address owner,
        uint96 invoice
    ) internal returns (uint256 gross, uint256 f) {
        gross = invoice == 0 ? c.price : invoice;
        f = (gross * _feeBps) / 10_000;
        uint96 net = uint96(gross - f); // gross <= price, a uint96
        rec.payees[i] = owner;
        rec.amounts[i] = net;
        if (net != 0) _credit(c.jobId, owner, c.token, net, rec.challengeEnds);
    }

    /// @dev Half (rounded down) shared equally by the `winners` non-zero `payees`, the rest with all
    ///      dust to the requester.
    function _splitSlash(
        Ctx memory c,
        address token,
        uint256 amount,
        address[] memory payees,
        uint256 winners
    ) internal {
        uint256 each = winners == 0 ? 0 : amount / 2 / winners;
        for (uint256 i; i < payees.length && each != 0; ++i) {
            if (payees[i] != address(0)) _credit(c.jobId, payees[i], token, each, 0);
        }
        uint256 rest = amount - each * winners;
        if (rest != 0) _credit(c.jobId, c.requester, token, rest, 0);
    }

    function _refund(uint256 jobId, address requester, address token, uint256 amount) internal {
        if (amount == 0) return;
        Balance storage b = _balances[requester][token];
        b.available += uint128(amount);
        emit JobRefunded(jobId, requester, token, amount);
    }

    /// @dev Credits `amount`; with `heldUntil` != 0 it is held until then (matured holds roll into available first).
    function _credit(
        uint256 jobId,
        address account,
        address token,
        uint256 amount,
        uint32 heldUntil
    ) internal {
        // The balance word is read and written once, on the stack: a memory copy of the struct
        // hashes the mapping keys twice and packs through memory.
        Balance storage b = _balances[account][token];
        uint256 word;
        // Raw read of the one-word Balance (layout: available bits 0-127 | held 128-223 | heldUntil 224-255).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(b.slot)
        }
        uint128 available = uint128(word);
        uint96 held = uint96(word >> 128);
        uint32 until = uint32(word >> 224);
        if (heldUntil == 0) {
            available += uint128(amount);
        } else {
            if (until <= block.timestamp) {
                available += held;
                held = 0;
            }
            held += uint96(amount);
            if (heldUntil > until) until = heldUntil;
        }
        // Packed in Solidity (inline assembly may see dirty high bits of narrow types).
        word = uint256(available) | (uint256(held) << 128) | (uint256(until) << 224);
        // Writes the word back in the same layout.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(b.slot, word)
        }
        // Held payouts are listed in JobSettled's record; only immediate credits are announced here.
        if (heldUntil == 0) emit PaymentCredited(jobId, account, token, amount, 0);
    }

    /// @dev A job ends: its word keeps only `status` (its fields are in JobPosted and JobSettled),
    ///      and its other words are deleted (refunds). Its row must have been offered before.
    function _clearJob(Job storage j, JobStatus status) internal {
        uint16 flags = j.flags;
        VerificationLevel level = j.level;
        _finalWord(j, status, 0);
        if (flags & EXTRA != 0) {
            // Slot 1 (token | runtime | poolIdHigh) deleted in one store, not field by field.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                sstore(add(j.slot, 1), 0)
            }
        }
        if (level == VerificationLevel.Cryptographic) j.specHash = 0;
    }

    /// @dev A finished job's one word: `status` in the low byte, the settlement hash's other 248
    ///      bits above it (0 = not disputable). Written whole: no field of the open job survives.
    function _finalWord(Job storage j, JobStatus status, bytes32 settlementHash) internal {
        uint256 word = (uint256(settlementHash) & HASH_BITS) | uint256(status);
        // Solidity writes a struct field by field; the word is written in one store.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(j.slot, word)
        }
    }

    /// @dev A job ending without a taken slot: its row (terms, and a directed job's assignments) goes to the next job.
    function _releaseRow(uint256 jobId, Job storage j) internal {
        _offerRow(jobId, j, j.flags & DIRECTED != 0 ? j.n : 0);
    }

    // ═════════════════════════════ internals: disputes ═════════════════════════════

    function _checkRecord(uint256 jobId, SettlementRecord calldata record) internal view {
        uint256 word = _settledWord(jobId);
        if (uint8(word) != uint8(JobStatus.Settled) || word & HASH_BITS == 0)
            revert JobMarketNotDisputable(jobId);
        if (uint256(keccak256(abi.encode(record))) & HASH_BITS != word & HASH_BITS) {
            revert JobMarketRecordMismatch(jobId);
        }
    }

    /// @dev A job's first word, raw (see _finalWord).
    function _settledWord(uint256 jobId) internal view returns (uint256 word) {
        Job storage j = _jobs[jobId];
        // Reads the word whole, as _finalWord wrote it.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(j.slot)
        }
    }

    function _isParticipant(uint64[] calldata nodes, address account) internal view returns (bool) {
        for (uint256 i; i < nodes.length; ++i) {
            uint64 nodeId = nodes[i];
            if (NodeAccounts.ownerOf(nodeId) == account || NodeAccounts.signerOf(nodeId) == account)
                return true;
        }
        return false;
    }

    function _extendHold(address account, address token, uint32 until) internal {
        Balance storage b = _balances[account][token];
        if (b.heldUntil < until) b.heldUntil = until;
    }

    function _upheld(uint256 jobId, SettlementRecord calldata record, uint96 deposit) internal {
        uint256 winners;
        for (uint256 i; i < record.payees.length; ++i) if (record.payees[i] != address(0)) ++winners;
        uint256 each = deposit / winners; // a disputable record always has a winner
        uint256 dust = deposit - each * winners;
        for (uint256 i; i < record.payees.length; ++i) {
            if (record.payees[i] == address(0)) continue;
            _credit(jobId, record.payees[i], address(0), each + dust, 0);
            dust = 0;
        }
    }

    function _overturn(
        uint256 jobId,
        SettlementRecord calldata record,
        address disputer,
        uint96 deposit
    ) internal {
        uint256 back = record.fee;
        for (uint256 i; i < record.payees.length; ++i) {
            if (record.payees[i] == address(0)) continue;
            _balances[record.payees[i]][record.token].held -= record.amounts[i];
            back += record.amounts[i];
        }
        if (record.fee != 0) _balances[record.treasury][record.token].held -= record.fee;
        _refund(jobId, record.requester, record.token, back);
        for (uint256 i; i < record.payees.length; ++i) {
            if (record.payees[i] == address(0)) continue;
            uint64 nodeId = record.nodes[i];
            (uint16 tokenId, uint96 taken) = NodeAccounts.slashFree(nodeId, record.collateralPerNode);
            // Releasing nothing records the lost dispute.
            NodeAccounts.release(nodeId, 0, Outcome.DisputeLost);
            if (taken != 0) {
                address token = nodeRegistry.paySlashed(tokenId, taken);
                emit Slashed(jobId, nodeId, token, taken);
                _credit(jobId, record.requester, token, taken, 0);
            }
        }
        _credit(jobId, disputer, address(0), deposit, 0);
    }

    // ═════════════════════════════ internals: admin and transfers ═════════════════════════════

    function _send(address token, address to, uint256 amount) internal {
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert JobMarketEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    function _setFee(uint16 feeBps) internal {
        if (feeBps > MAX_FEE_BPS) revert JobMarketFeeTooHigh(feeBps, MAX_FEE_BPS);
        _feeBps = feeBps;
        emit ProtocolFeeChanged(feeBps);
    }

    function _setTreasury(address treasury) internal {
        if (treasury == address(0)) revert JobMarketZeroAddress();
        _treasury = treasury;
        emit TreasuryChanged(treasury);
    }

    function _setDisputeParams(uint32 challengeWindow, uint96 deposit, uint32 disputePeriod) internal {
        if (
            challengeWindow > MAX_WINDOW ||
            disputePeriod > MAX_WINDOW ||
            (challengeWindow != 0 && disputePeriod == 0)
        ) {
            revert JobMarketDisputeParams(challengeWindow, disputePeriod);
        }
        _challengeWindow = challengeWindow;
        _disputeDeposit = deposit;
        _disputePeriod = disputePeriod;
        emit DisputeParamsChanged(challengeWindow, deposit, disputePeriod);
    }
}
