// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title One storage word per slot of a job
/// @notice Bits 0-63 nodeId | bits 64-223 value (the seal while committed, the digest once
///         revealed or reported, both truncated to 160 bits: the full digest is in the events) |
///         bit 224 taken | bit 225 committed | bit 226 revealed | bit 227 has an invoice below
///         the full price (kept in a side mapping only then).
/// @dev 160 bits leave 2^160 work for a second preimage, far beyond reach, and save a slot per node.
library SlotRecord {
    uint256 internal constant TAKEN = 1 << 224;
    uint256 internal constant COMMITTED = 1 << 225;
    uint256 internal constant REVEALED = 1 << 226;
    uint256 internal constant INVOICED = 1 << 227;

    function pack(uint64 id, bytes20 word, uint256 flags) internal pure returns (uint256) {
        return uint256(id) | (uint256(uint160(word)) << 64) | flags;
    }

    function nodeId(uint256 record) internal pure returns (uint64) {
        return uint64(record);
    }

    function value(uint256 record) internal pure returns (bytes20) {
        return bytes20(uint160(record >> 64));
    }

    function has(uint256 record, uint256 flag) internal pure returns (bool) {
        return record & flag != 0;
    }

    /// @notice The 160-bit form of a 256-bit seal or digest (its high 20 bytes).
    function truncate(bytes32 full) internal pure returns (bytes20) {
        return bytes20(full);
    }
}

/// @title The job's second word: requester and price while open, the settlement hash after
library JobTerms {
    function pack(address requesterAddress, uint96 price) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(requesterAddress)) | (uint256(price) << 160));
    }

    function requester(bytes32 terms) internal pure returns (address) {
        return address(uint160(uint256(terms)));
    }

    function pricePerNode(bytes32 terms) internal pure returns (uint96) {
        return uint96(uint256(terms) >> 160);
    }
}
