// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title An ERC-20 that burns 1% of every transfer (tests that the registry and the market refuse short deliveries)
/// @notice The fee can be switched off and on, to model a token that starts charging one after a
///         job was posted in it (its top-up must then be refused).
contract FeeOnTransferToken is ERC20 {
    bool public feeOn = true;

    constructor() ERC20("Fee On Transfer", "FOT") {}

    /// @notice Creates `amount` tokens for `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Switches the 1% transfer fee on or off.
    function setFeeOn(bool on) external {
        feeOn = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (!feeOn || from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = value / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
