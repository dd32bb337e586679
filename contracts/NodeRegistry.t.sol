// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "./NodeRegistry.sol";
import {JobMarketHarness} from "./test/JobMarketHarness.sol";
import {MockERC20} from "./test/MockERC20.sol";
import {Outcome} from "./types/Policy.sol";
import {BondInfo, Capabilities, Prices} from "./types/NodeTypes.sol";

/// @dev The few cheatcodes these tests need (forge-std is not available here).
interface RegistryVm {
    function warp(uint256 timestamp) external;
    function deal(address account, uint256 balance) external;
    function expectRevert(bytes calldata revertData) external;
}

/// @notice Fuzzed sequences of bond / lock / release / slash / unbond / withdraw, checking after every
///         step that the registry holds exactly what it owes and never pays out locked or slashed bond.
///         The test contract owns the nodes; JobMarketHarness (the market's ledger code) is the market.
contract NodeRegistryTest {
    RegistryVm private constant vm = RegistryVm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 private constant DELAY = 7 days;

    NodeRegistry private registry;
    JobMarketHarness private market;
    MockERC20 private token;

    // Withdrawals arrive here (we own the nodes); slashes go to the market.
    receive() external payable {}

    function setUp() public {
        registry = new NodeRegistry(address(this), 1, DELAY, 1 hours);
        token = new MockERC20("Mock", "M", 18);
        registry.setBondToken(address(token), true, 1);
        market = new JobMarketHarness(registry);
        registry.setJobMarket(address(market));
        vm.deal(address(this), type(uint128).max);
        token.mint(address(this), type(uint128).max);
        token.approve(address(registry), type(uint256).max);
    }

    function _bound(uint256 x, uint256 lo, uint256 hi) private pure returns (uint256) {
        if (hi <= lo) return lo;
        return lo + (x % (hi - lo + 1));
    }

    function _caps() private pure returns (Capabilities memory c) {
        c.gpuCount = 1;
        c.region = bytes16("us-east-1");
    }

    function _prices() private pure returns (Prices memory p) {
        p.gpuHour = 1;
    }

    function _register(address bondToken, uint96 amount) private returns (uint64) {
        uint256 value = bondToken == address(0) ? amount : 0;
        return
            registry.register{value: value}(
                address(this),
                bondToken,
                amount,
                _caps(),
                _prices(),
                bytes32(0),
                ""
            );
    }

    /// @dev Invariant: the registry's balance of each token equals the sum of the bonds it holds in it
    ///      (one node per token here), and withdrawable never exceeds bond - locked.
    function _checkInvariants(uint64 ethNode, uint64 tokenNode) private view {
        BondInfo memory e = registry.bondInfo(ethNode);
        BondInfo memory t = registry.bondInfo(tokenNode);
        require(address(registry).balance == e.bond, "ETH held != ETH owed");
        require(token.balanceOf(address(registry)) == t.bond, "tokens held != tokens owed");
        require(e.locked <= e.bond && t.locked <= t.bond, "locked > bond");
        require(e.withdrawable <= e.bond - e.locked, "withdrawable includes locked");
        require(t.withdrawable <= t.bond - t.locked, "withdrawable includes locked");
    }

    // Fuzz state kept in storage so each step is its own small function (the legacy pipeline's
    // stack is too shallow for the whole sequence in one frame).
    uint64 private _ethNode;
    uint64 private _tokenNode;
    uint64 private _node;
    bool private _useToken;

    function _check() private view {
        _checkInvariants(_ethNode, _tokenNode);
    }

    function testFuzz_bondLockSlashUnbondWithdraw(
        uint96 bondSeed,
        uint96 lockSeed,
        uint96 slashSeed,
        uint96 releaseSeed,
        uint96 freeSlashSeed,
        uint96 unbondSeed,
        uint32 waitSeed,
        bool useToken
    ) public {
        _ethNode = _register(address(0), uint96(_bound(bondSeed, 1, 1e27)));
        _tokenNode = _register(address(token), uint96(_bound(bondSeed, 1, 1e27)));
        _node = useToken ? _tokenNode : _ethNode;
        _useToken = useToken;
        _check();
        _stepLockSlashRelease(lockSeed, slashSeed, releaseSeed);
        _stepUnbondAndWithdraw(unbondSeed, freeSlashSeed, waitSeed);
    }

    function _stepLockSlashRelease(
        uint96 lockSeed,
        uint96 slashSeed,
        uint96 releaseSeed
    ) private returns (uint96) {
        BondInfo memory info = registry.bondInfo(_node);
        uint96 lockAmount = uint96(_bound(lockSeed, 0, info.bond));
        market.lock(_node, lockAmount);
        _check();

        uint96 slashAmount = uint96(_bound(slashSeed, 0, lockAmount));
        uint256 ethBefore = address(market).balance;
        uint256 tokBefore = token.balanceOf(address(market));
        market.slash(_node, slashAmount, Outcome.Slashed);
        if (_useToken) require(token.balanceOf(address(market)) - tokBefore == slashAmount, "slash not paid");
        else require(address(market).balance - ethBefore == slashAmount, "slash not paid");
        _check();

        uint96 releaseAmount = uint96(_bound(releaseSeed, 0, lockAmount - slashAmount));
        uint64[] memory ids = new uint64[](1);
        Outcome[] memory outcomes = new Outcome[](1);
        ids[0] = _node;
        outcomes[0] = Outcome.Completed;
        market.releaseBatch(ids, releaseAmount, outcomes);
        _check();
        return lockAmount - slashAmount - releaseAmount;
    }

    function _stepUnbondAndWithdraw(uint96 unbondSeed, uint96 freeSlashSeed, uint32 waitSeed) private {
        BondInfo memory info = registry.bondInfo(_node);
        uint96 free = info.bond - info.locked;
        if (free == 0) return;
        uint96 unbondAmount = uint96(_bound(unbondSeed, 1, free));
        registry.requestUnbond(_node, unbondAmount);
        _check();
        // A dispute may still take free bond while it is unbonding.
        market.slashFree(_node, uint96(_bound(freeSlashSeed, 0, free)));
        _check();

        vm.warp(block.timestamp + _bound(waitSeed, 0, 2 * uint256(DELAY)));
        info = registry.bondInfo(_node);
        if (block.timestamp < info.unbondReadyAt) {
            vm.expectRevert(
                abi.encodeWithSignature(
                    "NodeRegistryUnbondingNotReady(uint64,uint32,uint256)",
                    _node,
                    info.unbondReadyAt,
                    block.timestamp
                )
            );
            registry.withdrawBond(_node);
        } else {
            uint96 freeNow = info.bond - info.locked;
            uint96 expected = info.unbonding < freeNow ? info.unbonding : freeNow;
            uint96 paid = registry.withdrawBond(_node);
            require(paid == expected, "paid != min(request, free)");
            require(paid <= unbondAmount, "paid more than requested");
            require(registry.bondInfo(_node).locked == info.locked, "withdraw touched the lock");
        }
        _check();
    }

    function testFuzz_lockedNeverWithdrawable(uint96 bondSeed, uint96 lockSeed) public {
        uint96 bondAmount = uint96(_bound(bondSeed, 1, 1e27));
        uint64 node = _register(address(0), bondAmount);
        uint64 other = _register(address(token), 1);
        uint96 locked = uint96(_bound(lockSeed, 1, bondAmount));
        market.lock(node, locked);
        if (locked < bondAmount) {
            registry.requestUnbond(node, bondAmount - locked);
            vm.warp(block.timestamp + DELAY);
            require(registry.withdrawBond(node) == bondAmount - locked, "paid the free part");
        }
        require(address(registry).balance == locked, "the lock stays in the registry");
        vm.expectRevert(
            abi.encodeWithSignature(
                "NodeRegistryInsufficientFreeBond(uint64,uint96,uint96)",
                node,
                uint96(0),
                uint96(1)
            )
        );
        registry.requestUnbond(node, 1);
        _checkInvariants(node, other);
    }

    function test_reputationStartsNeutralAndFollowsFormula() public {
        uint64 node = _register(address(0), 10);
        (uint32 score, , , , ) = registry.reputation(node);
        require(score == 500_000, "neutral start");
        uint64[] memory ids = new uint64[](4);
        Outcome[] memory outcomes = new Outcome[](4);
        (ids[0], ids[1], ids[2], ids[3]) = (node, node, node, node);
        (outcomes[0], outcomes[1], outcomes[2], outcomes[3]) = (
            Outcome.Completed,
            Outcome.Completed,
            Outcome.Failed,
            Outcome.DisputeLost
        );
        // Releasing nothing only records the outcomes.
        market.releaseBatch(ids, 0, outcomes);
        (score, , , , ) = registry.reputation(node);
        // 1e6 * (2 + 1) / (2 + 1 + 8 + 2) = 230769
        require(score == 230_769, "formula");
    }
}
