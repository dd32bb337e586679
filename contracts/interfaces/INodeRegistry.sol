// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {INodeCollateral} from "./INodeCollateral.sol";
import {Outcome} from "../types/Policy.sol";
import {BondInfo, Capabilities, NodeStatus, NodeView, Prices} from "../types/NodeTypes.sol";

/// @title Sandrun node registry
/// @notice Nodes (machines) with their owner, signer key, capabilities, prices, metadata, bond,
///         heartbeats and reputation. Node ids are sequential `uint64`s from 1 (0 = none),
///         assigned here, so they cannot collide or be front-run. One owner may run many nodes.
/// @dev Bonds are ETH or an allow-listed ERC-20, fixed per node at registration. Withdrawal goes
///      request -> `unbondingDelay` -> withdraw; a requested amount stays slashable until it is
///      withdrawn, and locked collateral never leaves except by a slash to the job market.
///      The job market address is set once by the admin, before any bond, and can never change
///      afterwards, so the admin cannot later point the ledger at a contract that drains bonds.
///      The market keeps each node's ledger (bond, locked collateral, reputation counters) from its
///      first bond; this registry keeps custody of the tokens and reads the ledger back for its views.
interface INodeRegistry is INodeCollateral {
    // ------------------------------------------------------------------ events

    /// @notice A node was registered, with its static description packed as in `NodeDescribed` (the
    ///         bond token is the core word's `bondTokenId`, readable with `getNode` or `getNodeStates`).
    event NodeRegistered(
        uint64 indexed nodeId,
        address indexed owner,
        address indexed signer,
        bytes32 metadataHash,
        string metadataURI,
        bytes32 capabilityNames,
        uint256 capabilityNumbers,
        uint256 prices0,
        uint256 prices1
    );
    /// @notice The node's static description, packed, after every change of capabilities, prices or
    ///         metadata (registration carries the same words in `NodeRegistered`), so an index of every
    ///         node can be built from logs.
    /// @dev capabilityNames = gpuModel (high 128) | region (low 128); capabilityNumbers = see
    ///      `Capabilities` in NodeTypes.sol (gpuCount at bit 0 ... latencyMs at 240); prices0 = gpuHour 0 |
    ///      cpuCoreHour 64 | memoryGBHour 128 | storageGBHour 192; prices1 = networkGB 0 | perJob 64 |
    ///      minimumJob 128 | paymentTokenId 192..208.
    event NodeDescribed(
        uint64 indexed nodeId,
        bytes32 capabilityNames,
        uint256 capabilityNumbers,
        uint256 prices0,
        uint256 prices1,
        bytes32 metadataHash
    );
    /// @notice The node's capabilities changed.
    event CapabilitiesUpdated(uint64 indexed nodeId, Capabilities capabilities);
    /// @notice The node's prices changed.
    event PricesUpdated(uint64 indexed nodeId, Prices prices);
    /// @notice The node's metadata document changed.
    event MetadataUpdated(uint64 indexed nodeId, bytes32 metadataHash, string metadataURI);
    /// @notice The node's signer (worker hot key) changed.
    event SignerChanged(uint64 indexed nodeId, address indexed previousSigner, address indexed newSigner);
    /// @notice The owner paused the node: it takes no new work.
    event NodePaused(uint64 indexed nodeId);
    /// @notice The owner resumed a paused node.
    event NodeResumed(uint64 indexed nodeId);
    /// @notice The node left for good; its whole bond started unbonding.
    event NodeDeregistered(uint64 indexed nodeId);
    /// @notice `amount` was added to the node's bond, which is now `bond`.
    event Bonded(uint64 indexed nodeId, address indexed token, uint96 amount, uint96 bond);
    /// @notice The owner asked to withdraw `amount`, payable from `readyAt`.
    event UnbondRequested(uint64 indexed nodeId, uint96 amount, uint32 readyAt);
    /// @notice The owner cancelled a pending unbonding request.
    event UnbondCancelled(uint64 indexed nodeId);
    /// @notice `amount` of bond was paid out to `to` (the node's owner).
    event BondWithdrawn(uint64 indexed nodeId, address indexed to, address token, uint96 amount);
    // The next five are emitted by the job market, which keeps the nodes' bond ledgers (NodeAccounts),
    // at its own address; they are declared here because they describe nodes.

