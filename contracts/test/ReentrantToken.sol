// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title A malicious ERC-20 that calls back into a target during its transfers
/// @notice Arm it with `arm(target, data)`; on the next transfer it calls `target` with `data` once,
///         records whether that call succeeded and what it returned, and lets the transfer finish.
///         Tests use it to show the registry's reentrancy guard stops the nested call.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public attackData;
    bool public attacked;
    bool public attackSucceeded;
    bytes public attackReturn;

    constructor() ERC20("Reentrant", "REENT") {}

    /// @notice Creates `amount` tokens for `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Lets the token act as an account (e.g. own a node) so its callbacks pass owner checks
    ///         and only the reentrancy guard can stop them.
    function execute(address to, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// @notice Calls `target_` with `data` on the next transfer.
    function arm(address target_, bytes calldata data) external {
        target = target_;
        attackData = data;
        attacked = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (target != address(0) && !attacked && from != address(0) && to != address(0)) {
            attacked = true;
            (bool ok, bytes memory ret) = target.call(attackData);
            attackSucceeded = ok;
            attackReturn = ret;
        }
    }
}
