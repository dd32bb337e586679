/**
 * Reads a job.
 * @module
 */
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import { type SandrunClient } from "../../chain/clients.ts";
import { readDecoded } from "../../chain/send.ts";
import { getJobEvents } from "./getJobEvents.ts";
import { decodeJobView, type JobInfo, type JobParameters } from "./jobTypes.ts";

/**
 * Reads a job. An open job comes from the market's storage. An ended one (settled or
 * cancelled) keeps only its status and settlement hash there, to spare every job a storage
 * word; its terms come from its own events (`JobPosted`, `JobSpec`, the last `JobToppedUp`),
 * one `eth_getLogs` call. Slot counters of an ended job read 0.
 * @example
 * ```ts
 * import { getJob } from "sandrun/client/actions/market/getJob.ts";
 * const job = await getJob(client, { jobMarket, jobId: 1n }); // job.status === "open"
 * ```
 */
export async function getJob(
  client: SandrunClient,
  p: JobParameters & { blockNumber?: bigint },
): Promise<JobInfo> {
  const v = await readDecoded([jobMarketAbi], () =>
    client.publicClient.readContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "job",
      args: [p.jobId],
      ...(p.blockNumber === undefined ? {} : { blockNumber: p.blockNumber }),
    }),
  );
  const view = v as Parameters<typeof decodeJobView>[1];
  if (view.status === 0 || view.status === 1) return decodeJobView(p.jobId, view);
  return decodeJobView(p.jobId, { ...view, ...(await termsFromEvents(client, p)) });
}

/** An ended job's terms, as its events recorded them. */
async function termsFromEvents(client: SandrunClient, p: JobParameters & { blockNumber?: bigint }) {
  const events = await getJobEvents(client, {
    jobMarket: p.jobMarket,
    jobId: p.jobId,
    ...(p.blockNumber === undefined ? {} : { toBlock: p.blockNumber }),
  });
  const posted = events.find((e) => e.eventName === "JobPosted")?.args;
  if (!posted) return {}; // a chain that pruned its logs: status and hash only
  const spec = events.find((e) => e.eventName === "JobSpec")?.args;
  const topUps = events.filter((e) => e.eventName === "JobToppedUp");
  const lastPrice = topUps.at(-1)?.args.newPricePerNode as bigint | undefined;
  return {
    poolId: posted.poolId as bigint,
    requester: posted.requester as JobInfo["requester"],
    n: posted.n as number,
    strategy: posted.strategy as number,
    level: posted.level as number,
    directed: ((spec?.nodes as readonly bigint[] | undefined) ?? []).length > 0,
    runtime: (spec?.runtime as number | undefined) ?? 0,
    commitDeadline: posted.commitDeadline as number,
    revealDeadline: posted.revealDeadline as number,
    token: posted.token as JobInfo["token"],
    pricePerNode: lastPrice ?? (posted.pricePerNode as bigint),
    collateralPerNode: posted.collateralPerNode as bigint,
    specHash: posted.specHash as JobInfo["specHash"],
  };
}
