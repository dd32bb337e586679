// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "../NodeRegistry.sol";
import {PoolRegistry} from "../PoolRegistry.sol";
import {JobMarket} from "../JobMarket.sol";
import {JobMarketSettlement} from "../JobMarketSettlement.sol";
import {JobMarketExtension} from "../JobMarketExtension.sol";
import {MockERC20} from "../test/MockERC20.sol";
import {INodeCollateral} from "../interfaces/INodeCollateral.sol";
import {BondInfo} from "../types/NodeTypes.sol";
import {Dispute, JobStatus, JobView, SlotView} from "../types/Job.sol";
import {InvariantVm, VM_ADDRESS} from "./InvariantVm.t.sol";
import {ProtocolHandler} from "./ProtocolHandler.t.sol";

/// @title Protocol invariants over random sequences of every step
/// @notice NodeRegistry + PoolRegistry + JobMarket (with both delegated modules) deployed for real,
///         six nodes (four ETH-bonded, two ERC-20-bonded), six pools (every verification level, five
///         strategies), jobs in ETH and in a MockERC20. The fuzzer calls `ProtocolHandler`'s steps
///         in random order with random inputs; after EVERY step `invariant_accounting` checks:
///         - conservation, per token: the market holds exactly open escrow + every account's
///           available and held balances + open dispute deposits; the registry holds exactly the
///           sum of its nodes' bonds;
///         - each node's locked collateral equals the collateral of the open-job slots it holds;
///         - each node's bond equals what it deposited minus what it withdrew minus what was
///           slashed (so slashed collateral is never paid out to its owner), and what
///           `withdrawBond` would pay never exceeds bond - locked;
///         - every reputation score lies in [0, 1e6].
///         After each run `afterInvariant` warps past every deadline, settles every open job with
///         the public functions, finalizes every dispute, and then drains: all jobs are final, no
///         collateral stays locked, every account withdraws, every node unbonds and withdraws, and
///         the market and registry end holding exactly zero of every token.
/// @dev Calls per CI run = runs x depth from the inline config below: 64 x 160 = 10,240 handler calls.
contract ProtocolInvariants {
    InvariantVm private constant vm = InvariantVm(VM_ADDRESS);

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    error Conservation(string what, uint256 held, uint256 owed);
    error LockMismatch(uint64 nodeId, uint256 locked, uint256 expected);
    error BondMismatch(uint64 nodeId, uint256 bond, uint256 deposited, uint256 withdrawn, uint256 slashed);
    error WithdrawableTooHigh(uint64 nodeId, uint256 withdrawable, uint256 free);
    error ReputationOutOfRange(uint64 nodeId, uint256 score);
    error JobNotFinal(uint256 jobId, JobStatus status);
    error DisputeOpen(uint256 jobId);
    error Stuck(string what, uint256 amount);
    error Terms(string what, uint256 jobId);
    error SignerCopy(uint64 nodeId, address copy, address expected);

    /// @dev NodeAccounts' ERC-7201 location in the market's storage (its `accounts` mapping is the
    ///      first member; a node's account is key, money, signer from its mapping slot).
    bytes32 private constant NODE_ACCOUNTS =
        0x0b1e0f2ef37b2bbdbd58fcc3121bd9302b9e162058e9f8955e6086783e488f00;

    NodeRegistry private registry;
    PoolRegistry private pools;
    JobMarket private market;
    MockERC20 private token;
    ProtocolHandler private handler;

    function setUp() public {
        registry = new NodeRegistry(address(this), 0.1 ether, 1 hours, 1 hours);
        token = new MockERC20("Mock", "MOCK", 18);
        registry.setBondToken(address(token), true, 1e18);
        INodeCollateral nodes = INodeCollateral(address(registry));
        PoolRegistry poolModule = new PoolRegistry(address(registry));
        JobMarketSettlement settlement = new JobMarketSettlement(nodes);
        JobMarketExtension extension = new JobMarketExtension(nodes, address(settlement));
        market = new JobMarket(
            nodes,
            address(poolModule),
            address(settlement),
            address(extension),
            address(this),
            address(0x7EA5),
            250,
            address(0),
            1 days,
            0.01 ether,
            2 days
        );
        market.setTokenAllowed(address(token), true);
        registry.setJobMarket(address(market));
        pools = PoolRegistry(address(market)); // the pool functions run at the market's address
        handler = new ProtocolHandler(registry, pools, market, token);
        market.setArbiter(address(handler));
    }

    /// @notice The fuzzer calls only the handler's steps.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice ...and of the handler only its step functions (not its views).
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory s = new bytes4[](23);
        s[0] = ProtocolHandler.post.selector;
        s[1] = ProtocolHandler.post.selector; // posting twice as often keeps jobs flowing
        s[2] = ProtocolHandler.cancel.selector;
        s[3] = ProtocolHandler.takeSlot.selector;
        s[4] = ProtocolHandler.report.selector;
        s[5] = ProtocolHandler.report.selector;
        s[6] = ProtocolHandler.commit.selector;
        s[7] = ProtocolHandler.commit.selector;
        s[8] = ProtocolHandler.reveal.selector;
        s[9] = ProtocolHandler.settle.selector;
        s[10] = ProtocolHandler.warp.selector;
        s[11] = ProtocolHandler.withdraw.selector;
        s[12] = ProtocolHandler.bond.selector;
        s[13] = ProtocolHandler.requestUnbond.selector;
        s[14] = ProtocolHandler.withdrawBond.selector;
        s[15] = ProtocolHandler.setNodeStatus.selector;
        s[16] = ProtocolHandler.membership.selector;
        s[17] = ProtocolHandler.raiseDispute.selector;
        s[18] = ProtocolHandler.rule.selector;
        s[19] = ProtocolHandler.finalizeDispute.selector;
        s[20] = ProtocolHandler.cancelUnbond.selector;
        s[21] = ProtocolHandler.topUp.selector;
        s[22] = ProtocolHandler.rotateSigner.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), s);
    }

    // ═════════════════════════════ after every step ═════════════════════════════

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 160
    /// forge-config: default.invariant.fail-on-revert = false
    function invariant_accounting() public view {
        _checkMarketConservation();
        _checkNodes();
        _checkTerms();
        _checkSigners();
    }

    /// @dev The market checks signed messages against its copy of each node's signer: it must be
    ///      the registry's, stored as nothing when the signer is the owner (read from the market's
    ///      storage: the copy has no view of its own).
    function _checkSigners() private view {
        for (uint64 id = 1; id <= 6; ++id) {
            (address owner, ) = registry.nodeOwner(id);
            address signer = registry.signerOf(id);
            uint256 account = uint256(keccak256(abi.encode(uint256(id), NODE_ACCOUNTS)));
            address copy = address(uint160(uint256(vm.load(address(market), bytes32(account + 2)))));
            address expected = signer == owner ? address(0) : signer;
            if (copy != expected) revert SignerCopy(id, copy, expected);
        }
    }

    /// @dev Every open job's terms (kept in a recycled slot row) are its own: a row shared by two
    ///      open jobs, or one taken back while its job is open, would show another job's requester
    ///      or price. An ended job shows none (its one word is status and settlement hash).
    function _checkTerms() private view {
        uint256 jobs = handler.jobCount();
        for (uint256 i; i < jobs; ++i) {
            uint256 jobId = handler.jobAt(i);
            JobView memory j = market.job(jobId);
            if (j.status == JobStatus.Open) {
                if (j.requester != handler.requesterOf(jobId)) revert Terms("requester", jobId);
                if (j.pricePerNode != handler.priceOf(jobId)) revert Terms("price", jobId);
            } else if (j.requester != address(0) || j.pricePerNode != 0 || j.n != 0) {
                revert Terms("ended job shows terms", jobId);
            }
        }
    }

    function _checkMarketConservation() private view {
        uint256 ethOwed;
        uint256 tokenOwed;
        uint256 jobs = handler.jobCount();
        for (uint256 i; i < jobs; ++i) {
            uint256 jobId = handler.jobAt(i);
            JobView memory j = market.job(jobId);
            if (j.status == JobStatus.Open) {
                uint256 escrow = uint256(j.n) * j.pricePerNode;
                if (j.token == address(0)) ethOwed += escrow;
                else tokenOwed += escrow;
            }
            Dispute memory d = market.disputeOf(jobId);
            if (d.disputer != address(0) && !d.resolved) ethOwed += d.deposit;
        }
        for (uint256 i; i < 4; ++i) {
            ethOwed += _balance(handler.accountAt(i), address(0));
            tokenOwed += _balance(handler.accountAt(i), address(token));
        }
        for (uint256 i; i < 6; ++i) {
            ethOwed += _balance(handler.ownerOf(i), address(0));
            tokenOwed += _balance(handler.ownerOf(i), address(token));
        }
        if (address(market).balance != ethOwed)
            revert Conservation("market ETH", address(market).balance, ethOwed);
        uint256 tokenHeld = token.balanceOf(address(market));
        if (tokenHeld != tokenOwed) revert Conservation("market token", tokenHeld, tokenOwed);
    }

    function _balance(address account, address t) private view returns (uint256) {
        (uint256 available, uint256 held, ) = market.balanceDetails(account, t);
        return available + held;
    }

    function _checkNodes() private view {
        uint256[7] memory expectedLock = _expectedLocks();
        uint256 ethBonds;
        uint256 tokenBonds;
        for (uint64 id = 1; id <= 6; ++id) {
            BondInfo memory b = registry.bondInfo(id);
            if (b.token == address(0)) ethBonds += b.bond;
            else tokenBonds += b.bond;
            if (b.locked != expectedLock[id]) revert LockMismatch(id, b.locked, expectedLock[id]);
            uint256 dep = handler.deposited(id);
            uint256 wd = handler.withdrawn(id);
            uint256 sl = handler.slashed(id);
            if (uint256(b.bond) + wd + sl != dep) revert BondMismatch(id, b.bond, dep, wd, sl);
            if (b.withdrawable > b.bond - b.locked)
                revert WithdrawableTooHigh(id, b.withdrawable, b.bond - b.locked);
            (uint32 score, , , , ) = registry.reputation(id);
            if (score > 1_000_000) revert ReputationOutOfRange(id, score);
        }
        if (address(registry).balance != ethBonds) {
            revert Conservation("registry ETH", address(registry).balance, ethBonds);
        }
        uint256 tokenHeld = token.balanceOf(address(registry));
        if (tokenHeld != tokenBonds) revert Conservation("registry token", tokenHeld, tokenBonds);
    }

    /// @dev The collateral each node should have locked: its taken slots of open jobs.
    function _expectedLocks() private view returns (uint256[7] memory locks) {
        uint256 jobs = handler.jobCount();
        for (uint256 i; i < jobs; ++i) {
            uint256 jobId = handler.jobAt(i);
            JobView memory j = market.job(jobId);
            if (j.status != JobStatus.Open) continue;
            for (uint8 s; s < j.n; ++s) {
                SlotView memory v = market.slotOf(jobId, s);
                if (v.taken) locks[v.nodeId] += j.collateralPerNode;
            }
        }
    }

    // ═════════════════════════════ after every run ═════════════════════════════

    /// @notice Past every deadline, the public functions make every job final and free every wei.
    function afterInvariant() public {
        uint256 snap = vm.snapshotState();
        _finalizeEverything();
        _drainEverything();
        vm.revertToState(snap);
    }

    function _finalizeEverything() private {
        // Longest job life: 2 days commit + 2 days reveal; then challenge 1 day + dispute 2 days.
        vm.warp(block.timestamp + 30 days);
        uint256 jobs = handler.jobCount();
        for (uint256 i; i < jobs; ++i) {
            uint256 jobId = handler.jobAt(i);
            if (market.job(jobId).status == JobStatus.Open) market.settle(jobId);
            Dispute memory d = market.disputeOf(jobId);
            if (d.disputer != address(0) && !d.resolved) market.finalizeDispute(jobId);
        }
        vm.warp(block.timestamp + 30 days); // every hold has matured
        for (uint256 i; i < jobs; ++i) {
            uint256 jobId = handler.jobAt(i);
            JobStatus s = market.job(jobId).status;
            if (s != JobStatus.Settled && s != JobStatus.Cancelled) revert JobNotFinal(jobId, s);
            Dispute memory d = market.disputeOf(jobId);
            if (d.disputer != address(0) && !d.resolved) revert DisputeOpen(jobId);
        }
    }

    function _drainEverything() private {
        for (uint256 i; i < 4; ++i) _withdrawAll(handler.accountAt(i));
        for (uint256 i; i < 6; ++i) _withdrawAll(handler.ownerOf(i));
        if (address(market).balance != 0) revert Stuck("market ETH", address(market).balance);
        if (token.balanceOf(address(market)) != 0)
            revert Stuck("market token", token.balanceOf(address(market)));
        for (uint64 id = 1; id <= 6; ++id) {
            BondInfo memory b = registry.bondInfo(id);
            if (b.locked != 0) revert Stuck("locked collateral", b.locked);
            address owner = handler.ownerOf(id - 1);
            if (b.unbonding != 0) {
                vm.prank(owner);
                registry.withdrawBond(id);
            }
            uint96 left = registry.bondInfo(id).bond;
            if (left != 0) {
                vm.prank(owner);
                registry.requestUnbond(id, left);
                vm.warp(block.timestamp + 2 hours);
                vm.prank(owner);
                registry.withdrawBond(id);
            }
        }
        if (address(registry).balance != 0) revert Stuck("registry ETH", address(registry).balance);
        if (token.balanceOf(address(registry)) != 0)
            revert Stuck("registry token", token.balanceOf(address(registry)));
    }

    function _withdrawAll(address account) private {
        if (market.balanceOf(account, address(0)) != 0) {
            vm.prank(account);
            market.withdraw(address(0));
        }
        if (market.balanceOf(account, address(token)) != 0) {
            vm.prank(account);
            market.withdraw(address(token));
        }
    }
}
