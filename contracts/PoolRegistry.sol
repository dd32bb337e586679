// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {IPoolMembership} from "./interfaces/IPoolMembership.sol";
import {IPoolRegistry} from "./interfaces/IPoolRegistry.sol";
import {NodeAccounts} from "./libraries/NodeAccounts.sol";
import {PoolStorage} from "./libraries/PoolStorage.sol";
import {ConsensusStrategy, PoolPolicy} from "./types/Policy.sol";
import {Capabilities, NodeStatus} from "./types/NodeTypes.sol";
import {PoolRequirements, Requirement} from "./types/PoolTypes.sol";

/// @title Sandrun pool registry
/// @notice See {IPoolRegistry}. Holds no funds. Its functions run at the job market's address:
///         JobMarket delegatecalls this code for every selector it does not have, so pools are
///         stored in the market's storage (PoolStorage's namespace) and users call the pool
///         functions on the market's address with this contract's ABI.
/// @dev Membership is an `EnumerableSet.UintSet` per pool: its position map answers `isMember` in one
///      slot read and its array serves the paged `members` view; add and remove are O(1).
contract PoolRegistry is IPoolRegistry {
    using EnumerableSet for EnumerableSet.UintSet;

    uint8 private constant _MAX_REDUNDANCY = 16;
    uint32 private constant _MAX_REPUTATION = 1_000_000;

    INodeRegistry private immutable _registry;
    /// @dev This code's own address: equal to address(this) only when called directly.
    address private immutable _self = address(this);

    /// @notice A pool function was called on the module itself instead of on the job market.
    error PoolRegistryDirectCall();

    /// @notice Deploys the pool code the job market runs by delegatecall.
    /// @dev Constructor args (Ignition: `m.contract("PoolRegistry", [nodeRegistry])`): the NodeRegistry address.
    constructor(address nodeRegistry_) {
        if (nodeRegistry_ == address(0)) revert PoolRegistryZeroAddress();
        _registry = INodeRegistry(nodeRegistry_);
    }

    /// @dev Pools written on the module's own storage would be invisible to the market: refuse.
    modifier onlyDelegated() {
        if (address(this) == _self) revert PoolRegistryDirectCall();
        _;
    }

    /// @inheritdoc IPoolRegistry
    function createPool(
        PoolPolicy calldata policy,
        PoolRequirements calldata requirements,
        uint64[] calldata initialNodes
    ) external override onlyDelegated returns (uint64 poolId) {
        PoolPolicy memory checked = _checkedPolicy(policy);
        // Cannot overflow: 2^64 pools would cost more gas than will ever exist.
        unchecked {
            poolId = ++PoolStorage.state().poolCount;
        }
        PoolStorage.Pool storage pool = PoolStorage.state().pools[poolId];
        pool.owner = msg.sender;
        PoolStorage.writePolicy(pool, checked);
        pool.requirements = requirements;
        emit PoolCreated(poolId, msg.sender, checked, requirements);
        for (uint256 i; i < initialNodes.length; ++i) {
            _requireAddable(initialNodes[i]);
            _add(poolId, initialNodes[i]);
        }
    }

    /// @inheritdoc IPoolRegistry
    function setPolicy(
        uint64 poolId,
        PoolPolicy calldata policy,
        PoolRequirements calldata requirements
    ) external override onlyDelegated {
        PoolStorage.Pool storage pool = _ownedPool(poolId);
        PoolPolicy memory checked = _checkedPolicy(policy);
        PoolStorage.writePolicy(pool, checked);
        pool.requirements = requirements;
        emit PoolPolicyUpdated(poolId, checked, requirements);
    }

    /// @inheritdoc IPoolRegistry
    function transferPoolOwnership(uint64 poolId, address newOwner) external override onlyDelegated {
        PoolStorage.Pool storage pool = _ownedPool(poolId);
        if (newOwner == address(0)) revert PoolRegistryZeroAddress();
        pool.owner = newOwner;
        emit PoolOwnershipTransferred(poolId, msg.sender, newOwner);
    }

    /// @inheritdoc IPoolRegistry
    function addNode(uint64 poolId, uint64 nodeId) external override onlyDelegated {
        _ownedPool(poolId);
        _requireAddable(nodeId);
        _add(poolId, nodeId);
    }

    /// @inheritdoc IPoolRegistry
    function removeNode(uint64 poolId, uint64 nodeId) external override onlyDelegated {
        _ownedPool(poolId);
        _remove(poolId, nodeId);
    }

    /// @inheritdoc IPoolRegistry
    function replaceNode(uint64 poolId, uint64 oldNodeId, uint64 newNodeId) external override onlyDelegated {
        _ownedPool(poolId);
        _remove(poolId, oldNodeId);
        _requireAddable(newNodeId);
        _add(poolId, newNodeId);
    }

    /// @inheritdoc IPoolRegistry
    function joinPool(uint64 poolId, uint64 nodeId) external override onlyDelegated {
        PoolStorage.Pool storage pool = _existingPool(poolId);
        PoolPolicy memory policy = pool.policy;
        if (!policy.open) revert PoolRegistryPoolClosed(poolId);
        _requireNodeOwner(nodeId);
        // The node's ledger is in this (the market's) storage: no call to the registry.
        (bool active, uint32 score, uint96 freeBond) = NodeAccounts.forJob(nodeId);
        if (!active) revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.Active);
        if (score < policy.minReputation) {
            revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.Reputation);
        }
        if (freeBond < policy.minBond) revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.Bond);
        _checkCapabilities(poolId, nodeId, pool.requirements, _registry.capabilitiesOf(nodeId));
        _add(poolId, nodeId);
    }

    /// @inheritdoc IPoolRegistry
    function leavePool(uint64 poolId, uint64 nodeId) external override onlyDelegated {
        _existingPool(poolId);
        _requireNodeOwner(nodeId);
        _remove(poolId, nodeId);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPoolMembership
    function poolPolicy(
        uint64 poolId
    ) external view override returns (PoolPolicy memory policy, address owner) {
        PoolStorage.Pool storage pool = _existingPool(poolId);
        return (pool.policy, pool.owner);
    }

    /// @inheritdoc IPoolMembership
    function isMember(uint64 poolId, uint64 nodeId) external view override returns (bool) {
        return PoolStorage.isMember(poolId, nodeId);
    }

    /// @inheritdoc IPoolRegistry
    function poolCount() external view override returns (uint64) {
        return PoolStorage.state().poolCount;
    }

    /// @inheritdoc IPoolRegistry
    function getPool(
        uint64 poolId
    )
        external
        view
        override
        returns (
            address owner,
            PoolPolicy memory policy,
            PoolRequirements memory requirements,
            uint256 memberCount_
        )
    {
        PoolStorage.Pool storage pool = _existingPool(poolId);
        return (pool.owner, pool.policy, pool.requirements, PoolStorage.state().members[poolId].length());
    }

    /// @inheritdoc IPoolRegistry
    function memberCount(uint64 poolId) external view override returns (uint256) {
        return PoolStorage.state().members[poolId].length();
    }

    /// @inheritdoc IPoolRegistry
    function members(
        uint64 poolId,
        uint256 offset,
        uint256 count
    ) external view override returns (uint64[] memory nodeIds) {
        EnumerableSet.UintSet storage set = PoolStorage.state().members[poolId];
        uint256 length = set.length();
        if (offset >= length) return new uint64[](0);
        uint256 n = length - offset < count ? length - offset : count;
        nodeIds = new uint64[](n);
        for (uint256 i; i < n; ++i) nodeIds[i] = uint64(set.at(offset + i)); // only uint64s are stored
    }

    /// @inheritdoc IPoolRegistry
    function nodeRegistry() external view override returns (address) {
        return address(_registry);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Validates the strategy/redundancy pair and returns the policy with redundancy normalised
    ///      (never 0), so the job market always reads a concrete n.
    function _checkedPolicy(PoolPolicy calldata policy) private pure returns (PoolPolicy memory p) {
        p = policy;
        if (p.minReputation > _MAX_REPUTATION) revert PoolRegistryInvalidMinReputation(p.minReputation);
        uint8 r = p.redundancy;
        ConsensusStrategy s = p.strategy;
        bool ok;
        if (s == ConsensusStrategy.FastestWins) {
            ok = r <= 1;
            r = 1;
        } else if (s == ConsensusStrategy.TwoOfThree) {
            ok = r == 0 || r == 3;
            r = 3;
        } else if (s == ConsensusStrategy.ThreeOfFive) {
            ok = r == 0 || r == 5;
            r = 5;
        } else if (s == ConsensusStrategy.ByzantineFaultTolerant) {
            ok = r >= 3 && r <= _MAX_REDUNDANCY;
        } else {
            // MajorityRule, ProofOfStakeWeighted
            ok = r >= 1 && r <= _MAX_REDUNDANCY;
        }
        if (!ok) revert PoolRegistryInvalidRedundancy(s, policy.redundancy);
        p.redundancy = r;
    }

    function _checkCapabilities(
        uint64 poolId,
        uint64 nodeId,
        PoolRequirements storage req,
        Capabilities memory caps
    ) private view {
        if (caps.gpuCount < req.minGpuCount)
            revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.GpuCount);
        bytes16 model = req.gpuModel;
        if (model != bytes16(0) && caps.gpuModel != model) {
            revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.GpuModel);
        }
        if (caps.memoryGB < req.minMemoryGB)
            revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.Memory);
        if (caps.bandwidthMbps < req.minBandwidthMbps) {
            revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.Bandwidth);
        }
        bytes16 region = req.region;
        if (region != bytes16(0) && caps.region != region) {
            revert PoolRegistryRequirementNotMet(poolId, nodeId, Requirement.Region);
        }
    }

    function _existingPool(uint64 poolId) private view returns (PoolStorage.Pool storage pool) {
        return PoolStorage.existing(poolId);
    }

    function _ownedPool(uint64 poolId) private view returns (PoolStorage.Pool storage pool) {
        pool = _existingPool(poolId);
        if (pool.owner != msg.sender) revert PoolRegistryNotPoolOwner(poolId, msg.sender);
    }

    function _requireAddable(uint64 nodeId) private view {
        (address owner, NodeStatus status) = _registry.nodeOwner(nodeId);
        if (owner == address(0)) revert PoolRegistryUnknownNode(nodeId);
        if (status == NodeStatus.Deregistered) revert PoolRegistryNodeDeregistered(nodeId);
    }

    function _requireNodeOwner(uint64 nodeId) private view {
        (address owner, ) = _registry.nodeOwner(nodeId);
        if (owner == address(0)) revert PoolRegistryUnknownNode(nodeId);
        if (owner != msg.sender) revert PoolRegistryNotNodeOwner(nodeId, msg.sender);
    }

    function _add(uint64 poolId, uint64 nodeId) private {
        if (!PoolStorage.state().members[poolId].add(nodeId))
            revert PoolRegistryAlreadyMember(poolId, nodeId);
        emit NodeJoinedPool(poolId, nodeId, msg.sender);
    }

    function _remove(uint64 poolId, uint64 nodeId) private {
        if (!PoolStorage.state().members[poolId].remove(nodeId)) revert PoolRegistryNotMember(poolId, nodeId);
        emit NodeLeftPool(poolId, nodeId, msg.sender);
    }
}
