// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {NodeStatus} from "../types/NodeTypes.sol";

/// @title The node registry's two hot words: the core word and the heartbeat word
/// @dev Hand-packed so that register writes each once and a heartbeat is a single SSTORE.
///      core      = owner 0..160 | registeredAt 160..192 | status 192..200 | unbonding 200..208 |
///                  bondTokenId 208..224 | account 224 (bonded once: the job market keeps its
///                  ledger) | reserved 225..256
///      heartbeat = signer 0..160 | lastSeen 160..192 | beatEpochs 192..224 | lastBeatEpoch 224..256
library NodePacking {
    uint256 private constant _STATUS_MASK = uint256(0xff) << 192;
    uint256 private constant _UNBONDING_BIT = uint256(1) << 200;
    uint256 private constant _ACCOUNT_BIT = uint256(1) << 224;

    // ------------------------------------------------------------ core word

    function packCore(
        address owner_,
        uint32 registeredAt_,
        NodeStatus status_,
        uint16 bondTokenId_
    ) internal pure returns (uint256) {
        return
            uint256(uint160(owner_)) |
            (uint256(registeredAt_) << 160) |
            (uint256(uint8(status_)) << 192) |
            (uint256(bondTokenId_) << 208);
    }

    function owner(uint256 core) internal pure returns (address) {
        return address(uint160(core));
    }

    function registeredAt(uint256 core) internal pure returns (uint32) {
        return uint32(core >> 160);
    }

    function status(uint256 core) internal pure returns (NodeStatus) {
        // Only ever written from a NodeStatus, so the value is in range.
        return NodeStatus(uint8(core >> 192));
    }

    function unbonding(uint256 core) internal pure returns (bool) {
        return core & _UNBONDING_BIT != 0;
    }

    function bondTokenId(uint256 core) internal pure returns (uint16) {
        return uint16(core >> 208);
    }

    function withStatus(uint256 core, NodeStatus s) internal pure returns (uint256) {
        return (core & ~_STATUS_MASK) | (uint256(uint8(s)) << 192);
    }

    function withUnbonding(uint256 core, bool on) internal pure returns (uint256) {
        return on ? core | _UNBONDING_BIT : core & ~_UNBONDING_BIT;
    }

    /// @notice Whether the node has bonded once, so the job market keeps a ledger for it.
    function hasAccount(uint256 core) internal pure returns (bool) {
        return core & _ACCOUNT_BIT != 0;
    }

    function withAccount(uint256 core) internal pure returns (uint256) {
        return core | _ACCOUNT_BIT;
    }

    // ------------------------------------------------------------ heartbeat word

    function packHeartbeat(
        address signer_,
        uint32 lastSeen_,
        uint32 beatEpochs_,
        uint32 lastBeatEpoch_
    ) internal pure returns (uint256) {
        return
            uint256(uint160(signer_)) |
            (uint256(lastSeen_) << 160) |
            (uint256(beatEpochs_) << 192) |
            (uint256(lastBeatEpoch_) << 224);
    }

    function signer(uint256 hb) internal pure returns (address) {
        return address(uint160(hb));
    }

    function lastSeen(uint256 hb) internal pure returns (uint32) {
        return uint32(hb >> 160);
    }

    function beatEpochs(uint256 hb) internal pure returns (uint32) {
        return uint32(hb >> 192);
    }

    function lastBeatEpoch(uint256 hb) internal pure returns (uint32) {
        return uint32(hb >> 224);
    }

    /// @notice The heartbeat word after a beat at `nowTs` in epoch `epoch`: the epoch counter grows
    ///         only on the first beat of an epoch.
    function beat(uint256 hb, uint32 nowTs, uint32 epoch) internal pure returns (uint256) {
        uint32 beats = beatEpochs(hb);
        if (lastBeatEpoch(hb) != epoch && beats != type(uint32).max) ++beats;
        return packHeartbeat(signer(hb), nowTs, beats, epoch);
    }

    function withSigner(uint256 hb, address newSigner) internal pure returns (uint256) {
        return (hb & ~uint256(type(uint160).max)) | uint256(uint160(newSigner));
    }
}
