// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IArbiter} from "./interfaces/IArbiter.sol";
import {IJobMarket} from "./interfaces/IJobMarket.sol";
import {SettlementRecord} from "./types/Job.sol";

/// @title An owner-or-committee arbiter for Sandrun job markets
/// @notice The owner rules alone; or committee members vote and the ruling is sent to the market
///         when `threshold` members agree on it. Disputes come in through `onDisputeRaised`.
contract SimpleArbiter is IArbiter, Ownable2Step {
    /// @notice A dispute handed to this arbiter.
    event DisputeReceived(
        address indexed market,
        uint256 indexed jobId,
        address disputer,
        uint32 deadline,
        string evidenceURI
    );
    /// @notice A committee member voted.
    event Voted(address indexed market, uint256 indexed jobId, address indexed member, bool uphold);
    /// @notice The ruling was sent to the market.
    event Ruled(address indexed market, uint256 indexed jobId, bool uphold);
    event MemberSet(address indexed member, bool isMember);
    event ThresholdSet(uint8 threshold);

    error SimpleArbiterNotMember(address caller);
    error SimpleArbiterAlreadyVoted(address member, uint256 jobId);
    error SimpleArbiterBadThreshold(uint8 threshold);

    uint8 public threshold;
    mapping(address member => bool) public isMember;
    /// @dev Votes per (market, job, ruling); a member may vote once per (market, job).
    mapping(address market => mapping(uint256 jobId => mapping(bool uphold => uint8 votes))) public votes;
    mapping(address market => mapping(uint256 jobId => mapping(address member => bool))) public hasVoted;

    /// @param owner_ may rule alone and manages the committee
    /// @param threshold_ votes needed for a committee ruling (>= 1)
    constructor(address owner_, uint8 threshold_) Ownable(owner_) {
        _setThreshold(threshold_);
    }

    /// @inheritdoc IArbiter
    function onDisputeRaised(
        uint256 jobId,
        address disputer,
        uint32 deadline,
        string calldata evidenceURI
    ) external {
        emit DisputeReceived(msg.sender, jobId, disputer, deadline, evidenceURI);
    }

    /// @notice The owner rules on `jobId` of `market`.
    function rule(
        IJobMarket market,
        uint256 jobId,
        bool uphold,
        SettlementRecord calldata record
    ) external onlyOwner {
        emit Ruled(address(market), jobId, uphold);
        market.rule(jobId, uphold, record);
    }

    /// @notice A committee member votes; the vote that reaches the threshold sends the ruling.
    function vote(IJobMarket market, uint256 jobId, bool uphold, SettlementRecord calldata record) external {
        if (!isMember[msg.sender]) revert SimpleArbiterNotMember(msg.sender);
        if (hasVoted[address(market)][jobId][msg.sender]) revert SimpleArbiterAlreadyVoted(msg.sender, jobId);
        hasVoted[address(market)][jobId][msg.sender] = true;
        uint8 count = ++votes[address(market)][jobId][uphold];
        emit Voted(address(market), jobId, msg.sender, uphold);
        if (count == threshold) {
            emit Ruled(address(market), jobId, uphold);
            market.rule(jobId, uphold, record);
        }
    }

    /// @notice Adds or removes a committee member. Owner only.
    function setMember(address member, bool member_) external onlyOwner {
        isMember[member] = member_;
        emit MemberSet(member, member_);
    }

    /// @notice Sets the committee threshold. Owner only.
    function setThreshold(uint8 threshold_) external onlyOwner {
        _setThreshold(threshold_);
    }

    function _setThreshold(uint8 threshold_) private {
        if (threshold_ == 0) revert SimpleArbiterBadThreshold(threshold_);
        threshold = threshold_;
        emit ThresholdSet(threshold_);
    }
}
