/**
 * Where the Sandrun contracts live. Accepts what the Ignition module's deploy returns
 * (contract objects with `.address`) or plain addresses.
 */
import { getAddress, isAddress } from "viem";
import type { Address } from "viem";
import { getTokenInfo } from "./actions/tokens/getTokenInfo.ts";
import type { SandrunClient } from "./chain/clients.ts";
import { MissingConfigurationError } from "./errors/input.ts";
import { ETH, TokenRegistry, defineToken } from "./money/tokens.ts";

/** An address, or anything with one (a viem contract instance from Ignition or `deployContract`). */
export type AddressLike = Address | { readonly address: Address };

/** A token the deployment knows: its address (decimals read from the chain once) or address and decimals. */
export type TokenLike = AddressLike | { readonly address: Address; readonly decimals: number };

/**
 * The deployment as given to `createSandrun`. Extra keys (what Ignition returns besides the
 * contracts the client uses) are ignored.
 */
export type DeploymentInput = {
  readonly nodeRegistry: AddressLike;
  readonly poolRegistry?: AddressLike | undefined;
  readonly jobMarket?: AddressLike | undefined;
  /** ERC-20s by symbol, e.g. `{ USDC: "0x…" }` or `{ USDC: { address, decimals: 6 } }`. */
  readonly tokens?: Readonly<Record<string, TokenLike>> | undefined;
  readonly [other: string]: unknown;
};

/** The resolved deployment: checksummed addresses. */
export type Deployment = {
  readonly nodeRegistry: Address;
  readonly poolRegistry: Address | undefined;
  readonly jobMarket: Address | undefined;
  readonly tokens: Readonly<Record<string, TokenLike>>;
};

function toAddress(value: unknown, name: string): Address {
  const raw = typeof value === "string" ? value : (value as { address?: unknown } | null)?.address;
  if (typeof raw !== "string" || !isAddress(raw, { strict: false }))
    throw new MissingConfigurationError(
      `deployment.${name}`,
      "expected an address or an object with .address",
    );
  return getAddress(raw);
}

/**
 * Normalises a deployment (synchronously; no chain access).
 *
 * @example
 * ```ts
 * import { resolveDeployment } from "sandrun/client/deployment.ts";
 * const d = resolveDeployment({ nodeRegistry: registry, poolRegistry: "0x…", tokens: { USDC: usdc } });
 * d.nodeRegistry; // "0x…"
 * ```
 */
export function resolveDeployment(input: DeploymentInput): Deployment {
  if (input === null || typeof input !== "object")
    throw new MissingConfigurationError(
      "deployment",
      "pass { nodeRegistry, poolRegistry?, jobMarket?, tokens? }",
    );
  return Object.freeze({
    nodeRegistry: toAddress(input.nodeRegistry, "nodeRegistry"),
    poolRegistry:
      input.poolRegistry === undefined ? undefined : toAddress(input.poolRegistry, "poolRegistry"),
    jobMarket: input.jobMarket === undefined ? undefined : toAddress(input.jobMarket, "jobMarket"),
    tokens: Object.freeze({ ...(input.tokens ?? {}) }),
  });
}

/**
 * The token registry of a deployment: ETH plus its ERC-20s. Tokens given without decimals have
 * them read from the chain (one call each); tokens given with decimals need no chain at all.
 *
 * @example
 * ```ts
 * import { loadTokens } from "sandrun/client/deployment.ts";
 * const tokens = await loadTokens({ publicClient }, deployment);
 * tokens.get("USDC").decimals; // 6
 * ```
 */
export async function loadTokens(client: SandrunClient, deployment: Deployment): Promise<TokenRegistry> {
  let tokens = TokenRegistry.native();
  const entries = await Promise.all(
    Object.entries(deployment.tokens).map(async ([symbol, like]) => {
      const address = toAddress(like, `tokens.${symbol}`);
      if (address === ETH.address) return ETH;
      const decimals = typeof like === "object" && "decimals" in like ? like.decimals : undefined;
      return decimals !== undefined
        ? defineToken(symbol, address, decimals)
        : getTokenInfo(client, { token: address, symbol });
    }),
  );
  for (const t of entries) tokens = tokens.with(t);
  return tokens;
}

/**
 * The registry of a deployment when every token has its decimals given (no chain access), or
 * `undefined` when some must be read.
 * @example
 * ```ts
 * const tokens = tokensOffline(resolveDeployment({ nodeRegistry, tokens: { USDC: { address, decimals: 6 } } }));
 * ```
 */
export function tokensOffline(deployment: Deployment): TokenRegistry | undefined {
  let tokens = TokenRegistry.native();
  for (const [symbol, like] of Object.entries(deployment.tokens)) {
    if (typeof like !== "object" || !("decimals" in like)) return undefined;
    tokens = tokens.with(defineToken(symbol, like.address, like.decimals));
  }
  return tokens;
}
