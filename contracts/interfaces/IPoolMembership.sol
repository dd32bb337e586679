// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoolPolicy} from "../types/Policy.sol";

/// @title The part of the pool registry the job market reads
interface IPoolMembership {
    /// @notice The pool's policy and owner. Reverts `PoolRegistryUnknownPool(poolId)` for a pool that does not exist.
    function poolPolicy(uint64 poolId) external view returns (PoolPolicy memory policy, address owner);

    /// @notice Whether `nodeId` is a member of `poolId` now.
    function isMember(uint64 poolId, uint64 nodeId) external view returns (bool);
}
