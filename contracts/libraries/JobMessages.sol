// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Usage} from "../types/Job.sol";

/// @title The EIP-712 messages nodes sign, and the commit seal
/// @notice Domain: name "Sandrun JobMarket", version "1", the chain id and the market's address.
///         Each type names its step, and every message names its job and node, so no signature
///         can be replayed on another chain, contract, job, step or node.
library JobMessages {
    /// @notice `Commit(uint256 jobId,uint64 nodeId,bytes32 seal)`: a node takes a slot with a seal.
    bytes32 internal constant COMMIT_TYPEHASH = keccak256("Commit(uint256 jobId,uint64 nodeId,bytes32 seal)");

    /// @notice `Report(uint256 jobId,uint64 nodeId,bytes32 digest,bytes32 resultURIHash,uint96 invoice)`:
    ///         a node's result at the basic and standard levels.
    bytes32 internal constant REPORT_TYPEHASH = keccak256(
        "Report(uint256 jobId,uint64 nodeId,bytes32 digest,bytes32 resultURIHash,uint96 invoice)"
    );

    /// @notice The execution receipt of the cryptographic level.
    bytes32 internal constant RECEIPT_TYPEHASH = keccak256(
        "Receipt(uint256 jobId,bytes32 specHash,uint8 runtime,bytes32 digest,bytes32 resultURIHash,uint64 wallMs,uint64 cpuMs,uint64 peakMemory)"
    );

    function commitHash(uint256 jobId, uint64 nodeId, bytes32 sealValue) internal pure returns (bytes32) {
        return keccak256(abi.encode(COMMIT_TYPEHASH, jobId, nodeId, sealValue));
    }

    function reportHash(
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        bytes32 resultURIHash,
        uint96 invoice
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(REPORT_TYPEHASH, jobId, nodeId, digest, resultURIHash, invoice));
    }

    function receiptHash(
        uint256 jobId,
        bytes32 specHash,
        uint8 runtime,
        bytes32 digest,
        bytes32 resultURIHash,
        Usage calldata usage
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    RECEIPT_TYPEHASH,
                    jobId,
                    specHash,
                    runtime,
                    digest,
                    resultURIHash,
                    usage.wallMs,
                    usage.cpuMs,
                    usage.peakMemory
                )
            );
    }

    /// @notice The seal a node commits: binds chain, market, job, node, digest, result URI,
    ///         invoice and a secret salt. Copying another node's reveal is useless: the seal
    ///         names the node, and a node's own seal was fixed before any reveal was public.
    function seal(
        address market,
        uint256 jobId,
        uint64 nodeId,
        bytes32 digest,
        bytes32 resultURIHash,
        uint96 invoice,
        bytes32 salt
    ) internal view returns (bytes32) {
        return
            keccak256(abi.encode(block.chainid, market, jobId, nodeId, digest, resultURIHash, invoice, salt));
    }
}
