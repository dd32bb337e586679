// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Capabilities a node must have to join an open pool. Zero in a field means "any".
/// @dev Two storage slots: gpuModel | region, then minGpuCount | minMemoryGB | minBandwidthMbps.
struct PoolRequirements {
    bytes16 gpuModel; // exact GPU model code (left-aligned ASCII), 0 = any
    bytes16 region; // exact region code (left-aligned ASCII), 0 = any
    uint8 minGpuCount;
    uint24 minMemoryGB;
    uint32 minBandwidthMbps;
}

/// @notice Which requirement a node failed to meet when joining (`PoolRegistryRequirementNotMet`).
/// @dev Values are part of the ABI.
enum Requirement {
    Active, // 0: the node is not active (paused, deregistered, unbonding or under-bonded)
    Reputation, // 1: reputation below the pool's minimum
    Bond, // 2: free bond below the pool's minimum
    GpuCount, // 3
    GpuModel, // 4
    Memory, // 5
    Bandwidth, // 6
    Region // 7
}
