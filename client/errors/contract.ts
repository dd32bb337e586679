/**
 * Contract reverts decoded into typed errors.
 *
 * The contracts revert with custom errors named `<Contract><Problem>(values)` (STYLE.md).
 * {@link decodeContractError} takes any generated ABI (or several), finds the revert data in
 * whatever error viem threw, and returns a {@link ContractRevertedError} subclass chosen by the
 * error's name, carrying `errorName`, positional `args` and `namedArgs`.
 */
import { BaseError as ViemBaseError, ContractFunctionRevertedError, decodeErrorResult } from "viem";
import type { Abi, Hex } from "viem";
import { SandrunError } from "./base.ts";

/**
 * The contract-name prefixes of the custom errors the Sandrun contracts declare
 * (`<Contract><Problem>`), used to tell which contract a decoded error came from.
 *
 * @example
 * ```ts
 * import { CONTRACT_PREFIXES } from "sandrun/client/errors/contract.ts";
 * CONTRACT_PREFIXES.find((p) => "JobMarketSlotTaken".startsWith(p)); // "JobMarket"
 * ```
 */
export const CONTRACT_PREFIXES = [
  "NodeRegistry",
  "PoolRegistry",
  "JobMarket",
  "SimpleArbiter",
  "MockERC20",
] as const;

/** Parameters for constructing a {@link ContractRevertedError}. */
export type ContractRevertedErrorParameters = {
  errorName: string;
  args: readonly unknown[];
  namedArgs: Readonly<Record<string, unknown>>;
  data?: Hex | undefined;
  cause?: unknown;
};

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatArg).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

/**
 * A contract call reverted with a custom error the client could decode.
 *
 * @example
 * ```ts
 * import { ContractRevertedError } from "sandrun/client/errors.ts";
 * try { await pauseNode(client, { registry, nodeId: 99n }); } catch (e) {
 *   if (e instanceof ContractRevertedError) console.log(e.errorName, e.args);
 * }
 * ```
 */
export class ContractRevertedError extends SandrunError {
  override name = "ContractRevertedError";
  /** The custom error's name, e.g. `NodeRegistryUnknownNode`. */
  readonly errorName: string;
  /** The contract part of the name (`NodeRegistry`), or `undefined` for library errors (OpenZeppelin's). */
  readonly contract: string | undefined;
  /** The problem part of the name (`UnknownNode`). */
  readonly problem: string;
  /** The error's arguments, in order. */
  readonly args: readonly unknown[];
  /** The error's arguments by their ABI names (positional index when unnamed). */
  readonly namedArgs: Readonly<Record<string, unknown>>;
  /** The raw revert data, when known. */
  readonly data: Hex | undefined;

  constructor(parameters: ContractRevertedErrorParameters) {
    const { errorName, args, namedArgs } = parameters;
    const prefix = CONTRACT_PREFIXES.find((p) => errorName.startsWith(p) && errorName.length > p.length);
    super(`Contract reverted with ${errorName}(${args.map(formatArg).join(", ")}).`, {
      cause: parameters.cause,
    });
    this.errorName = errorName;
    this.contract = prefix;
    this.problem = prefix ? errorName.slice(prefix.length) : errorName;
    this.args = Object.freeze([...args]);
    this.namedArgs = Object.freeze({ ...namedArgs });
    this.data = parameters.data;
  }
}

/**
 * A revert of the NodeRegistry.
 * @example
 * ```ts
 * if (e instanceof NodeRegistryError && e.problem === "UnknownNode") { … }
 * ```
 */
export class NodeRegistryError extends ContractRevertedError {
  override name = "NodeRegistryError";
}
/**
 * A revert of the PoolRegistry.
 * @example
 * ```ts
 * if (e instanceof PoolRegistryError) console.log(e.problem, e.namedArgs);
 * ```
 */
export class PoolRegistryError extends ContractRevertedError {
  override name = "PoolRegistryError";
}
/**
 * A revert of the JobMarket.
 * @example
 * ```ts
 * if (e instanceof JobMarketError && e.problem === "NothingToWithdraw") { … }
 * ```
 */
export class JobMarketError extends ContractRevertedError {
  override name = "JobMarketError";
}
/**
 * The caller is not allowed to act for the node, pool or contract (the registry's
 * `…NotNodeOwner`/`…Unauthorized…`/`…NotOwnerOrSigner` errors and OpenZeppelin's
 * `OwnableUnauthorizedAccount`).
 * @example
 * ```ts
 * if (e instanceof UnauthorizedError) console.log("not your node:", e.namedArgs);
 * ```
 */
export class UnauthorizedError extends ContractRevertedError {
  override name = "UnauthorizedError";
}
/**
 * A node, pool or job id that does not exist on-chain (`…UnknownNode`, `…UnknownPool`, `…UnknownJob`).
 * @example
 * ```ts
 * if (e instanceof UnknownOnChainIdError) console.log(e.args[0], "does not exist");
 * ```
 */
export class UnknownOnChainIdError extends ContractRevertedError {
  override name = "UnknownOnChainIdError";
}
/**
 * Not enough bond, balance or allowance (`…InsufficientBond`, `…BondTooLow`, `ERC20InsufficientBalance`, …).
 * @example
 * ```ts
 * if (e instanceof InsufficientFundsError) console.log("top up:", e.namedArgs);
 * ```
 */
export class InsufficientFundsError extends ContractRevertedError {
  override name = "InsufficientFundsError";
}
/**
 * The contract is paused (`EnforcedPause`) or the node is paused / unbonding.
 * @example
 * ```ts
 * if (e instanceof PausedError) console.log("try later");
 * ```
 */
