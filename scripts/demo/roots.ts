/**
 * The demo's Sandrun roots, built with the client's `createSandrun`: the requester's (with the
 * pool and job builders plugged in through the root's factories) and one per node operator.
 * On the embedded chain an operator's root comes from client/worker/attach.ts, so its Nodes can
 * `startListening()` in this process; with `--rpc` the core root registers and the workers run
 * as processes.
 */
import { join } from "node:path";

import { createPoolBuilderFactory, jobBuilderFactory } from "../../client/pool/factory.ts";
import { createSandrun } from "../../client/sandrun.ts";
import { createSandrun as createWorkerSandrun } from "../../client/worker/attach.ts";
import type { DemoChain } from "./chain.ts";
import { FLEET } from "./fleet.ts";
import { inProcessWorker, type WorkerSink } from "./workers.ts";

/** Dev account of the requester; node operators follow from {@link FIRST_OPERATOR}. */
export const REQUESTER = 1;
export const FIRST_OPERATOR = 2;

/** The requester's root: `sandrun.pool()` and `sandrun.job()` work on it. */
export function requesterRoot(chain: DemoChain) {
  return createSandrun({
    publicClient: chain.publicClient,
    walletClient: chain.wallets[REQUESTER]!,
    deployment: chain.deployment,
    pool: createPoolBuilderFactory({ pollingInterval: 200 }),
    job: jobBuilderFactory,
  });
}

/** The root of fleet machine `i`'s operator. */
export function operatorRoot(chain: DemoChain, i: number, stateRoot: string, sink: WorkerSink) {
  const base = {
    publicClient: chain.publicClient,
    walletClient: chain.wallets[FIRST_OPERATOR + i]!,
    deployment: chain.deployment,
  };
  if (chain.mode === "rpc") return createSandrun(base);
  return createWorkerSandrun({
    ...base,
    worker: inProcessWorker(join(stateRoot, FLEET[i]!.alias), FLEET[i]!.dishonest, sink),
  });
}
