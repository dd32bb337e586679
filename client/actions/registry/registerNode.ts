import { parseEventLogs } from "viem";
import type { Address, Hash, Hex } from "viem";
import { nodeRegistryAbi } from "../../abis/generated/NodeRegistry.ts";
import { registryErrorAbis } from "../../chain/abis.ts";
import { sendSimulated } from "../../chain/send.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { TransactionFailedError } from "../../errors/input.ts";
import type { SandrunError } from "../../errors/base.ts";
import type { CapabilitiesStruct } from "../../node/capabilities.ts";
import type { PricesStruct } from "../../node/prices.ts";

/** Parameters of {@link registerNode}. */
export type RegisterNodeParameters = {
  /** The NodeRegistry address. */
  registry: Address;
  /** The worker's hot key address (the owner's own address when it runs the worker itself). */
  signer: Address;
  /** `0x0…0` for ETH, else an allow-listed ERC-20 (approve it first: {@link approveToken}). */
  bondToken: Address;
  /** Initial bond in base units (0 = bond later). */
  bondAmount: bigint;
  capabilities: CapabilitiesStruct;
  prices: PricesStruct;
  metadataHash: Hex;
  metadataURI: string;
};
/** What {@link registerNode} returns. */
export type RegisterNodeReturnType = { nodeId: bigint; hash: Hash; blockNumber: bigint };
/** What {@link registerNode} throws. */
export type RegisterNodeErrorType = SandrunError;

const ETH = "0x0000000000000000000000000000000000000000";

/**
 * Registers a node owned by the wallet's account; ETH bonds are sent as the call's value.
 * Waits for the receipt and reads the new id from `NodeRegistered`.
 *
 * @example
 * ```ts
 * import { registerNode } from "sandrun/client/actions/registry/registerNode.ts";
 * const { nodeId } = await registerNode({ publicClient, walletClient }, {
 *   registry, signer, bondToken: zeroAddress, bondAmount: parseEther("1"),
 *   capabilities: caps.toStruct(), prices: prices.toStruct(), metadataHash, metadataURI,
 * });
 * ```
 */
export async function registerNode(
  client: SandrunClient,
  parameters: RegisterNodeParameters,
): Promise<RegisterNodeReturnType> {
  const p = parameters;
  const { hash, receipt } = await sendSimulated(client, "registerNode", registryErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.registry,
      abi: nodeRegistryAbi,
      functionName: "register",
      args: [p.signer, p.bondToken, p.bondAmount, p.capabilities, p.prices, p.metadataHash, p.metadataURI],
      value: p.bondToken.toLowerCase() === ETH ? p.bondAmount : 0n,
      account,
    }),
  );
  const [event] = parseEventLogs({
    abi: nodeRegistryAbi,
    eventName: "NodeRegistered",
    logs: receipt.logs,
  }).filter((l) => l.address.toLowerCase() === p.registry.toLowerCase());
  if (!event) throw new TransactionFailedError(hash, "no NodeRegistered event in the receipt");
  return { nodeId: event.args.nodeId, hash, blockNumber: receipt.blockNumber };
}