    /// @notice The job market locked `amount`; `locked` is the node's new total lock.
    event CollateralLocked(uint64 indexed nodeId, uint96 amount, uint96 locked);
    /// @notice The job market released `amount`; `locked` is the node's new total lock.
    event CollateralReleased(uint64 indexed nodeId, uint96 amount, uint96 locked);
    /// @notice `amount` of locked collateral went to the job market `to`; `bond` is what is left.
    event CollateralSlashed(uint64 indexed nodeId, address indexed to, uint96 amount, uint96 bond);
    /// @notice `amount` of free bond went to the job market `to` (a dispute lost after release).
    event FreeBondSlashed(uint64 indexed nodeId, address indexed to, uint96 amount, uint96 bond);
    /// @notice The node's owner or signer sent a heartbeat.
    event Heartbeat(uint64 indexed nodeId);
    /// @notice The job market recorded a lost dispute; `score` is the new reputation (ppm).
    ///         Settlement outcomes are named by the market's JobSettled instead.
    event ReputationUpdated(uint64 indexed nodeId, Outcome outcome, uint32 score);
    /// @notice The admin set the job market (once, forever).
    event JobMarketSet(address indexed jobMarket);
    /// @notice The admin allow-listed (or delisted) a bond token and set its minimum bond.
    /// @dev `token` address(0) is ETH (id 0).
    event BondTokenSet(address indexed token, uint16 indexed tokenId, bool allowed, uint96 minBond);
    /// @notice The admin changed the unbonding delay.
    event UnbondingDelaySet(uint32 unbondingDelay);

    // ------------------------------------------------------------------ errors

    /// @notice A collateral hook was called by someone other than the job market.
    error NodeRegistryCallerNotJobMarket(address caller);
    /// @notice No node has this id.
    error NodeRegistryUnknownNode(uint64 nodeId);
    /// @notice Only the node's owner may do this.
    error NodeRegistryNotNodeOwner(uint64 nodeId, address caller);
    /// @notice Only the node's owner or signer may do this.
    error NodeRegistryNotOwnerOrSigner(uint64 nodeId, address caller);
    /// @notice The signer must not be the zero address.
    error NodeRegistryZeroSigner();
    /// @notice The token is not allow-listed for bonds and prices.
    error NodeRegistryTokenNotAllowed(address token);
    /// @notice ETH bonds: `msg.value` must equal the amount. ERC-20 bonds: `msg.value` must be 0.
    error NodeRegistryValueMismatch(uint256 expected, uint256 sent);
    /// @notice The ERC-20 transfer delivered less than the amount (fee-on-transfer tokens are refused).
    error NodeRegistryTransferShortfall(address token, uint256 expected, uint256 received);
    /// @notice The node's status does not allow this operation.
    error NodeRegistryBadStatus(uint64 nodeId, NodeStatus status);
    /// @notice The node cannot take work (paused, deregistered, unbonding or under-bonded).
    error NodeRegistryNodeNotActive(uint64 nodeId);
    /// @notice The node's free bond (bond - locked) is smaller than requested.
    error NodeRegistryInsufficientFreeBond(uint64 nodeId, uint96 free, uint96 requested);
    /// @notice The node has less locked collateral than requested.
    error NodeRegistryInsufficientLocked(uint64 nodeId, uint96 locked, uint96 requested);
    /// @notice The node still has collateral locked by jobs.
    error NodeRegistryCollateralLocked(uint64 nodeId, uint96 locked);
    /// @notice An unbonding request is already pending (cancel it first).
    error NodeRegistryUnbondingPending(uint64 nodeId, uint96 amount, uint32 readyAt);
    /// @notice No unbonding request is pending.
    error NodeRegistryNoUnbonding(uint64 nodeId);
    /// @notice The unbonding delay has not passed yet.
    error NodeRegistryUnbondingNotReady(uint64 nodeId, uint32 readyAt, uint256 nowTimestamp);
    /// @notice The amount must be greater than zero.
    error NodeRegistryZeroAmount();
    /// @notice The bond would exceed 2^96 - 1 base units.
    error NodeRegistryBondOverflow(uint64 nodeId, uint256 total);
    /// @notice A capability enumeration holds an unknown value. `field`: 0 gpuInterconnect,
    ///         1 cpuArch, 2 memoryType, 3 storageType.
    error NodeRegistryInvalidCapability(uint8 field, uint8 value);
    /// @notice The job market was already set; it can never change.
    error NodeRegistryJobMarketAlreadySet(address jobMarket);
    /// @notice The address must not be zero.
    error NodeRegistryZeroAddress();
    /// @notice The unbonding delay must lie in [min, max].
    error NodeRegistryUnbondingDelayOutOfRange(uint32 delay, uint32 min, uint32 max);
    /// @notice The epoch length must be greater than zero.
    error NodeRegistryZeroEpochLength();
    /// @notice Sending ETH to `to` failed.
    error NodeRegistryEthTransferFailed(address to, uint256 amount);
    /// @notice ETH (address(0)) cannot be delisted; only its minimum bond can change.
    error NodeRegistryEthAlwaysAllowed();
    /// @notice No more token ids are available (65,535 tokens).
    error NodeRegistryTooManyTokens();
    /// @notice A bond before the job market is set: the market keeps the nodes' bond ledgers.
    error NodeRegistryNoJobMarket();

