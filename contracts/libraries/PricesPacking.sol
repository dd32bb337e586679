// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Prices} from "../types/NodeTypes.sol";

/// @title Packs a node's prices into two storage words
/// @dev Layout (bit offsets from the least significant end):
///      word0 = gpuHour 0 | cpuCoreHour 64 | memoryGBHour 128 | storageGBHour 192
///      word1 = networkGB 0 | perJob 64 | minimumJob 128 | paymentTokenId 192 (16) | reserved 208..256
///      The payment token is stored as the registry's token id; the caller maps it to an address.
library PricesPacking {
    /// @notice Packs `p` (with its token already mapped to `tokenId`) into two words.
    function pack(Prices calldata p, uint16 tokenId) internal pure returns (uint256 word0, uint256 word1) {
        word0 =
            uint256(p.gpuHour) |
            (uint256(p.cpuCoreHour) << 64) |
            (uint256(p.memoryGBHour) << 128) |
            (uint256(p.storageGBHour) << 192);
        word1 =
            uint256(p.networkGB) |
            (uint256(p.perJob) << 64) |
            (uint256(p.minimumJob) << 128) |
            (uint256(tokenId) << 192);
    }

    /// @notice Unpacks the two words; `token` is left zero and `tokenId` returned for the caller to map.
    function unpack(uint256 word0, uint256 word1) internal pure returns (Prices memory p, uint16 tokenId) {
        p.gpuHour = uint64(word0);
        p.cpuCoreHour = uint64(word0 >> 64);
        p.memoryGBHour = uint64(word0 >> 128);
        p.storageGBHour = uint64(word0 >> 192);
        p.networkGB = uint64(word1);
        p.perJob = uint64(word1 >> 64);
        p.minimumJob = uint64(word1 >> 128);
        tokenId = uint16(word1 >> 192);
    }
}
