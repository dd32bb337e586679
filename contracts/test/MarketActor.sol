// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A contract account for job market tests: a requester or payee that misbehaves on receipt
/// @notice `execute` makes it act (post, cancel, withdraw). On receiving ETH it accepts (mode 0),
///         reverts (mode 1), or tries to re-enter `target` with `reentryData` (mode 2) and records
///         whether that succeeded.
contract MarketActor {
    uint8 public mode;
    address public target;
    bytes public reentryData;
    bool public reentered;
    bool public reentrySucceeded;

    error MarketActorRefused();

    function setMode(uint8 mode_, address target_, bytes calldata data) external {
        mode = mode_;
        target = target_;
        reentryData = data;
    }

    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (mode == 1) revert MarketActorRefused();
        if (mode == 2 && !reentered) {
            reentered = true;
            (bool ok, ) = target.call(reentryData);
            reentrySucceeded = ok;
        }
    }
}
