// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "./NodeRegistry.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {JobMarketHarness} from "./test/JobMarketHarness.sol";
import {Outcome} from "./types/Policy.sol";
import {BondInfo, Capabilities, Prices} from "./types/NodeTypes.sol";

/// @dev The cheatcodes these tests need (forge-std is not available here).
interface EdgesVm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function warp(uint256 timestamp) external;
    function deal(address account, uint256 balance) external;
    function expectRevert(bytes calldata revertData) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @dev A node owner that refuses ETH, so paying it its bond back must fail loudly.
contract EthRefusingOwner {
    function register(
        NodeRegistry registry,
        Capabilities calldata c,
        Prices calldata p
    ) external payable returns (uint64) {
        return
            registry.register{value: msg.value}(
                address(this),
                address(0),
                uint96(msg.value),
                c,
                p,
                bytes32(0),
                ""
            );
    }

    function requestUnbond(NodeRegistry registry, uint64 nodeId, uint96 amount) external {
        registry.requestUnbond(nodeId, amount);
    }

    function withdrawBond(NodeRegistry registry, uint64 nodeId) external {
        registry.withdrawBond(nodeId);
    }
}

/// @notice NodeRegistry paths the fuzzed and mocha suites leave out (found by `npm run coverage`):
///         pausing twice, a no-op signer change, deregistering with a pending unbond and no bond
///         left, unknown nodes in the market hooks, empty pages, bond overflow, an owner that
///         refuses ETH, and the liveness of a node that does not exist. The test contract is the
///         registry's owner and a node owner; JobMarketHarness (the market's ledger code) is the market.
contract NodeRegistryEdgesTest {
    EdgesVm private constant vm = EdgesVm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 private constant DELAY = 1 days;
    uint96 private constant BOND = 10 ether;

    NodeRegistry private registry;
    JobMarketHarness private market;

    error Failed(string what, uint256 got, uint256 expected);

    receive() external payable {}

    function setUp() public {
        registry = new NodeRegistry(address(this), 1 ether, DELAY, 1 hours);
        market = new JobMarketHarness(registry);
        registry.setJobMarket(address(market));
        vm.deal(address(this), 1_000 ether);
    }

    function _eq(uint256 got, uint256 expected, string memory what) private pure {
        if (got != expected) revert Failed(what, got, expected);
    }

    function _caps() private pure returns (Capabilities memory c) {
        c.gpuCount = 1;
        c.region = bytes16("us-east-1");
    }

    function _prices() private pure returns (Prices memory p) {
        p.gpuHour = 1;
    }

    function _register() private returns (uint64) {
        return
            registry.register{value: BOND}(
                address(0xA11CE),
                address(0),
                BOND,
                _caps(),
                _prices(),
                bytes32(0),
                ""
            );
    }

    function test_pause_refusesRepeatsAndPausedReportsIt() public {
        _eq(registry.paused() ? 1 : 0, 0, "paused at start");
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.ExpectedPause.selector));
        registry.unpause();
        registry.pause();
        _eq(registry.paused() ? 1 : 0, 1, "paused after pause");
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.EnforcedPause.selector));
        registry.pause();
        registry.unpause();
        _eq(registry.paused() ? 1 : 0, 0, "paused after unpause");
    }

    function test_setSigner_sameSignerWritesAndEmitsNothing() public {
        uint64 id = _register();
        vm.recordLogs();
        registry.setSigner(id, address(0xA11CE));
        _eq(vm.getRecordedLogs().length, 0, "events for an unchanged signer");
        registry.setSigner(id, address(0xB0B));
        EdgesVm.Log[] memory logs = vm.getRecordedLogs();
        _eq(logs.length, 1, "events for a new signer");
        _eq(uint256(logs[0].topics[0]), uint256(INodeRegistry.SignerChanged.selector), "event");
        _eq(uint256(logs[0].topics[3]), uint256(uint160(address(0xB0B))), "new signer");
        _eq(uint160(registry.nodeForJob(id).signer), uint160(address(0xB0B)), "signer");
    }

    /// @dev A pending unbond whose bond was slashed away entirely: deregistering clears it, so the
    ///      node can never withdraw bond it no longer has.
    function test_deregister_clearsAPendingUnbondWhenNoBondIsLeft() public {
        uint64 id = _register();
        uint96 collateral = 4 ether;
        market.lock(id, collateral);
        registry.requestUnbond(id, BOND - collateral);
        market.slash(id, collateral, Outcome.Slashed);
        (, uint96 taken) = market.slashFree(id, BOND);
        _eq(taken, BOND - collateral, "free bond slashed");
        BondInfo memory b = registry.bondInfo(id);
        _eq(b.bond, 0, "bond left");
        _eq(b.unbonding, BOND - collateral, "unbonding before deregister");

        registry.deregister(id);
        b = registry.bondInfo(id);
        _eq(b.unbonding, 0, "unbonding after deregister");
        _eq(b.unbondReadyAt, 0, "unbond ready-at after deregister");
        vm.warp(block.timestamp + DELAY + 1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeRegistryNoUnbonding.selector, id));
        registry.withdrawBond(id);
    }

    function test_ledger_refusesUnknownNodes() public {
        _register();
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeRegistryUnknownNode.selector, uint64(7)));
        market.slash(7, 1, Outcome.Slashed);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeRegistryUnknownNode.selector, uint64(7)));
        market.slashFree(7, 1);
        vm.expectRevert(abi.encodeWithSelector(INodeRegistry.NodeRegistryUnknownNode.selector, uint64(7)));
        market.release(7, 0, Outcome.Completed);
    }

    function test_getNodeStates_emptyBeyondTheLastNodeOrForCountZero() public {
        _register();
        _eq(registry.getNodeStates(1, 5).length, 4, "one node, four words");
        _eq(registry.getNodeStates(2, 5).length, 0, "from beyond the last node");
        _eq(registry.getNodeStates(1, 0).length, 0, "count zero");
        _eq(registry.getNodes(2, 5).length, 0, "views beyond the last node");
    }

    function test_bond_refusesATotalAboveUint96() public {
        uint64 id = _register();
        uint96 amount = type(uint96).max;
        vm.deal(address(this), uint256(amount) + 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                INodeRegistry.NodeRegistryBondOverflow.selector,
                id,
                uint256(BOND) + uint256(amount)
            )
        );
        registry.bond{value: amount}(id, amount);
        _eq(registry.bondInfo(id).bond, BOND, "bond after the refused top-up");
    }

    function test_withdrawBond_toAnOwnerRefusingEthReverts() public {
        EthRefusingOwner owner = new EthRefusingOwner();
        uint64 id = owner.register{value: BOND}(registry, _caps(), _prices());
        owner.requestUnbond(registry, id, BOND);
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(INodeRegistry.NodeRegistryEthTransferFailed.selector, address(owner), BOND)
        );
        owner.withdrawBond(registry, id);
        _eq(registry.bondInfo(id).bond, BOND, "bond kept after the failed payment");
        _eq(address(registry).balance, BOND, "registry balance");
    }

    function test_liveness_ofAnUnknownNodeIsZero() public {
        _register();
        vm.warp(block.timestamp + 10 hours);
        (uint32 lastSeen, uint32 availability) = registry.liveness(99);
        _eq(lastSeen, 0, "last seen");
        _eq(availability, 0, "availability");
        (, availability) = registry.liveness(1);
        if (availability == 0) revert Failed("a registered node's availability", 0, 1);
    }
}
