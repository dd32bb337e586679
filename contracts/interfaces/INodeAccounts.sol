// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The job market's side of the node ledger, as the node registry calls it
/// @notice The market keeps each node's bond ledger from its first bond (NodeAccounts); the
///         registry sends it every change a job step depends on. Each state-changing function may
///         be called only by the market's node registry (`JobMarketCallerNotNodeRegistry`).
interface INodeAccounts {
    /// @notice Stores the registry's `core` word for the node, adds `credit` to its bond and takes
    ///         up to `debitUpTo` of its free bond (bond - locked) out; returns the node's money word
    ///         after (bond 0..96 | locked 96..192 | completed 192..224 | failed 224..240 |
    ///         slashed 240..248 | disputesLost 248..256) and the amount taken out.
    function syncNode(
        uint64 nodeId,
        uint256 core,
        uint96 credit,
        uint96 debitUpTo
    ) external returns (uint256 money, uint96 debited);

    /// @notice Stores the node's signer, the key its EIP-712 messages must be signed with: sent
    ///         when its account opens (first bond) and on every change after.
    function syncSigner(uint64 nodeId, address signer) external;
    /// @notice Stores bond token `tokenId`'s registry word (token | minBond << 160).
    function syncBondToken(uint16 tokenId, uint256 config) external;

    /// @notice The money words of `count` nodes from `first` (zero for a node never bonded).
    function nodeMoneyWords(uint64 first, uint256 count) external view returns (uint256[] memory words);
}
