// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CapabilitiesPacking} from "./CapabilitiesPacking.sol";
import {Capabilities} from "../types/NodeTypes.sol";

/// @notice The capabilities packing: `gpuCount` reads the GPU count out of a packed numbers word
///         without unpacking it, whatever the neighbouring fields hold, and agrees with `unpack`.
contract CapabilitiesPackingTest {
    error Failed(string what, uint256 got, uint256 expected);

    /// @dev `pack` takes calldata, so the test packs through an external call to itself.
    function packExternal(Capabilities calldata c) external pure returns (bytes32 names, uint256 numbers) {
        return CapabilitiesPacking.pack(c);
    }

    function testFuzz_gpuCount(
        uint8 gpuCount,
        uint16 gpuMemoryGB,
        uint16 latencyMs,
        bytes16 region
    ) public view {
        Capabilities memory c;
        c.gpuCount = gpuCount;
        c.gpuMemoryGB = gpuMemoryGB;
        c.latencyMs = latencyMs;
        c.region = region;
        (bytes32 names, uint256 numbers) = this.packExternal(c);
        uint8 got = CapabilitiesPacking.gpuCount(numbers);
        if (got != gpuCount) revert Failed("gpuCount", got, gpuCount);
        Capabilities memory u = CapabilitiesPacking.unpack(names, numbers);
        if (u.gpuCount != got) revert Failed("unpack.gpuCount", u.gpuCount, got);
        if (u.gpuMemoryGB != gpuMemoryGB) revert Failed("gpuMemoryGB", u.gpuMemoryGB, gpuMemoryGB);
        if (u.latencyMs != latencyMs) revert Failed("latencyMs", u.latencyMs, latencyMs);
    }

    function test_gpuCount_ignoresEveryOtherBit() public pure {
        uint256 numbers = (type(uint256).max << 8) | 3;
        uint8 got = CapabilitiesPacking.gpuCount(numbers);
        if (got != 3) revert Failed("gpuCount among set bits", got, 3);
    }
}
