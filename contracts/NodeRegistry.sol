// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Unbonding delays, heartbeat epochs and liveness are measured in block timestamps: they are hours
// long, so a validator's few seconds of skew cannot move them meaningfully, and no randomness is
// drawn from time.
/* solhint-disable not-rely-on-time */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {INodeAccounts} from "./interfaces/INodeAccounts.sol";
import {INodeCollateral} from "./interfaces/INodeCollateral.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {CapabilitiesPacking} from "./libraries/CapabilitiesPacking.sol";
import {NodeAccounts} from "./libraries/NodeAccounts.sol";
import {NodePacking} from "./libraries/NodePacking.sol";
import {PricesPacking} from "./libraries/PricesPacking.sol";
import {Reputation} from "./libraries/Reputation.sol";
import {BondInfo, Capabilities, NodeStatus, NodeView, Prices} from "./types/NodeTypes.sol";

/// @title Sandrun node registry
/// @notice See {INodeRegistry}. Holds every node's bond tokens; the bond ledger (bond, locked
///         collateral, reputation counters) lives in the job market (set once, before any bond),
///         which locks, releases and slashes collateral there without calling this contract.
/// @dev Storage per node (7 slots, 7 written by a bond-less registration): core word, heartbeat
///      word (see `NodePacking`), capabilities (2, `CapabilitiesPacking`), prices (2,
///      `PricesPacking`), metadata hash; plus an unbonding request slot written only on request.
///      From its first bond a node has an account in the market (NodeAccounts): the core word
///      carries ACCOUNT, and every change of the core word or the bond is sent there (`syncNode`),
///      as is the signer (`syncSigner`: the market checks signed messages against its copy).
///      Invariant: for every token, this contract's balance >= the sum of the market's bonds of
///      the nodes bonded in it (equal unless someone sends tokens without bonding).
contract NodeRegistry is INodeRegistry, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using NodePacking for uint256;

    /// @dev A pending withdrawal request.
    struct Unbond {
        uint96 amount;
        uint32 readyAt;
    }

    struct Node {
        uint256 core;
        uint256 heartbeat;
        bytes32 capabilityNames;
        uint256 capabilityNumbers;
        uint256 prices0;
        uint256 prices1;
        bytes32 metadataHash;
        Unbond unbond;
    }

    /// @dev A bond token by id (id 0 = ETH); token address and minimum bond share a slot.
    struct TokenConfig {
        address token;
        uint96 minBond;
    }

    /// @dev Where a token sits in `_tokens`, and whether it is allowed for new bonds and prices.
    struct TokenEntry {
        uint16 id;
        bool listed;
        bool allowed;
    }

    uint32 private constant _MIN_UNBONDING_DELAY = 1 hours;
    uint32 private constant _MAX_UNBONDING_DELAY = 90 days;

    /// @inheritdoc INodeRegistry
    uint32 public immutable override epochLength;

    // One slot: every bond change reads the job market and the pause flag, every registration
    // the pause flag and the node count, so each pays one cold read for all of them.
    address private _jobMarket;
    bool private _paused;
    uint64 private _nodeCount;
    uint32 private _unbondingDelay;
    mapping(uint64 nodeId => Node) private _nodes;
    TokenConfig[] private _tokens;
    mapping(address token => TokenEntry) private _tokenEntries;

    /// @notice Deploys the registry.
    /// @dev Constructor args, in order (Ignition: `m.contract("NodeRegistry", [owner, minBond, delay, epoch])`):
    ///      `initialOwner` admin (Ownable2Step), `minBond` the minimum ETH bond in wei for a node to be
    ///      active, `unbondingDelay` seconds in [3600, 7776000] (e.g. 604800 = 7 days),
    ///      `epochLength_` heartbeat epoch in seconds (> 0, e.g. 3600). ETH is allow-listed as token id 0.
    ///      The job market is set afterwards, once, with `setJobMarket`.
    constructor(
        address initialOwner,
        uint96 minBond,
        uint32 unbondingDelay_,
        uint32 epochLength_
    ) Ownable(initialOwner) {
        if (epochLength_ == 0) revert NodeRegistryZeroEpochLength();
        epochLength = epochLength_;
        _setUnbondingDelay(unbondingDelay_);
        _tokens.push(TokenConfig(address(0), minBond));
        _tokenEntries[address(0)] = TokenEntry(0, true, true);
        emit BondTokenSet(address(0), 0, true, minBond);
    }

    /// @notice The registry was paused / unpaused by the owner (OpenZeppelin Pausable's events and
    ///         errors; the flag lives beside the job market's address so a hook reads one slot).
    event Paused(address account);
    event Unpaused(address account);
    error EnforcedPause();
    error ExpectedPause();

    modifier whenNotPaused() {
        if (_paused) revert EnforcedPause();
        _;
    }

    /// @notice Whether registrations and bonding are stopped (jobs go on: the market has its own pause).
    function paused() external view returns (bool) {
        return _paused;
    }

    modifier onlyJobMarket() {
        if (msg.sender != _jobMarket || msg.sender == address(0))
            revert NodeRegistryCallerNotJobMarket(msg.sender);
        _;
    }

    // ================================================================== nodes

    /// @inheritdoc INodeRegistry
    function register(
        address signer,
        address bondToken,
        uint96 bondAmount,
        Capabilities calldata capabilities,
        Prices calldata prices,
        bytes32 metadataHash,
        string calldata metadataURI
    ) external payable override whenNotPaused returns (uint64 nodeId) {
        if (signer == address(0)) revert NodeRegistryZeroSigner();
        uint16 bondTokenId = _allowedTokenId(bondToken);
        uint16 payTokenId = prices.token == bondToken ? bondTokenId : _allowedTokenId(prices.token);

        // Cannot overflow: 2^64 registrations would cost more gas than will ever exist.
        unchecked {
            nodeId = ++_nodeCount;
        }
        Node storage node = _nodes[nodeId];
        uint32 nowTs = uint32(block.timestamp);
        node.core = NodePacking.packCore(msg.sender, nowTs, NodeStatus.Active, bondTokenId);
        // Registration is the first heartbeat.
        node.heartbeat = NodePacking.packHeartbeat(signer, nowTs, 1, _epoch());
        if (metadataHash != bytes32(0)) node.metadataHash = metadataHash;
        _describeNew(nodeId, node, signer, capabilities, prices, payTokenId, metadataHash, metadataURI);

        if (bondAmount != 0) {
            _addBondGuarded(nodeId, node, bondToken, bondAmount);
        } else if (msg.value != 0) {
            revert NodeRegistryValueMismatch(0, msg.value);
        }
    }

    /// @inheritdoc INodeRegistry
    function updateCapabilities(uint64 nodeId, Capabilities calldata capabilities) external override {
        Node storage node = _nodes[nodeId];
        _requireLiveOwner(nodeId, node.core);
        _writeCapabilities(node, capabilities);
        emit CapabilitiesUpdated(nodeId, capabilities);
        _emitDescribed(nodeId, node);
    }

    /// @inheritdoc INodeRegistry
    function updatePrices(uint64 nodeId, Prices calldata prices) external override {
        Node storage node = _nodes[nodeId];
        _requireLiveOwner(nodeId, node.core);
        _writePrices(node, prices, _allowedTokenId(prices.token));
        emit PricesUpdated(nodeId, prices);
        _emitDescribed(nodeId, node);
    }

    /// @inheritdoc INodeRegistry
    function updateMetadata(
        uint64 nodeId,
        bytes32 metadataHash,
        string calldata metadataURI
    ) external override {
        Node storage node = _nodes[nodeId];
        _requireLiveOwner(nodeId, node.core);
        node.metadataHash = metadataHash;
        emit MetadataUpdated(nodeId, metadataHash, metadataURI);
        _emitDescribed(nodeId, node);
    }

    /// @inheritdoc INodeRegistry
    function setSigner(uint64 nodeId, address signer) external override {
        if (signer == address(0)) revert NodeRegistryZeroSigner();
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireLiveOwner(nodeId, core);
        uint256 hb = node.heartbeat;
        address previous = hb.signer();
        if (previous == signer) return; // nothing changed: no write, no event
        node.heartbeat = hb.withSigner(signer);
        // The market checks signatures against its own copy: from the moment this returns, the old
        // key's signatures are refused.
        if (core.hasAccount()) _market().syncSigner(nodeId, signer);
        emit SignerChanged(nodeId, previous, signer);
    }

    /// @inheritdoc INodeRegistry
    function pauseNode(uint64 nodeId) external override {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireOwner(nodeId, core);
        if (core.status() != NodeStatus.Active) revert NodeRegistryBadStatus(nodeId, core.status());
        _setCore(nodeId, node, core.withStatus(NodeStatus.Paused));
        emit NodePaused(nodeId);
    }

    /// @inheritdoc INodeRegistry
    function resumeNode(uint64 nodeId) external override {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireOwner(nodeId, core);
        if (core.status() != NodeStatus.Paused) revert NodeRegistryBadStatus(nodeId, core.status());
        _setCore(nodeId, node, core.withStatus(NodeStatus.Active));
        emit NodeResumed(nodeId);
    }

    /// @inheritdoc INodeRegistry
    function deregister(uint64 nodeId) external override {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireLiveOwner(nodeId, core);
        uint256 money = _moneyOf(nodeId, core);
        uint96 locked = NodeAccounts.lockedOf(money);
        if (locked != 0) revert NodeRegistryCollateralLocked(nodeId, locked);
        uint96 bonded = NodeAccounts.bondOf(money);
        _setCore(nodeId, node, core.withStatus(NodeStatus.Deregistered).withUnbonding(bonded != 0));
        emit NodeDeregistered(nodeId);
        if (bonded != 0) {
            uint32 readyAt = uint32(block.timestamp) + _unbondingDelay;
            node.unbond = Unbond(bonded, readyAt);
            emit UnbondRequested(nodeId, bonded, readyAt);
        } else if (node.unbond.amount != 0) {
            delete node.unbond;
        }
    }

    /// @inheritdoc INodeRegistry
    function bond(uint64 nodeId, uint96 amount) external payable override whenNotPaused nonReentrant {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireLiveOwner(nodeId, core);
        TokenConfig memory config = _tokenConfig(core.bondTokenId());
        if (!_tokenEntries[config.token].allowed) revert NodeRegistryTokenNotAllowed(config.token);
        _addBond(nodeId, node, config.token, amount);
    }

    /// @inheritdoc INodeRegistry
    function requestUnbond(uint64 nodeId, uint96 amount) external override {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireLiveOwner(nodeId, core);
        if (amount == 0) revert NodeRegistryZeroAmount();
        Unbond memory pending = node.unbond;
        if (pending.amount != 0) revert NodeRegistryUnbondingPending(nodeId, pending.amount, pending.readyAt);
        // The market learns of the request (no new locks) and answers with the ledger, in one call.
        uint256 money = _setCore(nodeId, node, core.withUnbonding(true));
        uint96 free = NodeAccounts.freeOf(money);
        if (amount > free) revert NodeRegistryInsufficientFreeBond(nodeId, free, amount);
        uint32 readyAt = uint32(block.timestamp) + _unbondingDelay;
        node.unbond = Unbond(amount, readyAt);
        emit UnbondRequested(nodeId, amount, readyAt);
    }

    /// @inheritdoc INodeRegistry
    function cancelUnbond(uint64 nodeId) external override {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireLiveOwner(nodeId, core);
        if (node.unbond.amount == 0) revert NodeRegistryNoUnbonding(nodeId);
        delete node.unbond;
        _setCore(nodeId, node, core.withUnbonding(false));
        emit UnbondCancelled(nodeId);
    }

    /// @inheritdoc INodeRegistry
    function withdrawBond(uint64 nodeId) external override nonReentrant returns (uint96 amount) {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        _requireOwner(nodeId, core);
        Unbond memory pending = node.unbond;
        if (pending.amount == 0) revert NodeRegistryNoUnbonding(nodeId);
        if (block.timestamp < pending.readyAt) {
            revert NodeRegistryUnbondingNotReady(nodeId, pending.readyAt, block.timestamp);
        }
        // Effects: pay the request capped at what is neither locked nor already slashed (the market
        // takes it out of the ledger; a node with a pending request has an account).
        core = core.withUnbonding(false);
        node.core = core;
        (, amount) = _market().syncNode(nodeId, core, 0, pending.amount);
        delete node.unbond;
        // Interaction last.
        address token = _tokenConfig(core.bondTokenId()).token;
        address to = core.owner();
        emit BondWithdrawn(nodeId, to, token, amount);
        _pay(token, to, amount);
    }

    /// @inheritdoc INodeRegistry
    function heartbeat(uint64 nodeId) external override {
        Node storage node = _nodes[nodeId];
        uint256 hb = node.heartbeat;
        // The signer path reads one slot; the owner path a second one.
        if (msg.sender != hb.signer()) {
            address owner_ = node.core.owner();
            if (owner_ == address(0)) revert NodeRegistryUnknownNode(nodeId);
            if (msg.sender != owner_) revert NodeRegistryNotOwnerOrSigner(nodeId, msg.sender);
        }
        node.heartbeat = hb.beat(uint32(block.timestamp), _epoch());
        emit Heartbeat(nodeId);
    }

    // ================================================================== the job market's calls

    /// @inheritdoc INodeCollateral
    function paySlashed(
        uint16 tokenId,
        uint96 amount
    ) external override onlyJobMarket nonReentrant returns (address token) {
        // The market took `amount` out of a node's ledger in the same transaction; the tokens follow.
        token = _tokenConfig(tokenId).token;
        _pay(token, msg.sender, amount);
    }

    /// @inheritdoc INodeRegistry
    function signerOf(uint64 nodeId) external view override returns (address) {
        return _nodes[nodeId].heartbeat.signer();
    }

    // ================================================================== views

    /// @inheritdoc INodeCollateral
    function nodeForJob(uint64 nodeId) external view override returns (NodeForJob memory n) {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        uint256 money = _moneyOf(nodeId, core);
        TokenConfig memory config = _tokenConfig(core.bondTokenId());
        n.owner = core.owner();
        n.signer = node.heartbeat.signer();
        n.bondToken = config.token;
        n.freeBond = NodeAccounts.freeOf(money);
        n.reputation = NodeAccounts.scoreOf(money);
        n.active = NodeAccounts.isActive(core, NodeAccounts.bondOf(money), config.minBond);
    }

    /// @inheritdoc INodeRegistry
    function nodeCount() external view override returns (uint64) {
        return _nodeCount;
    }

    /// @inheritdoc INodeRegistry
    function getNode(uint64 nodeId) external view override returns (NodeView memory) {
        if (nodeId == 0 || nodeId > _nodeCount) revert NodeRegistryUnknownNode(nodeId);
        return _view(nodeId, _epoch(), _moneyOf(nodeId, _nodes[nodeId].core));
    }

    /// @inheritdoc INodeRegistry
    function getNodes(uint64 fromId, uint256 count) external view override returns (NodeView[] memory nodes) {
        uint256 total = _nodeCount;
        uint256 first = fromId == 0 ? 1 : fromId;
        if (first > total || count == 0) return new NodeView[](0);
        uint256 available = total - first + 1;
        uint256 n = count < available ? count : available;
        nodes = new NodeView[](n);
        uint32 epoch = _epoch();
        for (uint256 i; i < n; ++i) {
            // first + i <= total <= type(uint64).max. One warm call to the market per node: a
            // page's ledger words fetched in one call measured ~2,600 gas a node more (memory).
            uint64 id = uint64(first + i);
            nodes[i] = _view(id, epoch, _moneyOf(id, _nodes[id].core));
        }
    }

    /// @inheritdoc INodeRegistry
    function getNodeStates(
        uint64 fromId,
        uint256 count
    ) external view override returns (uint256[] memory words) {
        uint256 first = fromId == 0 ? 1 : fromId;
        uint256 end = first + _pageLength(first, count);
        words = new uint256[]((end - first) * 4);
        uint32 epoch = _epoch();
        // The page's ledgers, in one call to the market.
        uint256[] memory money = _moneyWords(first, end - first);
        // Most nodes bond the same token: its minimum bond is read once per run of equal ids.
        uint256 cachedTokenId = type(uint256).max;
        uint96 minBond;
        uint256 p;
        // A cursor to the array's first element: each node's four words are written in place.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            p := add(words, 0x20)
        }
        for (uint256 id = first; id < end;) {
            Node storage node = _nodes[uint64(id)]; // id <= total <= type(uint64).max
            uint256 core = node.core;
            uint256 tokenId = core.bondTokenId();
            if (tokenId != cachedTokenId) {
                cachedTokenId = tokenId;
                minBond = _tokenConfig(uint16(tokenId)).minBond;
            }
            _storeState(p, node, core, money[id - first], minBond, epoch);
            unchecked {
                ++id;
                p += 0x80;
            }
        }
    }

    /// @dev How many nodes a page from `first` holds: `count` clamped to the registered range.
    function _pageLength(uint256 first, uint256 count) private view returns (uint256) {
        uint256 total = _nodeCount;
        if (first > total || count == 0) return 0;
        uint256 available = total - first + 1;
        return count < available ? count : available;
    }

    /// @dev Writes a node's four getNodeStates words at memory `p` (inside the allocated array).
    function _storeState(
        uint256 p,
        Node storage node,
        uint256 core,
        uint256 account,
        uint96 minBond,
        uint32 epoch
    ) private view {
        uint256 hb = node.heartbeat;
        uint256 derived = _derivedWord(core, hb, account, minBond, epoch);
        // Stores the four words at the cursor, inside the array the caller allocated (no bounds checks).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(p, core)
            mstore(add(p, 0x20), hb)
            mstore(add(p, 0x40), account)
            mstore(add(p, 0x60), derived)
        }
    }

    /// @dev getNodeStates' fourth word: active | reputation ppm << 8 | availability ppm << 40, from the
    ///      raw account word (bond 0..96 | locked | completed 192 | failed 224 | slashed 240 | disputes 248).
    function _derivedWord(
        uint256 core,
        uint256 hb,
        uint256 account,
        uint96 minBond,
        uint32 epoch
    ) private view returns (uint256) {
        uint32 reputation = NodeAccounts.scoreOf(account);
        return
            (NodeAccounts.isActive(core, NodeAccounts.bondOf(account), minBond) ? 1 : 0) |
            (uint256(reputation) << 8) |
            (uint256(_availability(core, hb, epoch)) << 40);
    }

    /// @inheritdoc INodeRegistry
    function bondInfo(uint64 nodeId) external view override returns (BondInfo memory info) {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        uint256 money = _moneyOf(nodeId, core);
        Unbond memory pending = node.unbond;
        info.token = _tokenConfig(core.bondTokenId()).token;
        info.bond = NodeAccounts.bondOf(money);
        info.locked = NodeAccounts.lockedOf(money);
        info.unbonding = pending.amount;
        info.unbondReadyAt = pending.readyAt;
        if (pending.amount != 0 && block.timestamp >= pending.readyAt) {
            uint96 free = info.bond - info.locked;
            info.withdrawable = pending.amount < free ? pending.amount : free;
        }
    }

    /// @inheritdoc INodeRegistry
    function liveness(uint64 nodeId) external view override returns (uint32 lastSeen, uint32 availability) {
        Node storage node = _nodes[nodeId];
        uint256 hb = node.heartbeat;
        return (hb.lastSeen(), _availability(node.core, hb, _epoch()));
    }

    /// @inheritdoc INodeRegistry
    function reputation(
        uint64 nodeId
    )
        external
        view
        override
        returns (uint32 score, uint32 completed, uint32 failed, uint32 slashed, uint32 disputesLost)
    {
        uint256 money = _moneyOf(nodeId, _nodes[nodeId].core);
        score = NodeAccounts.scoreOf(money);
        (completed, failed, slashed, disputesLost) = NodeAccounts.countersOf(money);
    }

    /// @inheritdoc INodeRegistry
    function nodeOwner(uint64 nodeId) external view override returns (address owner_, NodeStatus status) {
        uint256 core = _nodes[nodeId].core;
        return (core.owner(), core.status());
    }

    /// @inheritdoc INodeRegistry
    function capabilitiesOf(uint64 nodeId) external view override returns (Capabilities memory) {
        Node storage node = _nodes[nodeId];
        return CapabilitiesPacking.unpack(node.capabilityNames, node.capabilityNumbers);
    }

    /// @inheritdoc INodeRegistry
    function jobMarket() external view override returns (address) {
        return _jobMarket;
    }

    /// @inheritdoc INodeRegistry
    function unbondingDelay() external view override returns (uint32) {
        return _unbondingDelay;
    }

    /// @inheritdoc INodeRegistry
    function bondTokenConfig(
        address token
    ) external view override returns (bool allowed, uint16 tokenId, uint96 minBond) {
        TokenEntry memory entry = _tokenEntries[token];
        if (!entry.listed) return (false, 0, 0);
        return (entry.allowed, entry.id, _tokens[entry.id].minBond);
    }

    /// @inheritdoc INodeRegistry
    function bondTokens() external view override returns (address[] memory tokens) {
        uint256 n = _tokens.length;
        tokens = new address[](n);
        for (uint256 i; i < n; ++i) tokens[i] = _tokens[i].token;
    }

    // ================================================================== admin

    /// @inheritdoc INodeRegistry
    function setJobMarket(address market) external override onlyOwner {
        if (market == address(0)) revert NodeRegistryZeroAddress();
        if (_jobMarket != address(0)) revert NodeRegistryJobMarketAlreadySet(_jobMarket);
        _jobMarket = market;
        emit JobMarketSet(market);
        // The market checks minimum bonds itself: it learns every token's word now and each change later.
        uint256 n = _tokens.length;
        for (uint256 id; id < n; ++id) _syncToken(uint16(id));
    }

    /// @inheritdoc INodeRegistry
    function setBondToken(address token, bool allowed, uint96 minBond) external override onlyOwner {
        if (token == address(0) && !allowed) revert NodeRegistryEthAlwaysAllowed();
        TokenEntry memory entry = _tokenEntries[token];
        if (!entry.listed) {
            uint256 id = _tokens.length;
            if (id > type(uint16).max) revert NodeRegistryTooManyTokens();
            _tokens.push(TokenConfig(token, minBond));
            entry = TokenEntry(uint16(id), true, allowed);
        } else {
            _tokens[entry.id].minBond = minBond;
            entry.allowed = allowed;
        }
        _tokenEntries[token] = entry;
        emit BondTokenSet(token, entry.id, allowed, minBond);
        if (_jobMarket != address(0)) _syncToken(entry.id);
    }

    /// @inheritdoc INodeRegistry
    function setUnbondingDelay(uint32 delay) external override onlyOwner {
        _setUnbondingDelay(delay);
    }

    /// @inheritdoc INodeRegistry
    function pause() external override onlyOwner {
        if (_paused) revert EnforcedPause();
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc INodeRegistry
    function unpause() external override onlyOwner {
        if (!_paused) revert ExpectedPause();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    // ================================================================== internals

    function _setUnbondingDelay(uint32 delay) private {
        if (delay < _MIN_UNBONDING_DELAY || delay > _MAX_UNBONDING_DELAY) {
            revert NodeRegistryUnbondingDelayOutOfRange(delay, _MIN_UNBONDING_DELAY, _MAX_UNBONDING_DELAY);
        }
        _unbondingDelay = delay;
        emit UnbondingDelaySet(delay);
    }

    function _epoch() private view returns (uint32) {
        return uint32(block.timestamp / epochLength);
    }

    function _allowedTokenId(address token) private view returns (uint16) {
        // ETH is id 0 and always allowed (no storage read: this is on register's hot path).
        if (token == address(0)) return 0;
        TokenEntry memory entry = _tokenEntries[token];
        if (!entry.allowed) revert NodeRegistryTokenNotAllowed(token);
        return entry.id;
    }

    /// @dev Checks the enum-like fields in the packed numbers word (see CapabilitiesPacking), which
    ///      costs less than reading them from calldata a second time.
    function _validateCapabilityNumbers(uint256 numbers) private pure {
        uint8 interconnect = uint8(numbers >> 32);
        uint8 arch = uint8(numbers >> 40);
        uint8 memoryType = uint8(numbers >> 120);
        uint8 storageType = uint8(numbers >> 144);
        if (interconnect > 2) revert NodeRegistryInvalidCapability(0, interconnect);
        if (arch > 1) revert NodeRegistryInvalidCapability(1, arch);
        if (memoryType > 2) revert NodeRegistryInvalidCapability(2, memoryType);
        if (storageType > 2) revert NodeRegistryInvalidCapability(3, storageType);
    }

    function _writeCapabilities(Node storage node, Capabilities calldata c) private {
        (bytes32 names, uint256 numbers) = CapabilitiesPacking.pack(c);
        _validateCapabilityNumbers(numbers);
        // Skip writes that would not change a fresh (zero) slot.
        if (names != node.capabilityNames) node.capabilityNames = names;
        if (numbers != node.capabilityNumbers) node.capabilityNumbers = numbers;
    }

    function _writePrices(Node storage node, Prices calldata p, uint16 tokenId) private {
        (uint256 word0, uint256 word1) = PricesPacking.pack(p, tokenId);
        if (word0 != node.prices0) node.prices0 = word0;
        if (word1 != node.prices1) node.prices1 = word1;
    }

    /// @dev `register` takes the reentrancy guard only when it moves funds: a bond-less registration
    ///      has no external call, and any call back into a fund-moving function hits this guard.
    function _addBondGuarded(
        uint64 nodeId,
        Node storage node,
        address token,
        uint96 amount
    ) private nonReentrant {
        _addBond(nodeId, node, token, amount);
    }

    /// @dev Takes `amount` of `token` into the node's bond. ETH must arrive as exactly `msg.value`;
    ///      an ERC-20 must arrive in full (balance measured before and after), so fee-on-transfer and
    ///      rebasing-on-transfer tokens are refused. Callers hold the reentrancy guard.
    function _addBond(uint64 nodeId, Node storage node, address token, uint96 amount) private {
        if (amount == 0) revert NodeRegistryZeroAmount();
        if (token == address(0)) {
            if (msg.value != amount) revert NodeRegistryValueMismatch(amount, msg.value);
        } else {
            if (msg.value != 0) revert NodeRegistryValueMismatch(0, msg.value);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = IERC20(token).balanceOf(address(this)) - before;
            if (received != amount) revert NodeRegistryTransferShortfall(token, amount, received);
        }
        // The first bond opens the node's account in the market (ACCOUNT marks it here) with the
        // core word and the signer; later changes of either are sent as they happen.
        uint256 core = node.core;
        bool opens = !core.hasAccount();
        if (opens) node.core = core = core.withAccount();
        INodeAccounts market = _market();
        (uint256 money, ) = market.syncNode(nodeId, core, amount, 0);
        if (opens) market.syncSigner(nodeId, node.heartbeat.signer());
        emit Bonded(nodeId, token, amount, NodeAccounts.bondOf(money));
    }

    function _pay(address token, address to, uint96 amount) private {
        if (amount == 0) return;
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert NodeRegistryEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @dev `_tokens[id]` without the array's length check (one cold read fewer): every id stored
    ///      in a node's core word was a valid index when written, and tokens are never removed.
    function _tokenConfig(uint16 id) private view returns (TokenConfig memory config) {
        uint256 word;
        // Reads `_tokens[id]` without the length check (see @dev).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, _tokens.slot)
            // `id` masked: a narrow variable may carry dirty high bits into assembly (the core
            // word's bits above the token id are not all zero).
            word := sload(add(keccak256(0, 32), and(id, 0xffff)))
        }
        config.token = address(uint160(word));
        config.minBond = uint96(word >> 160);
    }

    /// @dev The job market, which must be set before any bond (it keeps the bond ledger).
    function _market() private view returns (INodeAccounts market) {
        market = INodeAccounts(_jobMarket);
        if (address(market) == address(0)) revert NodeRegistryNoJobMarket();
    }

    /// @dev Writes the node's core word and, once it has an account, sends it to the market;
    ///      returns the node's money word (0 without an account).
    function _setCore(uint64 nodeId, Node storage node, uint256 core) private returns (uint256 money) {
        node.core = core;
        if (core.hasAccount()) (money, ) = _market().syncNode(nodeId, core, 0, 0);
    }

    /// @dev The node's money word from the market (0 for a node never bonded).
    function _moneyOf(uint64 nodeId, uint256 core) private view returns (uint256) {
        if (!core.hasAccount()) return 0;
        return INodeAccounts(_jobMarket).nodeMoneyWords(nodeId, 1)[0];
    }

    /// @dev The money words of `count` nodes from `first` (zeros before any market is set).
    function _moneyWords(uint256 first, uint256 count) private view returns (uint256[] memory) {
        address market = _jobMarket;
        if (market == address(0) || count == 0) return new uint256[](count);
        return INodeAccounts(market).nodeMoneyWords(uint64(first), count);
    }

    /// @dev Sends bond token `id`'s word (token | minBond << 160) to the market.
    function _syncToken(uint16 id) private {
        TokenConfig memory config = _tokenConfig(id);
        INodeAccounts(_jobMarket).syncBondToken(
            id,
            uint256(uint160(config.token)) | (uint256(config.minBond) << 160)
        );
    }

    function _requireOwner(uint64 nodeId, uint256 core) private view {
        address owner_ = core.owner();
        if (owner_ == address(0)) revert NodeRegistryUnknownNode(nodeId);
        if (owner_ != msg.sender) revert NodeRegistryNotNodeOwner(nodeId, msg.sender);
    }

    /// @dev Owner check plus "not deregistered".
    function _requireLiveOwner(uint64 nodeId, uint256 core) private view {
        _requireOwner(nodeId, core);
        if (core.status() == NodeStatus.Deregistered)
            revert NodeRegistryBadStatus(nodeId, NodeStatus.Deregistered);
    }

    /// @dev Writes a new node's capabilities and prices and announces it with those words (from the
    ///      stack, not re-read from storage).
    function _describeNew(
        uint64 nodeId,
        Node storage node,
        address signer,
        Capabilities calldata capabilities,
        Prices calldata prices,
        uint16 payTokenId,
        bytes32 metadataHash,
        string calldata metadataURI
    ) private {
        (bytes32 names, uint256 numbers) = CapabilitiesPacking.pack(capabilities);
        _validateCapabilityNumbers(numbers);
        (uint256 prices0, uint256 prices1) = PricesPacking.pack(prices, payTokenId);
        // A fresh node's slots are zero: a zero word needs no write.
        if (names != 0) node.capabilityNames = names;
        if (numbers != 0) node.capabilityNumbers = numbers;
        if (prices0 != 0) node.prices0 = prices0;
        if (prices1 != 0) node.prices1 = prices1;
        emit NodeRegistered(
            nodeId,
            msg.sender,
            signer,
            metadataHash,
            metadataURI,
            names,
            numbers,
            prices0,
            prices1
        );
    }

    /// @dev Announces the node's static description (capability names and numbers, prices, metadata hash) so that discovery
    ///      can build its index from logs and read only the changing words by eth_call.
    function _emitDescribed(uint64 nodeId, Node storage node) private {
        emit NodeDescribed(
            nodeId,
            node.capabilityNames,
            node.capabilityNumbers,
            node.prices0,
            node.prices1,
            node.metadataHash
        );
    }

    function _availability(uint256 core, uint256 hb, uint32 epoch) private view returns (uint32) {
        uint256 registeredAt = core.registeredAt();
        if (registeredAt == 0) return 0;
        uint256 epochs = uint256(epoch) - registeredAt / epochLength + 1;
        uint256 ppm = (uint256(hb.beatEpochs()) * Reputation.SCALE) / epochs;
        return ppm > Reputation.SCALE ? Reputation.SCALE : uint32(ppm);
    }

    /// @dev `money`: the node's ledger word from the market (0 if it never bonded).
    function _view(uint64 nodeId, uint32 epoch, uint256 money) private view returns (NodeView memory v) {
        Node storage node = _nodes[nodeId];
        uint256 core = node.core;
        uint256 hb = node.heartbeat;
        TokenConfig memory config = _tokenConfig(core.bondTokenId());
        v.id = nodeId;
        v.owner = core.owner();
        v.signer = hb.signer();
        v.status = core.status();
        v.unbonding = core.unbonding();
        v.active = NodeAccounts.isActive(core, NodeAccounts.bondOf(money), config.minBond);
        v.registeredAt = core.registeredAt();
        v.lastSeen = hb.lastSeen();
        v.availability = _availability(core, hb, epoch);
        v.reputation = NodeAccounts.scoreOf(money);
        v.bondToken = config.token;
        v.bond = NodeAccounts.bondOf(money);
        v.locked = NodeAccounts.lockedOf(money);
        (v.completed, v.failed, v.slashed, v.disputesLost) = NodeAccounts.countersOf(money);
        v.capabilities = CapabilitiesPacking.unpack(node.capabilityNames, node.capabilityNumbers);
        uint16 payTokenId;
        (v.prices, payTokenId) = PricesPacking.unpack(node.prices0, node.prices1);
        v.prices.token = _tokens[payTokenId].token;
        v.metadataHash = node.metadataHash;
    }
}
