// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IJobMarketEvents} from "../interfaces/IJobMarket.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {NodeStatus} from "../types/NodeTypes.sol";
import {Outcome} from "../types/Policy.sol";
import {NodePacking} from "./NodePacking.sol";
import {Reputation} from "./Reputation.sol";

/// @title Every node's job-facing account, inside the job market's storage
/// @notice A node's bond ledger (bond, collateral locked by jobs, reputation counters) lives where
///         jobs use it: a commit locks collateral and a settlement releases it, records outcomes and
///         learns the payees without calling another contract (a cold account, 2,600 gas, plus the
///         call and the callee's own configuration read, every time). The node registry keeps
///         registration, liveness and custody of the bond tokens; it opens an account at a node's
///         first bond and sends every later change a job step depends on (`sync`): the node's
///         core word (owner, status, unbonding, bond token), bonds added and withdrawals, and each
///         bond token's minimum (`syncToken`). Its views read the ledger back.
/// @dev ERC-7201 namespaced storage, like the pools': no collision with the market's sequential
///      layout. Per node two words: `key` = the registry's core word (NodePacking layout) as of its
///      last sync, `money` = bond 0..96 | locked 96..192 | completed 192..224 | failed 224..240 |
///      slashed 240..248 | disputesLost 248..256 (so a lock or a settlement writes one word);
///      and a third, `signer`, written only for a node whose signer is not its owner (owners never
///      change, so address(0) can stand for the owner).
///      Invariant: locked <= bond for every node; the registry holds, per token, at least the sum
///      of the bonds of the nodes bonded in it.
library NodeAccounts {
    using NodePacking for uint256;

    struct Account {
        uint256 key;
        uint256 money;
        address signer; // the node's signer when it is not the owner; address(0): the owner signs
    }

    /// @custom:storage-location erc7201:sandrun.storage.NodeAccounts
    struct Layout {
        mapping(uint64 nodeId => Account) accounts;
        // A bond token by registry id: token address | minBond << 160 (the registry's word).
        mapping(uint16 tokenId => uint256) tokens;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("sandrun.storage.NodeAccounts")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _LOCATION = 0x0b1e0f2ef37b2bbdbd58fcc3121bd9302b9e162058e9f8955e6086783e488f00;

    uint256 private constant _U96 = type(uint96).max;
    uint256 private constant _LOCKED_MASK = _U96 << 96;

    function state() internal pure returns (Layout storage s) {
        // Pointing a storage reference at a fixed slot is what ERC-7201 namespacing is.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            s.slot := _LOCATION
        }
    }

    // ================================================================ job steps

    /// @dev Locks `amount` of the node's free bond for a job and returns its owner. The node must
    ///      be active: registered, not paused, not unbonding, bonded at least its token's minimum.
    function lock(uint64 nodeId, uint96 amount, bool announce) internal returns (address owner) {
        Layout storage s = state();
        Account storage a = s.accounts[nodeId];
        uint256 key = a.key;
        uint256 money = a.money;
        uint96 bonded = uint96(money);
        if (!isActive(key, bonded, minBondOf(s, key))) revert INodeRegistry.NodeRegistryNodeNotActive(nodeId);
        uint96 locked = uint96(money >> 96);
        uint96 free = bonded - locked; // locked <= bond
        if (amount > free) revert INodeRegistry.NodeRegistryInsufficientFreeBond(nodeId, free, amount);
        locked += amount;
        a.money = (money & ~_LOCKED_MASK) | (uint256(locked) << 96);
        if (announce) emit IJobMarketEvents.CollateralLocked(nodeId, amount, locked);
        return key.owner();
    }

    /// @dev Unlocks `amount`, records `outcome` and returns the node's owner (the payee).
    function release(uint64 nodeId, uint96 amount, Outcome outcome) internal returns (address owner) {
        Account storage a = state().accounts[nodeId];
        owner = a.key.owner();
        if (owner == address(0)) revert INodeRegistry.NodeRegistryUnknownNode(nodeId);
        uint256 money = a.money;
        uint96 locked = _takeLocked(nodeId, money, amount);
        money = _record((money & ~_LOCKED_MASK) | (uint256(locked) << 96), outcome);
        a.money = money;
        // A settlement's outcomes go unannounced here: its JobSettled names every node it touched
        // (~2,200 gas a node saved). A ruling names none, so a lost dispute is announced.
        if (outcome == Outcome.None) {
            emit IJobMarketEvents.CollateralReleased(nodeId, amount, locked);
        } else if (outcome == Outcome.DisputeLost) {
            emit IJobMarketEvents.ReputationUpdated(nodeId, outcome, scoreOf(money));
        }
    }

    /// @dev Takes `amount` of the node's locked collateral out of its bond and records `outcome`.
    ///      Returns the bond token's registry id: the caller has the registry pay the amount over.
    function slash(uint64 nodeId, uint96 amount, Outcome outcome) internal returns (uint16 tokenId) {
        Account storage a = state().accounts[nodeId];
        uint256 key = a.key;
        if (key.owner() == address(0)) revert INodeRegistry.NodeRegistryUnknownNode(nodeId);
        uint256 money = a.money;
        uint96 locked = _takeLocked(nodeId, money, amount);
        uint96 bonded = uint96(money) - amount; // amount <= locked <= bond
        money = (money & ~(_U96 | _LOCKED_MASK)) | bonded | (uint256(locked) << 96);
        a.money = _record(money, outcome);
        emit IJobMarketEvents.CollateralSlashed(nodeId, address(this), amount, bonded);
        return key.bondTokenId();
    }

    /// @dev Takes up to `amount` of the node's free (unlocked) bond: a dispute overturned a result
    ///      after its collateral was released. Returns the bond token's id and what was taken.
    function slashFree(uint64 nodeId, uint96 amount) internal returns (uint16 tokenId, uint96 taken) {
        Account storage a = state().accounts[nodeId];
        uint256 key = a.key;
        if (key.owner() == address(0)) revert INodeRegistry.NodeRegistryUnknownNode(nodeId);
        uint256 money = a.money;
        uint96 free = freeOf(money);
        taken = amount < free ? amount : free;
        uint96 bonded = bondOf(money);
        bonded -= taken;
        a.money = (money & ~_U96) | bonded;
        emit IJobMarketEvents.FreeBondSlashed(nodeId, address(this), taken, bonded);
        return (key.bondTokenId(), taken);
    }

    /// @dev The node's owner, as its account knows it (address(0): never bonded).
    function ownerOf(uint64 nodeId) internal view returns (address) {
        return state().accounts[nodeId].key.owner();
    }

    /// @dev The key that signs the node's EIP-712 messages (address(0): never bonded). A node
    ///      signing with its owner key costs no third word.
    function signerOf(uint64 nodeId) internal view returns (address signer) {
        Account storage a = state().accounts[nodeId];
        signer = a.signer;
        if (signer == address(0)) signer = a.key.owner();
    }

    // ================================================================ the registry's syncs

    /// @dev Stores the registry's `core` word for the node, adds `credit` to its bond and pays out
    ///      up to `debitUpTo` of its free bond; returns the money word after and what was paid.
    function sync(
        uint64 nodeId,
        uint256 core,
        uint96 credit,
        uint96 debitUpTo
    ) internal returns (uint256 money, uint96 debited) {
        Account storage a = state().accounts[nodeId];
        if (a.key != core) a.key = core;
        money = a.money;
        if (credit == 0 && debitUpTo == 0) return (money, 0);
        uint256 bonded = uint96(money) + uint256(credit);
        if (bonded > _U96) revert INodeRegistry.NodeRegistryBondOverflow(nodeId, bonded);
        uint256 free = bonded - uint96(money >> 96);
        debited = uint96(debitUpTo < free ? debitUpTo : free);
        money = (money & ~_U96) | (bonded - debited);
        a.money = money;
    }

    /// @dev Stores the node's signer (the registry's, as of its account's opening or its last
    ///      change): address(0) when it is the owner. Call after the account's key is synced.
    function syncSigner(uint64 nodeId, address signer) internal {
        Account storage a = state().accounts[nodeId];
        address stored = signer == a.key.owner() ? address(0) : signer;
        if (a.signer != stored) a.signer = stored;
    }

    /// @dev Stores a bond token's registry word (token | minBond << 160).
    function syncToken(uint16 tokenId, uint256 config) internal {
        state().tokens[tokenId] = config;
    }

    /// @dev The money words of `count` nodes from `first` (zero for a node never bonded).
    function moneyWords(uint64 first, uint256 count) internal view returns (uint256[] memory words) {
        mapping(uint64 => Account) storage accounts = state().accounts;
        words = new uint256[](count);
        for (uint256 i; i < count; ++i) words[i] = accounts[uint64(first + i)].money;
    }

    // ================================================================ shared rules

    /// @dev Whether a node may take work: registered, not paused or deregistered, not unbonding, and
    ///      bonded at least its token's minimum (and something: a zero minimum still needs a bond).
    function isActive(uint256 core, uint96 bonded, uint96 minBond) internal pure returns (bool) {
        return core.status() == NodeStatus.Active && !core.unbonding() && bonded >= minBond && bonded != 0;
    }

    /// @dev What joining a pool asks of a node: active, reputation (ppm) and free bond.
    function forJob(uint64 nodeId) internal view returns (bool active, uint32 score, uint96 freeBond) {
        Layout storage s = state();
        Account storage a = s.accounts[nodeId];
        uint256 key = a.key;
        uint256 money = a.money;
        active = isActive(key, bondOf(money), minBondOf(s, key));
        score = scoreOf(money);
        freeBond = freeOf(money);
    }

    // ---------------------------------------------------------------- the money word's fields

    function bondOf(uint256 money) internal pure returns (uint96) {
        return uint96(money);
    }

    function lockedOf(uint256 money) internal pure returns (uint96) {
        return uint96(money >> 96);
    }

    /// @dev bond - locked (locked <= bond always).
    function freeOf(uint256 money) internal pure returns (uint96) {
        return uint96(money) - uint96(money >> 96);
    }

    function countersOf(
        uint256 money
    ) internal pure returns (uint32 completed, uint16 failed, uint8 slashed, uint8 disputesLost) {
        return (uint32(money >> 192), uint16(money >> 224), uint8(money >> 240), uint8(money >> 248));
    }

    /// @dev Reputation (ppm) from a money word's counters (shifted here directly: through
    ///      `countersOf` the legacy-compiled settlement pays ~20 gas more per outcome).
    function scoreOf(uint256 money) internal pure returns (uint32) {
        return
            Reputation.score(
                uint32(money >> 192),
                uint16(money >> 224),
                uint8(money >> 240),
                uint8(money >> 248)
            );
    }

    function minBondOf(Layout storage s, uint256 key) private view returns (uint96) {
        return uint96(s.tokens[key.bondTokenId()] >> 160);
    }

    function _takeLocked(uint64 nodeId, uint256 money, uint96 amount) private pure returns (uint96) {
        uint96 locked = uint96(money >> 96);
        if (amount > locked) revert INodeRegistry.NodeRegistryInsufficientLocked(nodeId, locked, amount);
        return locked - amount;
    }

    /// @dev Bumps the counter for `outcome` (saturating, so a counter can never wrap). `None`
    ///      changes nothing.
    function _record(uint256 money, Outcome outcome) private pure returns (uint256) {
        if (outcome == Outcome.None) return money;
        uint256 completed = uint32(money >> 192);
        uint256 failed = uint16(money >> 224);
        uint256 slashed = uint8(money >> 240);
        uint256 lost = uint8(money >> 248);
        if (outcome == Outcome.Completed) {
            if (completed != type(uint32).max) ++completed;
        } else if (outcome == Outcome.Failed) {
            if (failed != type(uint16).max) ++failed;
        } else if (outcome == Outcome.Slashed) {
            if (slashed != type(uint8).max) ++slashed;
        } else if (lost != type(uint8).max) {
            ++lost;
        }
        return uint192(money) | (completed << 192) | (failed << 224) | (slashed << 240) | (lost << 248);
    }
}
