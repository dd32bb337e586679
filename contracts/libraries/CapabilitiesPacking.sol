// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Capabilities} from "../types/NodeTypes.sol";

/// @title Packs a node's capabilities into two storage words
/// @dev Layout (bit offsets from the least significant end), see `Capabilities`:
///      names   = gpuModel (high 128) | region (low 128)
///      numbers = gpuCount 0 | gpuMemoryGB 8 | gpuComputeCapability 24 | gpuInterconnect 32 |
///                cpuArch 40 | cpuCores 48 | cpuThreads 64 | cpuMHz 80 | memoryGB 96 |
///                memoryType 120 | memoryMHz 128 | storageType 144 | storageGB 152 |
///                storageIOPS 184 | bandwidthMbps 208 | latencyMs 240 (ends at 256).
///      Every field is an unsigned type of exactly its width, so no field can spill into another.
library CapabilitiesPacking {
    /// @notice Packs `c` into its two storage words.
    function pack(Capabilities calldata c) internal pure returns (bytes32 names, uint256 numbers) {
        names = bytes32(c.gpuModel) | (bytes32(c.region) >> 128);
        // One term per statement: a single expression of 16 terms is too deep for the legacy stack.
        numbers = uint256(c.gpuCount);
        numbers |= uint256(c.gpuMemoryGB) << 8;
        numbers |= uint256(c.gpuComputeCapability) << 24;
        numbers |= uint256(c.gpuInterconnect) << 32;
        numbers |= uint256(c.cpuArch) << 40;
        numbers |= uint256(c.cpuCores) << 48;
        numbers |= uint256(c.cpuThreads) << 64;
        numbers |= uint256(c.cpuMHz) << 80;
        numbers |= uint256(c.memoryGB) << 96;
        numbers |= uint256(c.memoryType) << 120;
        numbers |= uint256(c.memoryMHz) << 128;
        numbers |= uint256(c.storageType) << 144;
        numbers |= uint256(c.storageGB) << 152;
        numbers |= uint256(c.storageIOPS) << 184;
        numbers |= uint256(c.bandwidthMbps) << 208;
        numbers |= uint256(c.latencyMs) << 240;
    }

    /// @notice Unpacks the two storage words written by `pack`.
    function unpack(bytes32 names, uint256 numbers) internal pure returns (Capabilities memory c) {
        c.gpuModel = bytes16(names);
        c.region = bytes16(names << 128);
        c.gpuCount = uint8(numbers);
        c.gpuMemoryGB = uint16(numbers >> 8);
        c.gpuComputeCapability = uint8(numbers >> 24);
        c.gpuInterconnect = uint8(numbers >> 32);
        c.cpuArch = uint8(numbers >> 40);
        c.cpuCores = uint16(numbers >> 48);
        c.cpuThreads = uint16(numbers >> 64);
        c.cpuMHz = uint16(numbers >> 80);
        c.memoryGB = uint24(numbers >> 96);
        c.memoryType = uint8(numbers >> 120);
        c.memoryMHz = uint16(numbers >> 128);
        c.storageType = uint8(numbers >> 144);
        c.storageGB = uint32(numbers >> 152);
        c.storageIOPS = uint24(numbers >> 184);
        c.bandwidthMbps = uint32(numbers >> 208);
        c.latencyMs = uint16(numbers >> 240);
    }

    /// @notice The GPU count, read from the numbers word without unpacking the rest.
    function gpuCount(uint256 numbers) internal pure returns (uint8) {
        return uint8(numbers);
    }
}