    // ------------------------------------------------------------------ nodes

    /// @notice Registers a node owned by the caller and returns its new id (ids start at 1).
    /// @dev For an ETH bond pass `bondToken = address(0)` and send `bondAmount` as `msg.value`;
    ///      for an ERC-20 bond approve `bondAmount` first and send no ETH. `bondAmount` may be 0
    ///      (bond later with `bond`); the node is `active` only once its bond reaches the token's
    ///      minimum. `bondToken` and `prices.token` must be ETH or allow-listed. Registration
    ///      counts as the node's first heartbeat. Blocked while the registry is paused.
    ///      Emits `NodeRegistered` (and `Bonded` when `bondAmount > 0`).
    /// @param signer the worker's hot key (signs EIP-712 messages, may heartbeat); nonzero
    /// @param bondToken address(0) for ETH, else an allow-listed ERC-20; fixed for the node's life
    /// @param bondAmount initial bond in `bondToken` base units
    /// @param capabilities the hardware discovery filters on
    /// @param prices prices per unit in `prices.token` base units
    /// @param metadataHash keccak256 of the metadata document (0 = none)
    /// @param metadataURI where the metadata document lives (emitted, not stored)
    function register(
        address signer,
        address bondToken,
        uint96 bondAmount,
        Capabilities calldata capabilities,
        Prices calldata prices,
        bytes32 metadataHash,
        string calldata metadataURI
    ) external payable returns (uint64 nodeId);

    /// @notice Replaces the node's capabilities. Owner only; not once deregistered.
    /// @dev Emits `CapabilitiesUpdated`.
    function updateCapabilities(uint64 nodeId, Capabilities calldata capabilities) external;

    /// @notice Replaces the node's prices. Owner only; not once deregistered. The token must be allowed.
    /// @dev Emits `PricesUpdated`.
    function updatePrices(uint64 nodeId, Prices calldata prices) external;

    /// @notice Replaces the node's metadata hash (and announces the URI). Owner only; not once deregistered.
    /// @dev Emits `MetadataUpdated`.
    function updateMetadata(uint64 nodeId, bytes32 metadataHash, string calldata metadataURI) external;

    /// @notice Replaces the node's signer (e.g. after a hot key leaked). Owner only; not once deregistered.
    /// @dev Emits `SignerChanged`.
    function setSigner(uint64 nodeId, address signer) external;

    /// @notice Stops the node taking new work; its jobs in progress continue. Owner only; node must be Active.
    /// @dev Emits `NodePaused`.
    function pauseNode(uint64 nodeId) external;

    /// @notice Lets a paused node take work again. Owner only; node must be Paused.
    /// @dev Emits `NodeResumed`.
    function resumeNode(uint64 nodeId) external;

    /// @notice Retires the node for good. Owner only; nothing may be locked. Any pending request is
    ///         replaced by one for the whole bond, payable after the unbonding delay.
    /// @dev Emits `NodeDeregistered` (and `UnbondRequested` when the bond is not zero).
    function deregister(uint64 nodeId) external;

    /// @notice Adds to the node's bond, in the node's bond token. Owner only; not once deregistered;
    ///         blocked while the registry is paused. ETH: send `amount` as `msg.value`.
    /// @dev Emits `Bonded`.
    function bond(uint64 nodeId, uint96 amount) external payable;

    /// @notice Asks to withdraw `amount` of free bond after the unbonding delay. Owner only. While a
    ///         request is pending the node takes no new work. The amount stays slashable until withdrawn.
    /// @dev Reverts if a request is pending or `amount` exceeds the free bond. Emits `UnbondRequested`.
    function requestUnbond(uint64 nodeId, uint96 amount) external;

    /// @notice Cancels a pending unbonding request (not for deregistered nodes). Owner only.
    /// @dev Emits `UnbondCancelled`.
    function cancelUnbond(uint64 nodeId) external;

    /// @notice Pays the node's owner what was requested, once the delay has passed: the request,
    ///         capped at the bond that is neither locked nor slashed. Owner only. Never blocked by pause.
    /// @dev Reentrancy-guarded, checks-effects-interactions. Emits `BondWithdrawn`.
    function withdrawBond(uint64 nodeId) external returns (uint96 amount);

    /// @notice Records that the node is alive, in one storage write. Callable by the owner or the signer.
    /// @dev Emits `Heartbeat`.
    function heartbeat(uint64 nodeId) external;

    // ------------------------------------------------------------------ views

    /// @notice How many nodes were ever registered; ids run from 1 to `nodeCount()`.
    function nodeCount() external view returns (uint64);

