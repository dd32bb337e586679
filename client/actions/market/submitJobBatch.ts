/**
 * Whole jobs decided in one transaction: a carrier (the requester, a pool operator, one worker
 * for a fleet) submits every node's signed commit and reveal of one or more strict jobs to
 * `submitBatch`, which checks each signature against the node's registered signer, locks and
 * releases the collateral, tallies and settles each job. The cheapest way through a strict job
 * (bench/GAS-market.md: one post plus one `submitBatch`).
 * @module
 */
import type { Address, Hash } from "viem";
import { jobMarketAbi } from "../../abis/generated/JobMarket.ts";
import type { SandrunClient } from "../../chain/clients.ts";
import { sendSimulated } from "../../chain/send.ts";
import { ValidationError, type ValidationIssue } from "../../errors/input.ts";
import type { NodeSubmission } from "../../proofs/sign.ts";
import { marketErrorAbis } from "./nodeTx.ts";

/** One job's submissions: exactly its n nodes (directed jobs: its assigned nodes, in slot order). */
export type JobSubmissionInput = {
  readonly jobId: bigint;
  readonly nodes: readonly NodeSubmission[];
};

/** Parameters of {@link submitJobBatch}. */
export type SubmitJobBatchParameters = {
  readonly jobMarket: Address;
  readonly jobs: readonly JobSubmissionInput[];
};

/** What {@link submitJobBatch} returns. */
export type SubmitJobBatchReturnType = { readonly hash: Hash; readonly blockNumber: bigint };

/**
 * Submits whole strict jobs, each with all of its nodes' signed submissions (build them with
 * `signSubmission` of client/proofs/sign.ts), in one transaction. The call is simulated first:
 * a job that is not fresh, an incomplete set of nodes, a signature by a key that is not the
 * node's signer or a preimage that does not match its signed seal is refused with the
 * contract's typed error before anything is sent.
 *
 * @throws {ValidationError} for an empty batch, a job without nodes or a node twice in one job.
 * @example
 * ```ts
 * import { submitJobBatch } from "sandrun/client/actions/market/submitJobBatch.ts";
 * await submitJobBatch(client, { jobMarket, jobs: [{ jobId, nodes: [a, b, c] }] });
 * ```
 */
export async function submitJobBatch(
  client: SandrunClient,
  p: SubmitJobBatchParameters,
): Promise<SubmitJobBatchReturnType> {
  const issues: ValidationIssue[] = [];
  if (p.jobs.length === 0) issues.push({ field: "jobs", message: "must name at least one job" });
  p.jobs.forEach((job, i) => {
    if (job.nodes.length === 0) issues.push({ field: `jobs[${i}].nodes`, message: "must not be empty" });
    const seen = new Set<bigint>();
    for (const n of job.nodes) {
      if (seen.has(n.nodeId))
        issues.push({ field: `jobs[${i}].nodes`, message: `node ${n.nodeId} appears twice` });
      seen.add(n.nodeId);
    }
  });
  if (issues.length) throw new ValidationError("Job batch", issues);
  const args = [
    p.jobs.map((job) => ({
      jobId: job.jobId,
      nodes: job.nodes.map((n) => ({
        nodeId: n.nodeId,
        reveal: { ...n.reveal },
        commitSignature: n.commitSignature,
      })),
    })),
  ] as const;
  const { hash, receipt } = await sendSimulated(client, "submitJobBatch", marketErrorAbis, (account) =>
    client.publicClient.simulateContract({
      address: p.jobMarket,
      abi: jobMarketAbi,
      functionName: "submitBatch",
      args,
      account,
    }),
  );
  return { hash, blockNumber: receipt.blockNumber };
}
