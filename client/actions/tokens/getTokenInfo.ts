import type { Address } from "viem";
import { mockERC20Abi } from "../../abis/generated/MockERC20.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import { defineToken } from "../../money/tokens.ts";
import type { Token } from "../../money/tokens.ts";
import type { SandrunError } from "../../errors/base.ts";

/** Parameters of {@link getTokenInfo}. */
export type GetTokenInfoParameters = { token: Address; symbol?: string };
/** What {@link getTokenInfo} returns. */
export type GetTokenInfoReturnType = Token;
/** What {@link getTokenInfo} throws. */
export type GetTokenInfoErrorType = SandrunError;

/**
 * Reads an ERC-20's symbol and decimals into a {@link Token} (the symbol may be overridden, e.g.
 * to the name the deployment uses).
 *
 * @example
 * ```ts
 * import { getTokenInfo } from "sandrun/client/actions/tokens/getTokenInfo.ts";
 * const usdc = await getTokenInfo({ publicClient }, { token: "0x…" }); // { symbol: "USDC", decimals: 6 }
 * ```
 */
export async function getTokenInfo(
  client: SandrunClient,
  parameters: GetTokenInfoParameters,
): Promise<GetTokenInfoReturnType> {
  const read = (functionName: "symbol" | "decimals") =>
    readDecoded(registryErrorAbis, () =>
      client.publicClient.readContract({ address: parameters.token, abi: mockERC20Abi, functionName }),
    );
  const [symbol, decimals] = await Promise.all([
    parameters.symbol !== undefined
      ? Promise.resolve(parameters.symbol)
      : (read("symbol") as Promise<string>),
    read("decimals") as Promise<number>,
  ]);
  return defineToken(symbol, parameters.token, decimals);
}