    /// @notice Everything about one node. Reverts `NodeRegistryUnknownNode` for an unknown id.
    /// @dev Its bond, lock and reputation come from the job market's ledger (one call per node:
    ///      `getNodeStates` reads a page's ledgers in one).
    function getNode(uint64 nodeId) external view returns (NodeView memory);

    /// @notice Up to `count` nodes with ids from `fromId` (0 is treated as 1), stopping at `nodeCount()`.
    ///         Deregistered nodes are included (look at `status`). Discovery reads the registry with this.
    function getNodes(uint64 fromId, uint256 count) external view returns (NodeView[] memory nodes);

    /// @notice The changing part of nodes `fromId .. fromId + count - 1` (clamped to the registered
    ///         range), four raw words per node; the static part comes from `NodeRegistered` and `NodeDescribed` logs. Together
    ///         they read 10,000 nodes in a handful of eth_calls under a 2^24 gas cap (~9,100 gas a node).
    /// @dev Node i (0-based) occupies words[4i .. 4i+3]; the node id is fromId + i:
    ///      0 core      = owner 0..160 | registeredAt 160..192 | status 192..200 | unbonding 200..208 | bondTokenId 208..224
    ///                    | account 224 (bonded once) | reserved 225..256
    ///      1 heartbeat = signer 0..160 | lastSeen 160..192 | beatEpochs 192..224 | lastBeatEpoch 224..256
    ///      2 account   = bond 0..96 | locked 96..192 | completed 192..224 | failed 224..240 | slashed 240..248 | disputesLost 248..256
    ///                    (the job market's ledger word for the node, read in one call per page)
    ///      3 derived   = active 0..8 (0/1) | reputation ppm 8..40 | availability ppm 40..72
    ///      Token ids map to addresses through `bondTokens()` (id 0 = ETH).
    function getNodeStates(uint64 fromId, uint256 count) external view returns (uint256[] memory words);

    /// @notice The node's bond accounting, including what `withdrawBond` would pay now.
    function bondInfo(uint64 nodeId) external view returns (BondInfo memory);

    /// @notice Last heartbeat (unix seconds) and availability in parts per million: the share of
    ///         epochs since registration (inclusive of the current one) with at least one heartbeat.
    function liveness(uint64 nodeId) external view returns (uint32 lastSeen, uint32 availability);

    /// @notice The node's reputation score (ppm) and its counters.
    function reputation(
        uint64 nodeId
    )
        external
        view
        returns (uint32 score, uint32 completed, uint32 failed, uint32 slashed, uint32 disputesLost);

    /// @notice The node's signer (its worker's hot key); address(0) for an unknown node.
    function signerOf(uint64 nodeId) external view returns (address);

    /// @notice The node's owner and status (cheap: one slot). Owner is address(0) for an unknown id.
    function nodeOwner(uint64 nodeId) external view returns (address owner, NodeStatus status);

    /// @notice The node's capabilities (two slots).
    function capabilitiesOf(uint64 nodeId) external view returns (Capabilities memory);

    /// @notice The job market allowed to call the collateral hooks (address(0) until set).
    function jobMarket() external view returns (address);

    /// @notice Seconds between an unbonding request and its withdrawal.
    function unbondingDelay() external view returns (uint32);

    /// @notice Seconds per heartbeat epoch (immutable).
    function epochLength() external view returns (uint32);

    /// @notice Whether `token` may be used for new bonds and prices, its id and its minimum bond.
    function bondTokenConfig(
        address token
    ) external view returns (bool allowed, uint16 tokenId, uint96 minBond);

    /// @notice Every token that was ever listed, by id (id 0 = ETH = address(0)).
    function bondTokens() external view returns (address[] memory);

    // ------------------------------------------------------------------ admin

    /// @notice Sets the job market, once. Admin only. It can never be changed afterwards.
    /// @dev Emits `JobMarketSet`.
    function setJobMarket(address market) external;

    /// @notice Allow-lists (or delists) a bond token and sets its minimum bond. Admin only.
    ///         `token` address(0) is ETH, which is always allowed. Delisting stops new registrations and top-ups in the token;
    ///         nodes already bonded in it keep working and can always withdraw.
    /// @dev Emits `BondTokenSet`.
    function setBondToken(address token, bool allowed, uint96 minBond) external;

    /// @notice Sets the unbonding delay, within [1 hour, 90 days]. Admin only. Applies to new requests.
    /// @dev Emits `UnbondingDelaySet`.
    function setUnbondingDelay(uint32 delay) external;

    /// @notice Emergency stop of registrations, bonds and collateral locks. Admin only. Never blocks
    ///         withdrawals, releases, slashes, heartbeats or updates.
    function pause() external;

    /// @notice Ends an emergency stop. Admin only.
    function unpause() external;
}
