// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Lifecycle of a registered node.
/// @dev Values are part of the ABI. `None` means "no such node".
enum NodeStatus {
    None, // 0: never registered
    Active, // 1: registered and taking work (if bonded and not unbonding)
    Paused, // 2: the owner paused it: takes no new work, keeps its bond
    Deregistered // 3: gone for good; its bond unbonds and is withdrawn normally
}

/// @notice The hardware a node declares; discovery and pool requirements filter on it.
/// @dev Stored in two slots (see `CapabilitiesPacking`):
///      slot A = gpuModel (128) | region (128);
///      slot B = gpuCount 8 | gpuMemoryGB 16 | gpuComputeCapability 8 | gpuInterconnect 8 |
///               cpuArch 8 | cpuCores 16 | cpuThreads 16 | cpuMHz 16 |
///               memoryGB 24 | memoryType 8 | memoryMHz 16 |
///               storageType 8 | storageGB 32 | storageIOPS 24 |
///               bandwidthMbps 32 | latencyMs 16   (= 256 bits).
///      Enumerations are plain uint8s validated by the registry (custom error, not a bare revert).
struct Capabilities {
    bytes16 gpuModel; // ASCII, left-aligned, zero-padded ("a100", "rtx4090"); 0 = no GPU
    uint8 gpuCount;
    uint16 gpuMemoryGB; // per GPU
    uint8 gpuComputeCapability; // times ten: 8.9 -> 89
    uint8 gpuInterconnect; // 0 none, 1 nvlink, 2 infiniband
    uint8 cpuArch; // 0 x86_64, 1 arm64
    uint16 cpuCores;
    uint16 cpuThreads;
    uint16 cpuMHz;
    uint24 memoryGB;
    uint8 memoryType; // 0 ddr4, 1 ddr5, 2 hbm
    uint16 memoryMHz;
    uint8 storageType; // 0 ssd, 1 nvme, 2 hdd
    uint32 storageGB;
    uint24 storageIOPS;
    uint32 bandwidthMbps;
    uint16 latencyMs;
    bytes16 region; // ASCII region code, left-aligned, zero-padded ("us-east-1")
}

/// @notice A node's prices per unit, in base units of `token` (address(0) = ETH).
/// @dev Stored in two slots (see `PricesPacking`): gpuHour | cpuCoreHour | memoryGBHour | storageGBHour,
///      then networkGB | perJob | minimumJob | paymentTokenId (16) | reserved (48).
///      `token` must be ETH or an allow-listed token (it is stored as the token's id).
struct Prices {
    uint64 gpuHour; // per GPU-hour
    uint64 cpuCoreHour; // per CPU core-hour
    uint64 memoryGBHour; // per GB of memory per hour
    uint64 storageGBHour; // per GB of storage per hour
    uint64 networkGB; // per GB transferred
    uint64 perJob; // flat fee per job
    uint64 minimumJob; // minimum charge per job
    address token; // the token the prices are in; address(0) = ETH
}

/// @notice Everything discovery needs about one node, as `getNodes` returns it.
struct NodeView {
    uint64 id;
    address owner;
    address signer;
    NodeStatus status;
    bool unbonding; // an unbonding request is pending: takes no new work
    bool active; // what `nodeForJob(id).active` says
    uint32 registeredAt; // unix seconds
    uint32 lastSeen; // unix seconds of the last heartbeat (registration counts as one)
    uint32 availability; // parts per million of epochs since registration with a heartbeat
    uint32 reputation; // score in parts per million
    address bondToken; // address(0) = ETH
    uint96 bond; // total bond held, including locked and unbonding amounts
    uint96 locked; // collateral locked by jobs
    uint32 completed;
    uint32 failed;
    uint32 slashed;
    uint32 disputesLost;
    Capabilities capabilities;
    Prices prices;
    bytes32 metadataHash;
}

/// @notice A node's bond accounting, as `bondInfo` returns it.
struct BondInfo {
    address token; // address(0) = ETH
    uint96 bond; // total held, including locked and unbonding
    uint96 locked; // collateral locked by jobs: never withdrawable
    uint96 unbonding; // requested for withdrawal (still slashable until withdrawn)
    uint32 unbondReadyAt; // unix seconds after which `withdrawBond` pays; 0 = no request
    uint96 withdrawable; // what `withdrawBond` would pay now
}
