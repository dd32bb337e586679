/**
 * The generated ABIs every revert is decoded against (a custom error may come from a contract
 * the call went through, e.g. an ERC-20 inside `register`).
 */
import type { Abi } from "viem";
import { mockERC20Abi } from "../abis/generated/MockERC20.ts";
import { nodeRegistryAbi } from "../abis/generated/NodeRegistry.ts";

/**
 * ABIs used to decode reverts of registry and token actions.
 * @example
 * ```ts
 * throw decodeContractError(e, registryErrorAbis);
 * ```
 */
export const registryErrorAbis: readonly Abi[] = [nodeRegistryAbi, mockERC20Abi];