export class PausedError extends ContractRevertedError {
  override name = "PausedError";
}

type ContractErrorClass = new (p: ContractRevertedErrorParameters) => ContractRevertedError;

/** Rules that choose a named class from the error's name, first match wins. */
const CLASS_RULES: readonly (readonly [RegExp, ContractErrorClass])[] = [
  [
    /^(OwnableUnauthorizedAccount|AccessManagedUnauthorized)$|NotNodeOwner|NotOwner|Unauthorized|NotAuthori[sz]ed|NotOwnerOrSigner|CallerNot/,
    UnauthorizedError,
  ],
  [/Unknown(Node|Pool|Job)$/, UnknownOnChainIdError],
  [/^ERC20Insufficient|Insufficient|BondTooLow|BelowMinimum/, InsufficientFundsError],
  [/^EnforcedPause$|Paused$|NodeNotActive|Unbonding$/, PausedError],
  [/^NodeRegistry/, NodeRegistryError],
  [/^PoolRegistry/, PoolRegistryError],
  [/^JobMarket/, JobMarketError],
];

/**
 * Builds the typed error for a decoded custom error, choosing the class by name.
 *
 * @example
 * ```ts
 * const e = contractErrorFromName("NodeRegistryUnknownNode", [7n], { nodeId: 7n });
 * e instanceof UnknownOnChainIdError; // true
 * ```
 */
export function contractErrorFromName(
  errorName: string,
  args: readonly unknown[],
  namedArgs: Readonly<Record<string, unknown>> = {},
  extra: { data?: Hex; cause?: unknown } = {},
): ContractRevertedError {
  const Class = CLASS_RULES.find(([re]) => re.test(errorName))?.[1] ?? ContractRevertedError;
  return new Class({ errorName, args, namedArgs, ...extra });
}

function isHexData(value: unknown): value is Hex {
  return typeof value === "string" && /^0x[0-9a-fA-F]{8,}$/.test(value) && value.length % 2 === 0;
}

/** Finds revert data anywhere in an error's cause chain (viem, EDR and JSON-RPC shapes). */
function findRevertData(error: unknown): {
  decoded?: { errorName: string; args: readonly unknown[]; inputs: readonly { name?: string }[] };
  raw?: Hex;
} {
  const seen = new Set<unknown>();
  let current: unknown = error;
  let raw: Hex | undefined;
  while (current !== null && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    if (current instanceof ContractFunctionRevertedError) {
      if (current.data?.errorName) {
        const item = current.data.abiItem as { inputs?: readonly { name?: string }[] };
        return {
          decoded: {
            errorName: current.data.errorName,
            args: current.data.args ?? [],
            inputs: item.inputs ?? [],
          },
          raw: current.raw,
        };
      }
      if (current.raw) raw ??= current.raw;
    }
    const data = (current as { data?: unknown }).data;
    if (isHexData(data)) raw ??= data;
    else if (data !== null && typeof data === "object" && isHexData((data as { data?: unknown }).data))
      raw ??= (data as { data: Hex }).data;
    current = (current as { cause?: unknown }).cause;
  }
  return raw ? { raw } : {};
}

/**
 * Decodes whatever a contract call threw into a typed Sandrun error.
 *
 * Works with any generated ABI: pass one or several (`[nodeRegistryAbi, poolRegistryAbi]`).
 * Returns a {@link ContractRevertedError} subclass when revert data decodes against the ABIs
 * (custom errors, `Error(string)` and `Panic(uint256)`), the error unchanged when it already is
 * a {@link SandrunError}, and otherwise a plain {@link SandrunError} wrapping it.
 *
 * @example
 * ```ts
 * import { decodeContractError } from "sandrun/client/errors.ts";
 * import { nodeRegistryAbi } from "sandrun/client/abis/generated/index.ts";
 * try { await walletClient.writeContract(...); }
 * catch (e) { throw decodeContractError(e, nodeRegistryAbi); }
 * ```
 */
export function decodeContractError(error: unknown, abis: Abi | readonly Abi[]): SandrunError {
  if (error instanceof SandrunError) return error;
  const list = (Array.isArray(abis[0]) ? abis : [abis]) as readonly Abi[];
  const found = findRevertData(error);
  let decoded = found.decoded;
  if (!decoded && found.raw) {
    const merged = list.flat() as Abi;
    try {
      const result = decodeErrorResult({ abi: merged, data: found.raw });
      const item = result.abiItem as { inputs?: readonly { name?: string }[] };
      decoded = {
        errorName: result.errorName,
        args: (result.args ?? []) as readonly unknown[],
        inputs: item.inputs ?? [],
      };
    } catch {
      // Unknown selector: fall through to the generic wrapper below, keeping the raw data in details.
    }
  }
  if (decoded) {
    const namedArgs: Record<string, unknown> = {};
    decoded.args.forEach((value, i) => {
      namedArgs[decoded.inputs[i]?.name || String(i)] = value;
    });
    return contractErrorFromName(decoded.errorName, decoded.args, namedArgs, {
      ...(found.raw ? { data: found.raw } : {}),
      cause: error,
    });
  }
  const short =
    error instanceof ViemBaseError
      ? error.shortMessage
      : error instanceof Error
        ? error.message
        : String(error);
  return new SandrunError(short || "Contract call failed.", {
    cause: error,
    ...(found.raw ? { details: `Undecoded revert data ${found.raw}` } : {}),
  });
}
