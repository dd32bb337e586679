/**
 * The few JobMarket reads and writes a Node needs for invoices, payments, earnings and
 * events. Pull payments: settlement credits the owner's balance; `withdrawPayment` pulls it.
 */
import { parseEventLogs } from "viem";
import type { Abi, Address, BlockNumber, BlockTag } from "viem";
import { jobMarketAbi } from "../abis/generated/JobMarket.ts";
import { nodeRegistryAbi } from "../abis/generated/NodeRegistry.ts";
import type { SandrunClient } from "../chain/clients.ts";
import { readDecoded, sendSimulated } from "../chain/send.ts";
import type { TransactionResult } from "../chain/send.ts";
import { MissingConfigurationError } from "../errors/input.ts";

const abis: readonly Abi[] = [jobMarketAbi, nodeRegistryAbi];

/** The market's `JobView`, typed from the generated ABI. */
export type JobView = Awaited<ReturnType<typeof readJob>>;

/**
 * The JobMarket address, or a typed error when the deployment has none.
 * @example
 * ```ts
 * const market = requireMarket(deployment.jobMarket, "claimPayment");
 * ```
 */
export function requireMarket(address: Address | undefined, action: string): Address {
  if (!address)
    throw new MissingConfigurationError("deployment.jobMarket", `${action} reads or writes the job market`);
  return address;
}

/**
 * Reads a job.
 * @example
 * ```ts
 * const job = await readJob({ publicClient }, market, 1n);
 * job.pricePerNode;
 * ```
 */
export async function readJob(client: SandrunClient, market: Address, jobId: bigint) {
  return readDecoded(abis, () =>
    client.publicClient.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName: "job",
      args: [jobId],
    }),
  );
}

/**
 * Ids of the jobs in which `nodeId` took a slot (from `SlotTaken` events).
 * @example
 * ```ts
 * const jobs = await jobsOfNode({ publicClient }, market, 3n);
 * ```
 */
export async function jobsOfNode(
  client: SandrunClient,
  market: Address,
  nodeId: bigint,
  fromBlock: BlockNumber | BlockTag = "earliest",
): Promise<Set<bigint>> {
  const logs = await client.publicClient.getContractEvents({
    address: market,
    abi: jobMarketAbi,
    eventName: "SlotTaken",
    args: { nodeId },
    fromBlock,
  });
  return new Set(logs.map((l) => l.args.jobId!));
}

/** One credit to the node's owner for one of the node's jobs. */
export type Credit = {
  jobId: bigint;
  token: Address;
  amount: bigint;
  timestamp: number;
  blockNumber: bigint;
};

/**
 * Payments credited to `owner` for the jobs in `jobIds` (from `PaymentCredited` events), with
 * their block timestamps.
 * @example
 * ```ts
 * const credits = await creditsFor({ publicClient }, market, owner, jobs);
 * ```
 */
export async function creditsFor(
  client: SandrunClient,
  market: Address,
  owner: Address,
  jobIds: ReadonlySet<bigint>,
  fromBlock: BlockNumber | BlockTag = "earliest",
): Promise<Credit[]> {
  if (jobIds.size === 0) return [];
  const logs = await client.publicClient.getContractEvents({
    address: market,
    abi: jobMarketAbi,
    eventName: "PaymentCredited",
    args: { account: owner },
    fromBlock,
  });
  const mine = logs.filter((l) => jobIds.has(l.args.jobId!));
  const times = new Map<bigint, number>();
  for (const bn of new Set(mine.map((l) => l.blockNumber!)))
    times.set(bn, Number((await client.publicClient.getBlock({ blockNumber: bn })).timestamp));
  return mine.map((l) => ({
    jobId: l.args.jobId!,
    token: l.args.token!,
    amount: l.args.amount!,
    timestamp: times.get(l.blockNumber!)!,
    blockNumber: l.blockNumber!,
  }));
}

/**
 * What the caller can withdraw of `token` now, and what is still held (challenge window).
 * @example
 * ```ts
 * const { available, held } = await balanceDetails({ publicClient }, market, owner, zeroAddress);
 * ```
 */
export async function balanceDetails(
  client: SandrunClient,
  market: Address,
  account: Address,
  token: Address,
) {
  const [available, held, heldUntil] = await readDecoded(abis, () =>
    client.publicClient.readContract({
      address: market,
      abi: jobMarketAbi,
      functionName: "balanceDetails",
      args: [account, token],
    }),
  );
  return { available, held, heldUntil };
}

/**
 * Withdraws the wallet account's whole available balance of `token` from the market.
 * @example
 * ```ts
 * const { amount } = await withdrawPayment({ publicClient, walletClient }, market, zeroAddress);
 * ```
 */
export async function withdrawPayment(
  client: SandrunClient,
  market: Address,
  token: Address,
): Promise<TransactionResult & { amount: bigint }> {
  const { hash, receipt } = await sendSimulated(client, "claimPayment", abis, (account) =>
    client.publicClient.simulateContract({
      address: market,
      abi: jobMarketAbi,
      functionName: "withdraw",
      args: [token],
      account,
    }),
  );
  const [event] = parseEventLogs({ abi: jobMarketAbi, eventName: "Withdrawn", logs: receipt.logs });
  return { hash, blockNumber: receipt.blockNumber, amount: event?.args.amount ?? 0n };
}
