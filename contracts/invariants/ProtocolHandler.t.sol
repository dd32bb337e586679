// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "../NodeRegistry.sol";
import {PoolRegistry} from "../PoolRegistry.sol";
import {JobMarket} from "../JobMarket.sol";
import {IJobMarketEvents} from "../interfaces/IJobMarket.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {MockERC20} from "../test/MockERC20.sol";
import {JobMessages} from "../libraries/JobMessages.sol";
import {ConsensusStrategy, VerificationLevel, PoolPolicy} from "../types/Policy.sol";
import {PoolRequirements} from "../types/PoolTypes.sol";
import {Capabilities, Prices} from "../types/NodeTypes.sol";
import {
    JobRequest,
    JobStatus,
    JobView,
    Reveal,
    SignedCommit,
    SignedReport,
    SettlementRecord,
    Usage
} from "../types/Job.sol";
import {InvariantVm, VM_ADDRESS} from "./InvariantVm.t.sol";

/// @title The actor the invariant fuzzer drives over the real registries and market
/// @notice Every public function is one protocol step with inputs bounded from the fuzzer's seeds:
///         post / top up / take / commit (node-sent and signed) / reveal (with receipts at the cryptographic
///         level) / report (node-sent and signed) / settle / cancel / time / withdraw / bond / unbond /
///         cancel unbond / withdraw bond / pause / resume / deregister / rotate signer / leave and join pools /
///         dispute / rule / finalize. Steps the protocol refuses revert inside `try` and change
///         nothing; the suite's invariants are checked after every step either way.
/// @dev Ghost state kept here: every job id, each node's deposits, withdrawals and slashes (read
///      from the registry's events), and each settled job's `SettlementRecord` (read from
///      `JobSettled`), which disputes and rulings must present back.
contract ProtocolHandler {
    InvariantVm private constant vm = InvariantVm(VM_ADDRESS);

    uint256 internal constant NODES = 6;
    uint256 internal constant POOLS = 6;
    uint256 internal constant ACCOUNTS = 4; // requester 0, requester 1, stranger, treasury
    address internal constant TREASURY = address(0x7EA5);
    address internal constant STRANGER = address(0x5757);
    uint32 internal constant MAX_WINDOW = 1 days;
    bytes32 internal constant SPEC_HASH = keccak256("spec");

    NodeRegistry public immutable registry;
    PoolRegistry public immutable pools;
    JobMarket public immutable market;
    MockERC20 public immutable token;

    address[NODES] internal _owners;
    /// @dev Each node's current signer key; 0 while its signer is its owner (which has no key here).
    uint256[NODES] internal _signerKeys;
    uint64[POOLS] internal _poolIds;
    address[ACCOUNTS] internal _accounts;

    uint256[] internal _jobs;
    mapping(uint256 jobId => bytes record) internal _records; // abi-encoded SettlementRecord
    /// @dev What each job was posted with (and topped up to): the suite checks the market still says so.
    mapping(uint256 jobId => address requester) public requesterOf;
    mapping(uint256 jobId => uint96 price) public priceOf;
    mapping(uint256 jobId => mapping(uint64 nodeId => bytes32 salt)) internal _salts;
    mapping(uint256 jobId => mapping(uint64 nodeId => bytes32 digest)) internal _digests;
    mapping(uint256 jobId => mapping(uint64 nodeId => uint96 invoice)) internal _invoices;

    /// @notice Ghosts per node id: everything bonded, withdrawn and slashed (CollateralSlashed + FreeBondSlashed).
    mapping(uint64 nodeId => uint256) public deposited;
    mapping(uint64 nodeId => uint256) public withdrawn;
    mapping(uint64 nodeId => uint256) public slashed;

    /// @notice How many steps ran, and how many the protocol accepted, per step name.
    uint256 public calls;
    mapping(bytes32 step => uint256) public accepted;

    constructor(NodeRegistry registry_, PoolRegistry pools_, JobMarket market_, MockERC20 token_) {
        registry = registry_;
        pools = pools_;
        market = market_;
        token = token_;
        _accounts = [address(0xA0), address(0xA1), STRANGER, TREASURY];
        for (uint256 i; i < ACCOUNTS; ++i) _approveAll(_accounts[i]);
        _registerNodes();
        _createPools();
    }

    // ═════════════════════════════ setup ═════════════════════════════

    function _approveAll(address account) private {
        vm.prank(account);
        token.approve(address(market), type(uint256).max);
        vm.prank(account);
        token.approve(address(registry), type(uint256).max);
    }

    /// @dev Nodes 1-4 bond ETH, nodes 5-6 bond the ERC-20; every node has its own owner and signer key.
    function _registerNodes() private {
        Capabilities memory caps;
        caps.gpuCount = 1;
        caps.memoryGB = 64;
        caps.region = bytes16("us-east-1");
        Prices memory prices;
        prices.gpuHour = 1;
        for (uint256 i; i < NODES; ++i) {
            address owner = address(uint160(0xB000 + i));
            _owners[i] = owner;
            _signerKeys[i] = 0x5100 + i;
            _approveAll(owner);
            bool erc20 = i >= 4;
            uint96 amount = erc20 ? 20e18 : 10 ether;
            if (erc20) token.mint(owner, amount);
            else vm.deal(owner, amount);
            vm.prank(owner);
            uint64 id = registry.register{value: erc20 ? 0 : amount}(
                vm.addr(_signerKeys[i]),
                erc20 ? address(token) : address(0),
                amount,
                caps,
                prices,
                bytes32(0),
                ""
            );
            deposited[id] += amount;
        }
    }

    /// @dev One pool per verification level and strategy family, every node a member of each.
    function _createPools() private {
        uint64[] memory all = new uint64[](NODES);
        for (uint256 i; i < NODES; ++i) all[i] = uint64(i + 1);
        PoolRequirements memory req;
        _poolIds[0] = _pool(ConsensusStrategy.TwoOfThree, 3, VerificationLevel.Standard, all, req);
        _poolIds[1] = _pool(ConsensusStrategy.MajorityRule, 3, VerificationLevel.Strict, all, req);
        _poolIds[2] = _pool(ConsensusStrategy.FastestWins, 0, VerificationLevel.Basic, all, req);
        _poolIds[3] = _pool(ConsensusStrategy.ProofOfStakeWeighted, 3, VerificationLevel.Strict, all, req);
        _poolIds[4] = _pool(
            ConsensusStrategy.ByzantineFaultTolerant,
            4,
            VerificationLevel.Standard,
            all,
            req
        );
        _poolIds[5] = _pool(ConsensusStrategy.TwoOfThree, 3, VerificationLevel.Cryptographic, all, req);
    }

    function _pool(
        ConsensusStrategy strategy,
        uint8 redundancy,
        VerificationLevel level,
        uint64[] memory members,
        PoolRequirements memory req
    ) private returns (uint64) {
        return pools.createPool(PoolPolicy(strategy, redundancy, level, true, 0, 0), req, members);
    }

    // ═════════════════════════════ views for the suite ═════════════════════════════

    function jobCount() external view returns (uint256) {
        return _jobs.length;
    }

    function jobAt(uint256 i) external view returns (uint256) {
        return _jobs[i];
    }

    function ownerOf(uint256 i) external view returns (address) {
        return _owners[i];
    }

    function accountAt(uint256 i) external view returns (address) {
        return _accounts[i];
    }

    function record(uint256 jobId) external view returns (bytes memory) {
        return _records[jobId];
    }

    // ═════════════════════════════ helpers ═════════════════════════════

    /// @dev Records the logs of one step, then books settlements and slashes from them.
    modifier step() {
        ++calls;
        vm.recordLogs();
        _;
        _book();
    }

    /// @dev The fuzzer often repeats small dictionary values; hashing with the step count spreads
    ///      every derived choice (job, node, digest, sender) evenly.
    function _mix(uint256 seed) private view returns (uint256) {
        return uint256(keccak256(abi.encode(seed, calls)));
    }

    function _ok(bytes32 name) private {
        ++accepted[name];
    }

    function _book() private {
        InvariantVm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 settledSig = IJobMarketEvents.JobSettled.selector;
        bytes32 slashSig = INodeRegistry.CollateralSlashed.selector;
        bytes32 freeSlashSig = INodeRegistry.FreeBondSlashed.selector;
        for (uint256 i; i < logs.length; ++i) {
            InvariantVm.Log memory l = logs[i];
            if (l.topics.length == 0) continue;
            bytes32 sig = l.topics[0];
            if (l.emitter == address(market) && sig == settledSig) {
                (, , SettlementRecord memory rec) = abi.decode(l.data, (bool, uint256, SettlementRecord));
                _records[uint256(l.topics[1])] = abi.encode(rec);
            } else if (l.emitter == address(market) && (sig == slashSig || sig == freeSlashSig)) {
                (uint96 amount, ) = abi.decode(l.data, (uint96, uint96));
                slashed[uint64(uint256(l.topics[1]))] += amount;
            }
        }
    }

    function _node(uint256 seed) private pure returns (uint64 nodeId, uint256 index) {
        index = seed % NODES;
        nodeId = uint64(index + 1);
    }

    function _job(uint256 seed) private view returns (bool any, uint256 jobId) {
        if (_jobs.length == 0) return (false, 0);
        return (true, _jobs[seed % _jobs.length]);
    }

    /// @dev Prefers an open job whose level is in `levels` (bit per VerificationLevel), scanning from a
    ///      random start; falls back to any job, so refusals are exercised too.
    function _openJob(uint256 seed, uint256 levels) private view returns (bool any, uint256 jobId) {
        uint256 len = _jobs.length;
        if (len == 0) return (false, 0);
        uint256 start = seed % len;
        for (uint256 k; k < len; ++k) {
            uint256 id = _jobs[(start + k) % len];
            JobView memory j = market.job(id);
            if (j.status != JobStatus.Open || (levels >> uint8(j.level)) & 1 == 0) continue;
            // Taking steps prefer jobs still taking slots.
            if (levels & FRESH != 0 && block.timestamp > j.commitDeadline) continue;
            if (levels & REVEALABLE != 0 && !_revealable(j)) continue;
            if (levels & DUE != 0 && block.timestamp <= j.revealDeadline) continue;
            return (true, id);
        }
        return (true, _jobs[start]);
    }

    uint256 private constant FRESH = 16; // only jobs before their commit deadline
    uint256 private constant REVEALABLE = 32; // only jobs in their reveal phase with a reveal outstanding
    uint256 private constant DUE = 64; // only jobs past their reveal deadline

    function _revealable(JobView memory j) private view returns (bool) {
        bool phase = j.taken == j.n || block.timestamp > j.commitDeadline;
        return phase && block.timestamp <= j.revealDeadline && j.revealed < j.taken;
    }
    uint256 private constant LOW = 3 | FRESH; // basic | standard
    uint256 private constant HIGH = 12 | FRESH; // strict | cryptographic

    function _digest(uint256 seed) private pure returns (bytes32) {
        uint256 k = seed % 4;
        return
            k == 0
                ? bytes32("b")
                : k == 1
                    ? bytes32("c")
                    : bytes32("a"); // "a" usually wins
    }

    function _eip712(bytes32 structHash) private view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", market.domainSeparator(), structHash));
    }

    /// @dev Signs with `key`; an owner signer (key 0, no key here) signs nothing, which the market refuses.
    function _sign(uint256 key, bytes32 structHash) private returns (bytes memory) {
        if (key == 0) return "";
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _eip712(structHash));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Funds `who` with exactly `amount` more of `tokenAddr` (ETH or the mock).
    function _fund(address who, address tokenAddr, uint256 amount) private {
        if (tokenAddr == address(0)) vm.deal(who, who.balance + amount);
        else token.mint(who, amount);
    }

    // ═════════════════════════════ requester steps ═════════════════════════════

    /// @notice Posts an open or directed job to one of the pools, in ETH or the ERC-20.
    function post(
        uint256 seed,
        uint96 price,
        uint96 collateral,
        uint32 commitWindow,
        uint32 revealWindow
    ) external step {
        seed = _mix(seed);
        JobRequest memory r;
        r.poolId = _poolIds[seed % POOLS];
        r.specHash = SPEC_HASH;
        r.strategy = type(uint8).max;
        r.runtime = uint8((seed >> 8) % 3);
        r.token = (seed >> 16) % 3 == 0 ? address(token) : address(0);
        r.pricePerNode = price % 1 ether;
        r.collateralPerNode = collateral % 2 ether;
        r.commitWindow = 1 hours + (commitWindow % MAX_WINDOW);
        r.revealWindow = 1 hours + (revealWindow % MAX_WINDOW);
        if ((seed >> 24) % 5 == 0) r.nodes = _directed(seed);
        address requester = _accounts[(seed >> 32) % 3];
        uint256 n = _redundancy(seed % POOLS);
        uint256 escrow = n * r.pricePerNode;
        _fund(requester, r.token, escrow);
        vm.prank(requester);
        try market.postJob{value: r.token == address(0) ? escrow : 0}(r) returns (uint256 jobId) {
            _jobs.push(jobId);
            requesterOf[jobId] = requester;
            priceOf[jobId] = r.pricePerNode;
            _ok("post");
        } catch {}
    }

    function _redundancy(uint256 poolIndex) private pure returns (uint256) {
        if (poolIndex == 2) return 1;
        if (poolIndex == 4) return 4;
        return 3;
    }

    /// @dev n distinct nodes starting at a random one (the pool's n).
    function _directed(uint256 seed) private pure returns (uint64[] memory nodes) {
        uint256 n = _redundancy(seed % POOLS);
        nodes = new uint64[](n);
        uint256 start = (seed >> 40) % NODES;
        for (uint256 i; i < n; ++i) nodes[i] = uint64(((start + i) % NODES) + 1);
    }

    /// @notice The requester (or, sometimes, a stranger) cancels a job.
    function cancel(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, 15);
        if (!any) return;
        JobView memory j = market.job(jobId);
        address who = (seed >> 8) % 4 == 0 ? STRANGER : j.requester;
        vm.prank(who);
        try market.cancel(jobId) {
            _ok("cancel");
        } catch {}
    }

    /// @notice The requester (or, sometimes, a stranger) tops up an open job's escrow, sometimes by 0,
    ///         sometimes after its outcome is decided or its reveal deadline passed (refused then).
    function topUp(uint256 seed, uint96 addPerNode) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, 15);
        if (!any) return;
        JobView memory j = market.job(jobId);
        address who = (seed >> 8) % 5 == 0 ? STRANGER : j.requester;
        if (who == address(0)) who = STRANGER; // the job is no longer open: any caller is refused
        uint96 add = (seed >> 16) % 8 == 0 ? 0 : addPerNode % 0.1 ether;
        uint256 total = uint256(j.n) * add;
        _fund(who, j.token, total);
        vm.prank(who);
        try market.topUpJob{value: j.token == address(0) ? total : 0}(jobId, add) {
            priceOf[jobId] += add;
            _ok("topUp");
        } catch {}
    }

    // ═════════════════════════════ node steps ═════════════════════════════

    /// @notice A node takes a slot (basic and standard levels), from its owner or its signer.
    function takeSlot(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, LOW);
        if (!any) return;
        // Up to one attempt per node, from a random one: refusals are exercised, and work still flows.
        for (uint256 k; k < NODES; ++k) if (_tryTake(seed, jobId, ((seed >> 8) + k) % NODES)) return;
    }

    function _tryTake(uint256 seed, uint256 jobId, uint256 i) private returns (bool) {
        uint64 nodeId = uint64(i + 1);
        address sender = (seed >> 16) % 2 == 0 ? _owners[i] : _signer(i);
        vm.prank(sender);
        try market.takeSlot(jobId, nodeId) {
            _ok("takeSlot");
            return true;
        } catch {
            return false;
        }
    }

    /// @notice A node reports a result (basic and standard), node-sent or signed and carried.
    function report(uint256 seed, uint96 invoice) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, LOW);
        if (!any) return;
        uint96 inv = (seed >> 24) % 2 == 0 ? 0 : invoice % 1 ether;
        for (uint256 k; k < NODES; ++k) if (_tryReport(seed, jobId, ((seed >> 8) + k) % NODES, inv)) return;
    }

    function _tryReport(uint256 seed, uint256 jobId, uint256 i, uint96 inv) private returns (bool) {
        uint64 nodeId = uint64(i + 1);
        bytes32 digest = _digest(seed >> 16);
        if ((seed >> 32) % 2 == 0) {
            vm.prank(_owners[i]);
            try market.report(jobId, nodeId, digest, inv, "r") {
                _ok("report");
                return true;
            } catch {
                return false;
            }
        }
        SignedReport[] memory reports = new SignedReport[](1);
        bytes32 h = JobMessages.reportHash(jobId, nodeId, digest, keccak256("r"), inv);
        reports[0] = SignedReport(jobId, nodeId, digest, inv, "r", _sign(_signerKeys[i], h));
        vm.prank(STRANGER);
        try market.reportSigned(reports) {
            _ok("reportSigned");
            return true;
        } catch {
            return false;
        }
    }

    /// @notice A node commits a seal (strict and cryptographic), node-sent or signed and carried.
    function commit(uint256 seed, uint96 invoice) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, HIGH);
        if (!any) return;
        uint96 inv = (seed >> 24) % 2 == 0 ? 0 : invoice % 1 ether;
        for (uint256 k; k < NODES; ++k) if (_tryCommit(seed, jobId, ((seed >> 8) + k) % NODES, inv)) return;
    }

    function _tryCommit(uint256 seed, uint256 jobId, uint256 i, uint96 inv) private returns (bool ok) {
        uint64 nodeId = uint64(i + 1);
        bytes32 digest = _digest(seed >> 16);
        bytes32 salt = keccak256(abi.encode(seed, i, "salt"));
        bytes32 seal = market.computeSeal(jobId, nodeId, digest, "r", inv, salt);
        if ((seed >> 32) % 2 == 0) {
            vm.prank(_signer(i));
            try market.commit(jobId, nodeId, seal) {
                ok = true;
            } catch {}
        } else {
            SignedCommit[] memory commits = new SignedCommit[](1);
            commits[0] = SignedCommit(
                jobId,
                nodeId,
                seal,
                _sign(_signerKeys[i], JobMessages.commitHash(jobId, nodeId, seal))
            );
            vm.prank(STRANGER);
            try market.commitSigned(commits) {
                ok = true;
            } catch {}
        }
        if (ok) {
            _salts[jobId][nodeId] = salt;
            _digests[jobId][nodeId] = digest;
            _invoices[jobId][nodeId] = inv;
            _ok("commit");
        }
    }

    /// @notice Anyone reveals the committed result in a slot (with a signed receipt at the cryptographic level).
    function reveal(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, 12 | REVEALABLE);
        if (!any) return;
        JobView memory j = market.job(jobId);
        if (j.n == 0) return;
        for (uint256 k; k < j.n; ++k) if (_tryReveal(jobId, j, uint8(((seed >> 8) + k) % j.n))) return;
    }

    function _tryReveal(uint256 jobId, JobView memory j, uint8 slot) private returns (bool) {
        uint64 nodeId = market.slotOf(jobId, slot).nodeId;
        Reveal memory r;
        r.digest = _digests[jobId][nodeId];
        r.salt = _salts[jobId][nodeId];
        r.invoice = _invoices[jobId][nodeId];
        r.resultURI = "r";
        r.usage = Usage(100, 90, 1 << 20);
        if (j.level == VerificationLevel.Cryptographic && nodeId != 0) {
            r.receiptSignature = _sign(_signerKeys[nodeId - 1], _receiptHash(jobId, j, r));
        }
        vm.prank(STRANGER);
        try market.reveal(jobId, slot, r) {
            _ok("reveal");
            return true;
        } catch {
            return false;
        }
    }

    function _receiptHash(uint256 jobId, JobView memory j, Reveal memory r) private pure returns (bytes32) {
        bytes memory head = abi.encode(JobMessages.RECEIPT_TYPEHASH, jobId, j.specHash, j.runtime, r.digest);
        return
            keccak256(
                bytes.concat(
                    head,
                    abi.encode(keccak256("r"), r.usage.wallMs, r.usage.cpuMs, r.usage.peakMemory)
                )
            );
    }

    // ═════════════════════════════ anyone ═════════════════════════════

    /// @notice Anyone settles (or expires) a job.
    function settle(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _openJob(seed, (seed >> 128) % 2 == 0 ? 15 | DUE : 15);
        if (!any) return;
        vm.prank(STRANGER);
        try market.settle(jobId) {
            _ok("settle");
        } catch {}
    }

    /// @notice Time passes: up to three days.
    function warp(uint32 secondsAhead) external step {
        // Mostly short steps (inside the windows), sometimes past every deadline.
        vm.warp(
            block.timestamp + (secondsAhead % 8 == 0 ? secondsAhead % 3 days : secondsAhead % 30 minutes)
        );
        _ok("warp");
    }

    /// @notice An account (requester, stranger, treasury or node owner) withdraws one token.
    function withdraw(uint256 seed) external step {
        seed = _mix(seed);
        uint256 k = seed % (ACCOUNTS + NODES);
        address who = k < ACCOUNTS ? _accounts[k] : _owners[k - ACCOUNTS];
        vm.prank(who);
        try market.withdraw((seed >> 8) % 2 == 0 ? address(0) : address(token)) {
            _ok("withdraw");
        } catch {}
    }

    // ═════════════════════════════ bonds and membership ═════════════════════════════

    /// @notice The node's owner tops up its bond.
    function bond(uint256 seed, uint96 amount) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        uint96 a = amount % 5 ether;
        bool erc20 = i >= 4;
        _fund(_owners[i], erc20 ? address(token) : address(0), a);
        vm.prank(_owners[i]);
        try registry.bond{value: erc20 ? 0 : a}(nodeId, a) {
            deposited[nodeId] += a;
            _ok("bond");
        } catch {}
    }

    /// @notice The node's owner asks to withdraw part of its bond.
    function requestUnbond(uint256 seed, uint96 amount) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        vm.prank(_owners[i]);
        // An unbonding node takes no work: cancel twice as often as request, to keep nodes working.
        if ((seed >> 8) % 3 == 0) {
            try registry.requestUnbond(nodeId, amount % 25 ether) {
                _ok("requestUnbond");
            } catch {}
        } else {
            try registry.cancelUnbond(nodeId) {
                _ok("cancelUnbond");
            } catch {}
        }
    }

    /// @notice The node's owner cancels its unbonding request.
    function cancelUnbond(uint256 seed) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        vm.prank(_owners[i]);
        try registry.cancelUnbond(nodeId) {
            _ok("cancelUnbond");
        } catch {}
    }

    /// @notice The node's owner withdraws what its request allows.
    function withdrawBond(uint256 seed) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        vm.prank(_owners[i]);
        try registry.withdrawBond(nodeId) returns (uint96 amount) {
            withdrawn[nodeId] += amount;
            _ok("withdrawBond");
        } catch {}
    }

    /// @notice The node's owner pauses, resumes or (rarely) deregisters it.
    function setNodeStatus(uint256 seed) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        uint256 what = (seed >> 8) % 16;
        vm.prank(_owners[i]);
        if (what < 2) {
            try registry.pauseNode(nodeId) {
                _ok("pauseNode");
            } catch {}
        } else if (what < 15) {
            try registry.resumeNode(nodeId) {
                _ok("resumeNode");
            } catch {}
        } else {
            try registry.deregister(nodeId) {
                _ok("deregister");
            } catch {}
        }
    }

    /// @notice The node's owner rotates its signer: to one of two keys, or to the owner itself
    ///         (which the market keeps as no copy at all), possibly mid-job.
    function rotateSigner(uint256 seed) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        uint256 choice = (seed >> 8) % 3;
        uint256 key = choice == 2 ? 0 : (choice == 0 ? 0x5100 : 0x5200) + i;
        vm.prank(_owners[i]);
        try registry.setSigner(nodeId, key == 0 ? _owners[i] : vm.addr(key)) {
            _signerKeys[i] = key;
            _ok("rotateSigner");
        } catch {}
    }

    function _signer(uint256 i) private returns (address) {
        return _signerKeys[i] == 0 ? _owners[i] : vm.addr(_signerKeys[i]);
    }

    /// @notice The node's owner leaves or joins a pool, possibly mid-job.
    function membership(uint256 seed) external step {
        seed = _mix(seed);
        (uint64 nodeId, uint256 i) = _node(seed);
        uint64 poolId = _poolIds[(seed >> 8) % POOLS];
        vm.prank(_owners[i]);
        if ((seed >> 16) % 4 == 0) {
            try pools.leavePool(poolId, nodeId) {
                _ok("leavePool");
            } catch {}
        } else {
            try pools.joinPool(poolId, nodeId) {
                _ok("joinPool");
            } catch {}
        }
    }

    // ═════════════════════════════ disputes ═════════════════════════════

    /// @notice The requester or a winner's owner disputes a settlement with the deposit.
    function raiseDispute(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _job(seed);
        if (!any || _records[jobId].length == 0) return;
        SettlementRecord memory rec = abi.decode(_records[jobId], (SettlementRecord));
        address who = rec.requester;
        if ((seed >> 8) % 2 == 0 && rec.nodes.length != 0) {
            (address owner, ) = registry.nodeOwner(rec.nodes[(seed >> 16) % rec.nodes.length]);
            who = owner;
        }
        (, , , , uint96 deposit, ) = market.params();
        vm.deal(who, who.balance + deposit);
        vm.prank(who);
        try market.raiseDispute{value: deposit}(jobId, rec, "evidence") {
            _ok("raiseDispute");
        } catch {}
    }

    /// @notice The arbiter (this handler) upholds or overturns.
    function rule(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _job(seed);
        if (!any || _records[jobId].length == 0) return;
        SettlementRecord memory rec = abi.decode(_records[jobId], (SettlementRecord));
        try market.rule(jobId, (seed >> 8) % 2 == 0, rec) {
            _ok("rule");
        } catch {}
    }

    /// @notice Anyone finalizes a dispute after its deadline.
    function finalizeDispute(uint256 seed) external step {
        seed = _mix(seed);
        (bool any, uint256 jobId) = _job(seed);
        if (!any) return;
        vm.prank(STRANGER);
        try market.finalizeDispute(jobId) {
            _ok("finalizeDispute");
        } catch {}
    }

    /// @notice The arbiter hook: accepts every dispute (the handler rules later).
    function onDisputeRaised(uint256, address, uint32, string calldata) external {}
}
