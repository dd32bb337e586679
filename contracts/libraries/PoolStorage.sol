// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IPoolRegistry} from "../interfaces/IPoolRegistry.sol";
import {PoolPolicy} from "../types/Policy.sol";
import {PoolRequirements} from "../types/PoolTypes.sol";

/// @title The pools' storage, inside the job market's
/// @notice Pools live at the job market's address: PoolRegistry's functions run there by
///         delegatecall, and the market reads a pool's policy and membership from its own storage.
///         A job's post and each of its slots then cost no call to another contract (a cold account,
///         2,600 gas, plus the call itself, every time).
/// @dev ERC-7201 namespaced storage, so the pools' slots can never collide with the market's
///      sequential layout, whichever contract declares more state later.
library PoolStorage {
    using EnumerableSet for EnumerableSet.UintSet;

    struct Pool {
        address owner;
        PoolPolicy policy; // one slot (see Policy.sol)
        PoolRequirements requirements; // two slots
    }

    /// @custom:storage-location erc7201:sandrun.storage.Pools
    struct Layout {
        uint64 poolCount;
        mapping(uint64 poolId => Pool) pools;
        mapping(uint64 poolId => EnumerableSet.UintSet) members;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("sandrun.storage.Pools")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _LOCATION = 0xd53127b13ccd907af27f8fa099cc32d6c617be6eff29b9663ca4448fc4abce00;

    function state() internal pure returns (Layout storage s) {
        // Pointing a storage reference at a fixed slot is what ERC-7201 namespacing is.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            s.slot := _LOCATION
        }
    }

    /// @dev The pool, which must exist (owner set at creation, never cleared).
    function existing(uint64 poolId) internal view returns (Pool storage pool) {
        pool = state().pools[poolId];
        if (pool.owner == address(0)) revert IPoolRegistry.PoolRegistryUnknownPool(poolId);
    }

    /// @dev Bit 255 of an existing pool's policy word, past PoolPolicy's 160 bits: set whenever
    ///      the policy is written (`writePolicy`), so posting learns from one slot both that the
    ///      pool exists and its policy, without reading the owner's slot (2,100 gas, cold).
    uint256 internal constant EXISTS = 1 << 255;

    /// @dev Stores `policy` and marks the pool as existing (see EXISTS).
    function writePolicy(Pool storage pool, PoolPolicy memory policy) internal {
        pool.policy = policy;
        PoolPolicy storage stored = pool.policy;
        // Sets the marker bit outside the struct's members, which Solidity's writes leave alone.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, or(sload(stored.slot), EXISTS))
        }
    }

    /// @dev The policy of an existing pool (one slot).
    function policyOf(uint64 poolId) internal view returns (PoolPolicy memory) {
        PoolPolicy storage stored = state().pools[poolId].policy;
        uint256 word;
        // Reads the policy word whole, for its marker bit (see EXISTS).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(stored.slot)
        }
        if (word & EXISTS == 0) revert IPoolRegistry.PoolRegistryUnknownPool(poolId);
        return stored;
    }

    /// @dev Membership in one slot read (the set's position map).
    function isMember(uint64 poolId, uint64 nodeId) internal view returns (bool) {
        return state().members[poolId].contains(nodeId);
    }
}
