// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeRegistry} from "./NodeRegistry.sol";
import {PoolRegistry} from "./PoolRegistry.sol";
import {JobMarket} from "./JobMarket.sol";
import {JobMarketSettlement} from "./JobMarketSettlement.sol";
import {JobMarketExtension} from "./JobMarketExtension.sol";
import {INodeCollateral} from "./interfaces/INodeCollateral.sol";
import {ConsensusStrategy, VerificationLevel, PoolPolicy} from "./types/Policy.sol";
import {PoolRequirements} from "./types/PoolTypes.sol";
import {Capabilities, Prices} from "./types/NodeTypes.sol";
import {JobRequest, JobStatus, JobView, Reveal, SlotView, Usage} from "./types/Job.sol";

/// @dev The few cheatcodes this suite needs (forge-std is not available here).
interface MarketVm {
    function warp(uint256 timestamp) external;
    function deal(address account, uint256 balance) external;
    function prank(address sender) external;
}

/// @notice Fuzzed sequences of post / take+report / commit / reveal / settle / cancel / time /
///         withdraw / top-up over the REAL registries and market, checking after every step that the
///         market's ETH equals open escrow + credited balances, and the registry's ETH equals
///         the nodes' bonds. Invalid steps are expected to revert and are simply skipped.
contract JobMarketTest {
    MarketVm private constant vm = MarketVm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 private constant NODES = 4;
    uint96 private constant BOND = 10 ether;

    NodeRegistry private registry;
    PoolRegistry private pools;
    JobMarket private market;
    address private constant TREASURY = address(0x7EA5);
    uint64 private standardPool;
    uint64 private strictPool;
    address[NODES] private owners;
    uint256[] private jobs;
    mapping(uint256 jobId => mapping(uint64 nodeId => bytes32 salt)) private salts;
    mapping(uint256 jobId => mapping(uint64 nodeId => bytes32 digest)) private digests;

    error Conservation(string what, uint256 held, uint256 owed);

    receive() external payable {}

    function setUp() public {
        registry = new NodeRegistry(address(this), 0.1 ether, 1 hours, 1 hours);
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
            TREASURY,
            250,
            address(0),
            1 days,
            0.01 ether,
            3 days
        );
        registry.setJobMarket(address(market));
        pools = PoolRegistry(address(market)); // the pool functions run at the market's address
        vm.deal(address(this), 1_000_000 ether);
        uint64[] memory ids = new uint64[](NODES);
        Capabilities memory caps;
        caps.gpuCount = 1;
        caps.region = bytes16("us-east-1");
        Prices memory prices;
        prices.gpuHour = 1;
        for (uint256 i; i < NODES; ++i) {
            owners[i] = address(uint160(0x1000 + i));
            vm.deal(owners[i], BOND);
            vm.prank(owners[i]);
            ids[i] = registry.register{value: BOND}(
                owners[i],
                address(0),
                BOND,
                caps,
                prices,
                bytes32(0),
                ""
            );
        }
        PoolRequirements memory req;
        standardPool = pools.createPool(
            PoolPolicy(ConsensusStrategy.TwoOfThree, 3, VerificationLevel.Standard, true, 0, 0),
            req,
            ids
        );
        strictPool = pools.createPool(
            PoolPolicy(ConsensusStrategy.MajorityRule, 3, VerificationLevel.Strict, true, 0, 0),
            req,
            ids
        );
    }

    function _pick(uint256 seed, uint256 salt, uint256 mod) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt))) % mod;
    }

    function _request(
        uint64 poolId,
        uint96 price,
        uint96 collateral
    ) private pure returns (JobRequest memory r) {
        r.poolId = poolId;
        r.specHash = keccak256("spec");
        r.strategy = type(uint8).max;
        r.pricePerNode = price;
        r.collateralPerNode = collateral;
        r.commitWindow = 1 hours;
        r.revealWindow = 1 hours;
    }

    /// @notice Fuzz: 40 random steps; conservation checked after each.
    function testFuzz_conservation(uint256 seed) public {
        for (uint256 step; step < 40; ++step) {
            _step(seed, step);
            _checkConservation();
        }
    }

    function _step(uint256 seed, uint256 step) private {
        uint256 op = _pick(seed, step, 9);
        uint256 r = uint256(keccak256(abi.encode(seed, step, "r")));
        if (op == 0 || jobs.length == 0) {
            uint64 poolId = r % 2 == 0 ? standardPool : strictPool;
            uint96 price = uint96(1 + (r % 1e15));
            uint96 collateral = uint96((r >> 64) % 1 ether);
            try market.postJob{value: 3 * uint256(price)}(_request(poolId, price, collateral)) returns (
                uint256 id
            ) {
                jobs.push(id);
            } catch {}
            return;
        }
        uint256 jobId = jobs[r % jobs.length];
        uint256 n = (r >> 8) % NODES;
        uint64 nodeId = uint64(n + 1);
        bytes32 digest = (r >> 16) % 3 == 0 ? bytes32("b") : bytes32("a");
        if (op == 1) {
            vm.prank(owners[n]);
            try market.report(jobId, nodeId, digest, uint96((r >> 24) % 2 == 0 ? 0 : 1), "uri") {} catch {}
        } else if (op == 2) {
            bytes32 salt = keccak256(abi.encode(seed, step, "salt"));
            bytes32 seal = market.computeSeal(jobId, nodeId, digest, "uri", 0, salt);
            vm.prank(owners[n]);
            try market.commit(jobId, nodeId, seal) {
                salts[jobId][nodeId] = salt;
                digests[jobId][nodeId] = digest;
            } catch {}
        } else if (op == 3) {
            uint8 slot = uint8((r >> 32) % 3);
            SlotView memory s = market.slotOf(jobId, slot);
            Reveal memory rv = Reveal(
                digests[jobId][s.nodeId],
                salts[jobId][s.nodeId],
                0,
                "uri",
                Usage(0, 0, 0),
                ""
            );
            try market.reveal(jobId, slot, rv) {} catch {}
        } else if (op == 4) {
            try market.settle(jobId) {} catch {}
        } else if (op == 5) {
            try market.cancel(jobId) {} catch {}
        } else if (op == 6) {
            vm.warp(block.timestamp + ((r >> 40) % 3 hours));
        } else if (op == 8) {
            // Top-up by the requester (this contract): n = 3 at both pools; refused once decided or late.
            uint96 add = uint96((r >> 56) % 1e15);
            try market.topUpJob{value: 3 * uint256(add)}(jobId, add) {} catch {}
        } else {
            address who =
                (r >> 48) % 3 == 0
                    ? address(this)
                    : (r >> 48) % 3 == 1
                        ? TREASURY
                        : owners[n];
            vm.prank(who);
            try market.withdraw(address(0)) {} catch {}
        }
    }

    function _checkConservation() private view {
        uint256 owed;
        for (uint256 i; i < jobs.length; ++i) {
            JobView memory j = market.job(jobs[i]);
            if (j.status == JobStatus.Open) owed += uint256(j.n) * j.pricePerNode;
        }
        owed += _balance(address(this)) + _balance(TREASURY);
        uint256 bonds;
        for (uint256 i; i < NODES; ++i) {
            owed += _balance(owners[i]);
            bonds += registry.bondInfo(uint64(i + 1)).bond;
        }
        if (address(market).balance != owed) revert Conservation("market", address(market).balance, owed);
        if (address(registry).balance != bonds)
            revert Conservation("registry", address(registry).balance, bonds);
    }

    function _balance(address account) private view returns (uint256) {
        (uint256 available, uint256 held, ) = market.balanceDetails(account, address(0));
        return available + held;
    }
}
