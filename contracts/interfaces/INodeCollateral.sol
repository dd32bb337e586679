// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The part of the node registry the job market calls
/// @notice Nodes' bond ledgers (bond, locked collateral, reputation counters) live in the job
///         market's storage (see NodeAccounts and {INodeAccounts}), with a copy of each node's
///         signer; the registry keeps custody of the bond tokens and everything else. `paySlashed`
///         may be called only by the job market the registry's admin configured; anyone else gets
///         `NodeRegistryCallerNotJobMarket(caller)`.
/// @dev Node ids are sequential `uint64`s assigned by the registry at registration: they can
///      neither collide nor be squatted by a front-runner (there is no caller-chosen id).
interface INodeCollateral {
    /// @notice What the market needs to know about a node when it takes a slot.
    struct NodeForJob {
        address owner; // receives pay; may act for the node
        address signer; // the worker's hot key; signs EIP-712 messages; may act for the node
        address bondToken; // address(0) = ETH
        uint96 freeBond; // bond - locked, in bondToken base units
        uint32 reputation; // score in parts per million
        bool active; // registered, not paused, not unbonding, bond >= minimum
    }

    /// @notice Whether `nodeId` may take a slot, and with what (the ledger read back from the market).
    function nodeForJob(uint64 nodeId) external view returns (NodeForJob memory);

    /// @notice Transfers `amount` of bond token `tokenId` (ETH for id 0) to the job market: collateral
    ///         the market has just slashed from a node's ledger. Returns the token's address.
    function paySlashed(uint16 tokenId, uint96 amount) external returns (address token);
}
