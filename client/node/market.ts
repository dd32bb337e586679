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
 * Ids of the jobs `nodeId` entered (from `SlotTaken`, `ResultCommitted` and `ResultReported` events).
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
  // A node enters a job by taking a slot, committing, or reporting directly (which takes the slot).
  const [taken, committed, reported] = await Promise.all([
    client.publicClient.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "SlotTaken",
      args: { nodeId },
      fromBlock,
    }),
    client.publicClient.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "ResultCommitted",
      args: { nodeId },
      fromBlock,
    }),
    client.publicClient.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "ResultReported",
      args: { nodeId },
      fromBlock,
    }),
  ]);
  return new Set([...taken, ...committed, ...reported].map((l) => l.args.jobId!));
}

/** One payout settlement credited for this node (net of the protocol fee). */
export type Credit = {
  jobId: bigint;
  token: Address;
  amount: bigint;
  timestamp: number;
  blockNumber: bigint;
};

/**
 * The node's payouts, read from the `JobSettled` settlement records (each lists the job's
 * nodes, payees and net amounts, held or not), less payouts of jobs whose settlement a
 * dispute overturned (`DisputeResolved(upheld = false)`). Shares of slashed collateral and
 * dispute deposits are not included.
 * @example
 * ```ts
 * const credits = await payoutsOf({ publicClient }, market, 3n);
 * ```
 */
export async function payoutsOf(
  client: SandrunClient,
  market: Address,
  nodeId: bigint,
  fromBlock: BlockNumber | BlockTag = "earliest",
): Promise<Credit[]> {
  const [settled, resolved] = await Promise.all([
    client.publicClient.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "JobSettled",
      fromBlock,
    }),
    client.publicClient.getContractEvents({
      address: market,
      abi: jobMarketAbi,
      eventName: "DisputeResolved",
      fromBlock,
    }),
  ]);
  const overturned = new Set(resolved.filter((l) => l.args.upheld === false).map((l) => l.args.jobId!));
  const mine: Omit<Credit, "timestamp">[] = [];
  for (const l of settled) {
    const rec = l.args.record!;
    if (overturned.has(l.args.jobId!)) continue;
    rec.nodes.forEach((n, i) => {
      const amount = rec.amounts[i] ?? 0n;
      if (n === nodeId && amount > 0n)
        mine.push({ jobId: l.args.jobId!, token: rec.token, amount, blockNumber: l.blockNumber! });
    });
  }
  const times = new Map<bigint, number>();
  for (const bn of new Set(mine.map((c) => c.blockNumber)))
    times.set(bn, Number((await client.publicClient.getBlock({ blockNumber: bn })).timestamp));
  return mine.map((c) => ({ ...c, timestamp: times.get(c.blockNumber)! }));
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
