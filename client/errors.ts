/**
 * Every error class of the Sandrun client, on one base ({@link SandrunError}).
 *
 * @example
 * ```ts
 * import { SandrunError, ValidationError, ContractRevertedError } from "sandrun/client/errors.ts";
 * ```
 * @module
 */
export { SandrunError, type SandrunErrorParameters } from "./errors/base.ts";
export {
  CapacityExceededError,
  InvalidAmountError,
  InvalidUnitError,
  InvoiceRejectedError,
  MissingConfigurationError,
  NotSupportedError,
  TransactionFailedError,
  UnknownIdError,
  UnknownTokenError,
  ValidationError,
  type ValidationIssue,
} from "./errors/input.ts";
export {
  CONTRACT_PREFIXES,
  ContractRevertedError,
  InsufficientFundsError,
  JobMarketError,
  NodeRegistryError,
  PausedError,
  PoolRegistryError,
  UnauthorizedError,
  UnknownOnChainIdError,
  contractErrorFromName,
  decodeContractError,
  type ContractRevertedErrorParameters,
} from "./errors/contract.ts";
