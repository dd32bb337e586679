// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPoolMembership} from "./IPoolMembership.sol";
import {ConsensusStrategy, PoolPolicy} from "../types/Policy.sol";
import {PoolRequirements, Requirement} from "../types/PoolTypes.sol";

/// @title Sandrun pool registry
/// @notice Pools of nodes with an owner, a policy (consensus strategy, redundancy, verification,
///         openness, minimum reputation and bond) and capability requirements. Pool ids are
///         sequential `uint64`s from 1. Owners add, remove and replace any registered node; a
///         node's owner may join an open pool whose requirements the node meets, and leave any
///         pool at any time. Every operation costs the same gas however many pools and nodes exist.
interface IPoolRegistry is IPoolMembership {
    /// @notice A pool was created (its initial members follow as `NodeJoinedPool` events).
    event PoolCreated(
        uint64 indexed poolId,
        address indexed owner,
        PoolPolicy policy,
        PoolRequirements requirements
    );
    /// @notice The pool's owner replaced its policy and requirements (members stay).
    event PoolPolicyUpdated(uint64 indexed poolId, PoolPolicy policy, PoolRequirements requirements);
    /// @notice The pool changed hands.
    event PoolOwnershipTransferred(
        uint64 indexed poolId,
        address indexed previousOwner,
        address indexed newOwner
    );
    /// @notice `nodeId` became a member of `poolId`; `by` is the pool owner or the node's owner.
    event NodeJoinedPool(uint64 indexed poolId, uint64 indexed nodeId, address indexed by);
    /// @notice `nodeId` stopped being a member of `poolId`; `by` is the pool owner or the node's owner.
    event NodeLeftPool(uint64 indexed poolId, uint64 indexed nodeId, address indexed by);

    /// @notice No pool has this id.
    error PoolRegistryUnknownPool(uint64 poolId);
    /// @notice Only the pool's owner may do this.
    error PoolRegistryNotPoolOwner(uint64 poolId, address caller);
    /// @notice Only the node's owner may do this.
    error PoolRegistryNotNodeOwner(uint64 nodeId, address caller);
    /// @notice The redundancy does not fit the strategy (see `createPool`).
    error PoolRegistryInvalidRedundancy(ConsensusStrategy strategy, uint8 redundancy);
    /// @notice The minimum reputation exceeds 1,000,000 ppm.
    error PoolRegistryInvalidMinReputation(uint32 minReputation);
    /// @notice No node has this id in the node registry.
    error PoolRegistryUnknownNode(uint64 nodeId);
    /// @notice The node is deregistered and cannot be added.
    error PoolRegistryNodeDeregistered(uint64 nodeId);
    /// @notice The node is already a member.
    error PoolRegistryAlreadyMember(uint64 poolId, uint64 nodeId);
    /// @notice The node is not a member.
    error PoolRegistryNotMember(uint64 poolId, uint64 nodeId);
    /// @notice The pool is closed: only its owner adds nodes.
    error PoolRegistryPoolClosed(uint64 poolId);
    /// @notice The node does not meet `requirement` of the pool.
    error PoolRegistryRequirementNotMet(uint64 poolId, uint64 nodeId, Requirement requirement);
    /// @notice The address must not be zero.
    error PoolRegistryZeroAddress();

    /// @notice Creates a pool owned by the caller with `initialNodes` as members (owner's choice:
    ///         any registered, not deregistered node, no requirement check) and returns its id.
    /// @dev Redundancy rules (max 16): FastestWins 0 or 1 (stored as 1); MajorityRule >= 1;
    ///      TwoOfThree 3 (0 stored as 3); ThreeOfFive 5 (0 stored as 5); ByzantineFaultTolerant >= 3;
    ///      ProofOfStakeWeighted >= 1. So the stored redundancy is never 0.
    ///      Emits `PoolCreated`, then `NodeJoinedPool` per member.
    function createPool(
        PoolPolicy calldata policy,
        PoolRequirements calldata requirements,
        uint64[] calldata initialNodes
    ) external returns (uint64 poolId);

    /// @notice Replaces the pool's policy and requirements (same rules as `createPool`). Pool owner only.
    ///         Members stay; the new rules apply to future joins and jobs.
    /// @dev Emits `PoolPolicyUpdated`.
    function setPolicy(
        uint64 poolId,
        PoolPolicy calldata policy,
        PoolRequirements calldata requirements
    ) external;

    /// @notice Hands the pool to `newOwner`. Pool owner only.
    /// @dev Emits `PoolOwnershipTransferred`.
    function transferPoolOwnership(uint64 poolId, address newOwner) external;

    /// @notice Adds a registered, not deregistered node. Pool owner only.
    /// @dev Emits `NodeJoinedPool`.
    function addNode(uint64 poolId, uint64 nodeId) external;

    /// @notice Removes a member. Pool owner only.
    /// @dev Emits `NodeLeftPool`.
    function removeNode(uint64 poolId, uint64 nodeId) external;

    /// @notice Removes `oldNodeId` and adds `newNodeId` in one transaction. Pool owner only.
    /// @dev Emits `NodeLeftPool` then `NodeJoinedPool`.
    function replaceNode(uint64 poolId, uint64 oldNodeId, uint64 newNodeId) external;

    /// @notice Joins an open pool with a node the caller owns, if the node is active and meets the
    ///         pool's minimum reputation, minimum free bond and capability requirements.
    /// @dev Emits `NodeJoinedPool`.
    function joinPool(uint64 poolId, uint64 nodeId) external;

    /// @notice Takes a node the caller owns out of a pool, at any time (affects only future jobs).
    /// @dev Emits `NodeLeftPool`.
    function leavePool(uint64 poolId, uint64 nodeId) external;

    /// @notice How many pools were ever created; ids run from 1 to `poolCount()`.
    function poolCount() external view returns (uint64);

    /// @notice The pool's owner, policy, requirements and member count.
    function getPool(
        uint64 poolId
    )
        external
        view
        returns (
            address owner,
            PoolPolicy memory policy,
            PoolRequirements memory requirements,
            uint256 memberCount
        );

    /// @notice How many members the pool has.
    function memberCount(uint64 poolId) external view returns (uint256);

    /// @notice Up to `count` member node ids from position `offset` (order changes on removal).
    function members(
        uint64 poolId,
        uint256 offset,
        uint256 count
    ) external view returns (uint64[] memory nodeIds);

    /// @notice The node registry this pool registry reads.
    function nodeRegistry() external view returns (address);
}
