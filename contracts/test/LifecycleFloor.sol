// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IJobMarketEvents} from "../interfaces/IJobMarket.sol";
import {Consensus} from "../libraries/Consensus.sol";
import {JobMessages} from "../libraries/JobMessages.sol";
import {ConsensusStrategy, VerificationLevel} from "../types/Policy.sol";
import {JobRequest, JobSubmission, NodeSubmission, Reveal, SettlementRecord} from "../types/Job.sol";

/// @title Gas-floor probe: the strict lifecycle's storage, events and checks in one contract
/// @notice NOT a protocol contract and never deployed: `scripts/bench/gas-floor.ts` measures it to
///         answer "what would the strict 2-of-3 lifecycle cost if the node registry, the pool
///         registry and the market shared one contract's storage, every word packed as tightly as
///         the design allows?". It does what the design requires of the honest lifecycle and no
///         more: the job's hot word and terms word, recycled slot rows, node authentication
///         (owner, or the signer key read only when the sender is not the owner), active and
///         free-bond checks, a per-job collateral lock and its release with the reputation
///         outcome (one account word per node), pool membership, the seal, EIP-712 commit
///         signatures, the consensus tally (the real `Consensus` library), held credits for the
///         winners and the treasury, the settlement record's hash for disputes, and the same
///         events the real market and registry emit. No cross-contract call, no delegatecall.
///         Paths the honest lifecycle never takes (dissent, no-shows, tokens, invoices, refunds)
///         revert with `FloorNotModelled`: they only add gas.
contract LifecycleFloor is IJobMarketEvents, EIP712 {
    /// @notice A check of the lifecycle failed (`code` says which; the probe is measured, not used).
    error FloorCheck(uint256 code);
    /// @notice A path the honest lifecycle never takes.
    error FloorNotModelled();

    uint256 private constant _OPEN = 1;
    uint256 private constant _SETTLED = 2;
    uint256 private constant _COMMITTED = 1 << 64;
    uint256 private constant _REVEALED = 1 << 65;
    uint256 private constant _ROW_MASK = uint256(type(uint32).max) << 96;
    uint256 private constant _SPARE_SHIFT = 208;
    uint256 private constant _TERMS_CELL = 255; // compact layout: the terms word's place in the job's row

    /// @notice false: a job keeps its two words as JobMarket's layout does (hot word + terms word,
    ///         the terms word holding the record's hash once settled). true: the terms word lives in
    ///         the job's recycled row (taken at posting), and a settled job keeps only its status
    ///         and the record's hash (248 bits) in its hot word; its other fields live in its events.
    bool public immutable compact;

    // Node words. core: owner 0-159 | active 160 | tokenId 161-176. signer: signer 0-159.
    // account: bond 0-95 | locked 96-191 | completed 192-223 | failed 224-239 | slashed 240-247 | lost 248-255.
    mapping(uint64 => uint256) private _core;
    mapping(uint64 => uint256) private _signer;
    mapping(uint64 => uint256) private _account;
    mapping(uint256 => uint256) private _minBond; // by bond token id
    // Pool: strategy 0-7 | n 8-15 | level 16-23 | exists 24.
    mapping(uint256 => uint256) private _pool;
    mapping(uint256 => mapping(uint64 => bool)) private _member;
    uint256 private _lastJobId;
    // treasury 0-159 | feeBps 160-175 | challengeWindow 176-207 | spareRow 208-239
    uint256 private _config;
    // Job hot word: status 0-7 | n 8-15 | taken 16-23 | revealed 24-31 | commitDeadline 32-63 |
    // revealDeadline 64-95 | row 96-127 | collateral 128-199 | strategy 200-207 | level 208-215 | pool 216-247
    mapping(uint256 => uint256) private _hot;
    // requester 0-159 | pricePerNode 160-255 while open; the settlement record's hash once settled.
    mapping(uint256 => uint256) private _terms;
    // Slot words: nodeId 0-63 | committed 64 | revealed 65 | seal or digest (20 bytes) 96-255.
    mapping(uint256 => mapping(uint256 => uint256)) private _rows;
    // available 0-127 | held 128-223 | heldUntil 224-255
    mapping(address => mapping(address => uint256)) private _balances;

    constructor(
        address treasury,
        uint16 feeBps,
        uint32 challengeWindow,
        bool compact_
    ) EIP712("Sandrun JobMarket", "1") {
        compact = compact_;
        _config = uint256(uint160(treasury)) | (uint256(feeBps) << 160) | (uint256(challengeWindow) << 176);
        _minBond[0] = 0.1 ether;
    }

    // ───────────────────────────── set-up (not measured) ─────────────────────────────

    function addNode(uint64 nodeId, address owner, address signer, uint96 bond) external {
        _core[nodeId] = uint256(uint160(owner)) | (1 << 160);
        _signer[nodeId] = uint256(uint160(signer));
        _account[nodeId] = bond;
    }

    function addPool(
        uint32 poolId,
        ConsensusStrategy strategy,
        uint8 n,
        uint8 level,
        uint64[] calldata members
    ) external {
        _pool[poolId] = uint256(uint8(strategy)) | (uint256(n) << 8) | (uint256(level) << 16) | (1 << 24);
        for (uint256 i; i < members.length; ++i) _member[poolId][members[i]] = true;
    }

    function balanceOf(address account) external view returns (uint256 available, uint256 held) {
        uint256 word = _balances[account][address(0)];
        return (uint128(word), uint96(word >> 128));
    }

    function accountOf(uint64 nodeId) external view returns (uint96 bond, uint96 locked, uint32 completed) {
        uint256 a = _account[nodeId];
        return (uint96(a), uint96(a >> 96), uint32(a >> 192));
    }

    function lastJobId() external view returns (uint256) {
        return _lastJobId;
    }

    function recordHash(uint256 jobId) external view returns (bytes32 hash, uint8 status) {
        uint256 h = _hot[jobId];
        return (compact ? bytes32(h & ~uint256(0xff)) : bytes32(_terms[jobId]), uint8(h));
    }

    // ───────────────────────────── the lifecycle ─────────────────────────────

    function postJob(JobRequest calldata r) external payable returns (uint256 jobId) {
        uint256 pool = _pool[r.poolId];
        if (pool == 0 || r.poolId > type(uint32).max) revert FloorCheck(1);
        uint256 n = uint8(pool >> 8);
        if (r.token != address(0) || r.nodes.length != 0 || r.strategy != type(uint8).max)
            revert FloorNotModelled();
        if (msg.value != n * r.pricePerNode || r.collateralPerNode > type(uint72).max) revert FloorCheck(2);
        if (r.commitWindow == 0 || r.revealWindow == 0) revert FloorCheck(3);
        jobId = ++_lastJobId;
        // solhint-disable-next-line not-rely-on-time
        uint256 commitDeadline = block.timestamp + r.commitWindow;
        uint256 revealDeadline = commitDeadline + r.revealWindow;
        uint256 h =
            _OPEN |
                (n << 8) |
                (commitDeadline << 32) |
                (revealDeadline << 64) |
                (uint256(r.collateralPerNode) << 128) |
                ((pool & 0xff) << 200) |
                (((pool >> 16) & 0xff) << 208) |
                (uint256(r.poolId) << 216);
        uint256 terms = uint256(uint160(msg.sender)) | (uint256(r.pricePerNode) << 160);
        if (compact) {
            h = _claimRow(jobId, h);
            _rows[uint32(h >> 96)][_TERMS_CELL] = terms;
        } else {
            _terms[jobId] = terms;
        }
        _hot[jobId] = h;
        _emitPosted(jobId, r, pool, commitDeadline);
    }

    function _emitPosted(uint256 jobId, JobRequest calldata r, uint256 pool, uint256 commitDeadline) private {
        emit JobPosted(
            jobId,
            r.poolId,
            msg.sender,
            address(0),
            r.pricePerNode,
            r.collateralPerNode,
            uint8(pool >> 8),
            ConsensusStrategy(uint8(pool)),
            VerificationLevel(uint8(pool >> 16)),
            uint32(commitDeadline),
            uint32(commitDeadline + r.revealWindow),
            r.specHash
        );
        emit JobSpec(jobId, r.runtime, r.resources, r.nodes, r.specURI, r.inlineSpec, r.encryptionKey);
    }

    function commit(uint256 jobId, uint64 nodeId, bytes32 seal) external {
        uint256 h = _hot[jobId];
        if (uint8(h) != _OPEN) revert FloorCheck(10);
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > uint32(h >> 32)) revert FloorCheck(11);
        uint256 taken = uint8(h >> 16);
        if (taken >= uint8(h >> 8)) revert FloorCheck(12);
        if (taken == 0 && !compact) h = _claimRow(jobId, h);
        mapping(uint256 => uint256) storage cells = _rows[uint32(h >> 96)];
        for (uint256 i; i < taken; ++i) if (uint64(cells[i]) == nodeId) revert FloorCheck(13);
        if (!_member[uint32(h >> 216)][nodeId]) revert FloorCheck(14);
        _lock(nodeId, uint72(h >> 128));
        cells[taken] = nodeId | _COMMITTED | (uint256(uint160(bytes20(seal))) << 96);
        _hot[jobId] = h + (1 << 16);
        emit ResultCommitted(jobId, nodeId, uint8(taken), seal);
    }

    function reveal(uint256 jobId, uint8 slot, Reveal calldata r) external {
        uint256 h = _hot[jobId];
        if (uint8(h) != _OPEN) revert FloorCheck(20);
        uint256 taken = uint8(h >> 16);
        // solhint-disable-next-line not-rely-on-time
        if (taken < uint8(h >> 8) && block.timestamp <= uint32(h >> 32)) revert FloorCheck(21);
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > uint32(h >> 64) || slot >= taken) revert FloorCheck(22);
        mapping(uint256 => uint256) storage cells = _rows[uint32(h >> 96)];
        uint256 rec = cells[slot];
        if (rec & _COMMITTED == 0 || rec & _REVEALED != 0) revert FloorCheck(23);
        uint64 nodeId = uint64(rec);
        bytes32 uriHash = keccak256(bytes(r.resultURI));
        bytes32 seal = JobMessages.seal(address(this), jobId, nodeId, r.digest, uriHash, r.invoice, r.salt);
        if (bytes20(seal) != bytes20(uint160(rec >> 96))) revert FloorCheck(24);
        if (r.invoice != 0) revert FloorNotModelled();
        rec = nodeId | _COMMITTED | _REVEALED | (uint256(uint160(bytes20(r.digest))) << 96);
        emit ResultRevealed(jobId, nodeId, slot, r.digest, 0, r.resultURI);
        if (uint8(h >> 24) + 1 < taken) {
            cells[slot] = rec;
            _hot[jobId] = h + (1 << 24);
            return;
        }
        // The deciding reveal: its word is never stored.
        uint64[] memory nodes = new uint64[](taken);
        bytes20[] memory digests = new bytes20[](taken);
        for (uint256 i; i < taken; ++i) {
            uint256 w = i == slot ? rec : cells[i];
            nodes[i] = uint64(w);
            digests[i] = bytes20(uint160(w >> 96));
        }
        _offerRow(uint32(h >> 96));
        _settle(jobId, h, nodes, digests, true);
    }

    /// @notice Whole jobs in one transaction: every node's signed commit and reveal.
    function submitBatch(JobSubmission[] calldata jobs) external {
        for (uint256 k; k < jobs.length; ++k) {
            uint256 jobId = jobs[k].jobId;
            uint256 h = _hot[jobId];
            uint256 n = uint8(h >> 8);
            NodeSubmission[] calldata subs = jobs[k].nodes;
            if (uint8(h) != _OPEN || uint8(h >> 16) != 0 || subs.length != n) revert FloorCheck(30);
            // solhint-disable-next-line not-rely-on-time
            if (block.timestamp > uint32(h >> 32)) revert FloorCheck(31);
            uint64[] memory nodes = new uint64[](n);
            bytes20[] memory digests = new bytes20[](n);
            for (uint256 i; i < n; ++i) {
                (nodes[i], digests[i]) = _verifySubmission(jobId, h, subs[i]);
                for (uint256 q; q < i; ++q) if (nodes[q] == nodes[i]) revert FloorCheck(32);
            }
            if (compact) _offerRow(uint32(h >> 96)); // its terms cell is all the row holds
            _settle(jobId, h, nodes, digests, false);
        }
    }

    // ───────────────────────────── internals ─────────────────────────────

    function _verifySubmission(
        uint256 jobId,
        uint256 h,
        NodeSubmission calldata ns
    ) private returns (uint64 nodeId, bytes20 value) {
        nodeId = ns.nodeId;
        Reveal calldata r = ns.reveal;
        bytes32 digest = r.digest;
        if (r.invoice != 0) revert FloorNotModelled();
        if (!_member[uint32(h >> 216)][nodeId]) revert FloorCheck(33);
        _requireActive(_core[nodeId], _account[nodeId], uint72(h >> 128));
        bytes32 seal = JobMessages.seal(
            address(this),
            jobId,
            nodeId,
            digest,
            keccak256(bytes(r.resultURI)),
            0,
            r.salt
        );
        bytes32 signed = _hashTypedDataV4(JobMessages.commitHash(jobId, nodeId, seal));
        if (ECDSA.recover(signed, ns.commitSignature) != address(uint160(_signer[nodeId])))
            revert FloorCheck(34);
        emit ResultRevealed(jobId, nodeId, uint8(0), digest, 0, r.resultURI);
        value = bytes20(digest);
    }

    function _lock(uint64 nodeId, uint256 collateral) private {
        uint256 core = _core[nodeId];
        if (msg.sender != address(uint160(core)) && msg.sender != address(uint160(_signer[nodeId]))) {
            revert FloorCheck(40);
        }
        uint256 a = _account[nodeId];
        _requireActive(core, a, collateral);
        uint256 locked = uint96(a >> 96) + collateral;
        _account[nodeId] = (a & ~(uint256(type(uint96).max) << 96)) | (locked << 96);
        emit CollateralLocked(nodeId, uint96(collateral), uint96(locked));
    }

    function _requireActive(uint256 core, uint256 a, uint256 collateral) private view {
        uint96 bond = uint96(a);
        if ((core >> 160) & 1 == 0 || bond < _minBond[uint16(core >> 161)]) revert FloorCheck(41);
        if (bond - uint96(a >> 96) < collateral) revert FloorCheck(42);
    }

    function _claimRow(uint256 jobId, uint256 h) private returns (uint256) {
        uint256 cfg = _config;
        uint256 spare = uint32(cfg >> _SPARE_SHIFT);
        if (spare != 0) _config = cfg & ~(uint256(type(uint32).max) << _SPARE_SHIFT);
        else spare = jobId;
        return (h & ~_ROW_MASK) | (spare << 96);
    }

    function _offerRow(uint256 row) private {
        uint256 cfg = _config;
        if (uint32(cfg >> _SPARE_SHIFT) == 0) _config = cfg | (row << _SPARE_SHIFT);
    }

    /// @dev Honest outcomes only: every node agreed and is paid; each account releases (node-sent)
    ///      and records the outcome in one write.
    function _settle(
        uint256 jobId,
        uint256 h,
        uint64[] memory nodes,
        bytes20[] memory digests,
        bool release
    ) private {
        _requireUnanimous(jobId, h, digests);
        uint256 terms = compact ? _rows[uint32(h >> 96)][_TERMS_CELL] : _terms[jobId];
        uint256 cfg = _config;
        uint256 n = nodes.length;
        SettlementRecord memory rec;
        rec.requester = address(uint160(terms));
        rec.collateralPerNode = uint96(uint72(h >> 128));
        rec.treasury = address(uint160(cfg));
        // solhint-disable-next-line not-rely-on-time
        rec.challengeEnds = uint32(block.timestamp + uint32(cfg >> 176));
        rec.nodes = nodes;
        rec.payees = new address[](n);
        rec.amounts = new uint96[](n);
        uint256 fee = ((terms >> 160) * uint16(cfg >> 160)) / 10_000;
        _payNodes(rec, rec.collateralPerNode, release, (terms >> 160) - fee);
        rec.fee = uint96(fee * n);
        _credit(rec.treasury, fee * n, rec.challengeEnds);
        uint256 recordHash_ = uint256(_emitSettled(jobId, rec));
        if (compact) {
            _hot[jobId] = (recordHash_ & ~uint256(0xff)) | _SETTLED;
        } else {
            _hot[jobId] = (h & ~uint256(0xffffffff)) | _SETTLED;
            _terms[jobId] = recordHash_;
        }
    }

    /// @dev The real `Consensus.tally`; the probe models the honest outcome (all agree) only.
    function _requireUnanimous(uint256 jobId, uint256 h, bytes20[] memory digests) private {
        uint256 n = digests.length;
        uint256[] memory weights = new uint256[](n);
        for (uint256 i; i < n; ++i) weights[i] = uint72(h >> 128);
        (bool reached, bytes20 winner, uint256 agree) = Consensus.tally(
            ConsensusStrategy(uint8(h >> 200)),
            n,
            digests,
            weights,
            n
        );
        if (!reached || agree != n) revert FloorNotModelled();
        emit ConsensusReached(jobId, winner, uint8(agree));
    }

    /// @dev Each node: one account write (release when it was locked by a commit, the outcome) and a held credit.
    function _payNodes(SettlementRecord memory rec, uint256 collateral, bool release, uint256 net) private {
        for (uint256 i; i < rec.nodes.length; ++i) {
            uint64 nodeId = rec.nodes[i];
            address owner = address(uint160(_core[nodeId]));
            uint256 a = _account[nodeId];
            if (release) a -= collateral << 96;
            uint256 completed = uint32(a >> 192) + 1;
            a = (a & ~(uint256(type(uint32).max) << 192)) | (completed << 192);
            // Recorded silently, as the market does: JobSettled names the nodes.
            _account[nodeId] = a;
            rec.payees[i] = owner;
            rec.amounts[i] = uint96(net);
            _credit(owner, net, rec.challengeEnds);
        }
    }

    /// @dev The real market's encoding: the record is encoded once for its hash and the event.
    function _emitSettled(uint256 jobId, SettlementRecord memory rec) private returns (bytes32 h) {
        bytes memory data = abi.encode(true, uint256(0), rec);
        bytes32 topic = JobSettled.selector;
        // Hashes the record inside the event's encoding (its offset word set to 0x20 meanwhile).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(data, 0x60)
            mstore(p, 0x20)
            h := keccak256(p, sub(mload(data), 0x40))
            mstore(p, 0x60)
        }
        // Emits the encoded JobSettled data as is.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            log2(add(data, 0x20), mload(data), topic, jobId)
        }
    }

    /// @dev The real market's held credit: one balance word read and written.
    function _credit(address account, uint256 amount, uint32 heldUntil) private {
        uint256 word = _balances[account][address(0)];
        uint256 available = uint128(word);
        uint256 held = uint96(word >> 128);
        uint256 until = uint32(word >> 224);
        // solhint-disable-next-line not-rely-on-time
        if (until <= block.timestamp) {
            available += held;
            held = 0;
        }
        held += amount;
        if (heldUntil > until) until = heldUntil;
        _balances[account][address(0)] = available | (held << 128) | (until << 224);
    }
}
