/**
 * Pure decisions of the worker daemon: whether this node should take a job, what it
 * would charge for it, and which protocol step a job it holds needs next.
 *
 * Nothing here reads the clock, the chain or the machine: every input is a plain value,
 * so the daemon's behaviour is testable without a chain (test/worker/decide.test.ts) and
 * two workers given the same inputs decide the same thing. Money is integer base units
 * (bigint) and discounts are integer parts per million; there are no floats anywhere.
 * @module
 */

/**
 * One million: discounts are integer parts per million (100_000 = 10 %), so prices stay exact
 * bigint arithmetic.
 *
 * @example
 * ```ts
 * import { PPM } from "sandrun/client/worker/decide.ts";
 * const discounted = (1_000n * (PPM - 100_000n)) / PPM; // 900n: 10 % off
 * ```
 */
export const PPM = 1_000_000n;

/** A discount tier: the discount applies once `threshold` is reached. */
export type DiscountTier = {
  /** Jobs completed (volume tiers) or job hours (duration tiers), inclusive. */
  threshold: number;
  /** Discount in parts per million of the price (0..1_000_000). */
  discountPpm: number;
};

/** The node's price list in the job's token base units; what the registry stores plus discounts. */
export type NodePriceList = {
  /** Token the prices are in; address(0) = ETH. Lower-case hex. */
  token: string;
  gpuHour: bigint;
  cpuCoreHour: bigint;
  memoryGBHour: bigint;
  perJob: bigint;
  minimumJob: bigint;
  /** Volume tiers, by number of jobs this node has completed. */
  volume?: readonly DiscountTier[] | undefined;
  /** Duration tiers, by the job's declared hours (its timeout). */
  duration?: readonly DiscountTier[] | undefined;
};

/** What a node can run, as the daemon knows it (registry capabilities plus local facts). */
export type NodeProfile = {
  runtimes: readonly string[];
  cpuCores: number;
  memoryGB: number;
  gpuCount: number;
  /** Lower-case GPU model ("a100"), empty when none. */
  gpuModel: string;
  gpuMemoryGB: number;
  prices: NodePriceList;
  /** Jobs this node has completed (drives volume discounts). */
  jobsCompleted: number;
};

/** What a job asks for, as the daemon reads it from the chain and the spec. */
export type JobRequirements = {
  runtime: string;
  /** Wall-time limit in seconds (also the metered duration the quote assumes). */
  timeoutSeconds: number;
  /** Memory in MiB. */
  memoryMB: number;
  cpuCores: number;
  gpuCount: number;
  /** Lower-case GPU model the job needs, empty for "any". */
  gpuModel: string;
  gpuMemoryGB: number;
};

/** A job on offer, as the daemon sees it when deciding to take a slot. */
export type JobOffer = {
  jobId: bigint;
  /** Token of the job's escrow; lower-case hex, address(0) = ETH. */
  token: string;
  /** The most the job pays each node, in token base units. */
  pricePerNode: bigint;
  /** Collateral a slot locks from the node's bond. */
  collateral: bigint;
  /** Slots the job has (`n`) and slots already taken. */
  redundancy: number;
  slotsTaken: number;
  /** Unix seconds after which no slot may be taken / committed. */
  commitDeadline: number;
  requirements: JobRequirements;
  /** Node ids the requester directed the job at; empty = open to any pool member. */
  directedTo: readonly bigint[];
  /** Whether this node is a member of the job's pool (false: the contract would refuse it). */
  poolMember?: boolean | undefined;
};

/** The node's free local capacity (from the reservation ledger). */
export type Capacity = {
  /** Jobs that may still run at the same time. */
  freeSlots: number;
  freeMemoryMB: number;
  freeCpuCores: number;
  freeGpus: number;
  /** Free (unlocked) bond in the bond token's base units. */
  freeBond: bigint;
};

/** Why a job was declined; stable strings for logs and tests. */
export type DeclineReason =
  | "runtime-unsupported"
  | "not-enough-memory"
  | "not-enough-cpu"
  | "not-enough-gpu"
  | "gpu-model-mismatch"
  | "wrong-token"
  | "price-too-low"
  | "no-free-slot"
  | "job-full"
  | "not-directed-here"
  | "not-pool-member"
  | "commit-window-closing"
  | "bond-too-low";

/** The outcome of {@link decideTake}. */
export type TakeDecision =
  | { take: true; quote: bigint; reasons: readonly [] }
  | { take: false; quote: bigint; reasons: readonly DeclineReason[] };

function tierDiscount(tiers: readonly DiscountTier[] | undefined, value: number): bigint {
  let best = 0;
  for (const t of tiers ?? []) if (value >= t.threshold && t.discountPpm > best) best = t.discountPpm;
  return BigInt(Math.min(best, 1_000_000));
}

/** ceil(a / b) for non-negative bigints. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The node's price for a job of `seconds` wall time using `req`'s resources, after its
 * volume and duration discounts (the larger of each kind, compounded), never below its
 * minimum charge. Rounds up in the node's favour: a quote never undercuts the price list.
 *
 * @example
 * ```ts
 * import { quote } from "sandrun/client/worker/decide.ts";
 * quote(profile.prices, { ...req, timeoutSeconds: 60 }, 60, profile.jobsCompleted); // bigint
 * ```
 */
export function quote(
  prices: NodePriceList,
  req: JobRequirements,
  seconds: number,
  jobsCompleted: number,
): bigint {
  const secs = BigInt(Math.max(0, Math.ceil(seconds)));
  // Memory is metered per whole GiB started: a 100 MiB job pays for one GiB-hour fraction.
  const memGB = BigInt(Math.ceil(Math.max(0, req.memoryMB) / 1024));
  const perSecondUnits =
    prices.cpuCoreHour * BigInt(Math.max(1, req.cpuCores)) +
    prices.memoryGBHour * memGB +
    prices.gpuHour * BigInt(Math.max(0, req.gpuCount));
  const gross = prices.perJob + ceilDiv(perSecondUnits * secs, 3600n);
  const hours = Math.floor(seconds / 3600);
  const volume = tierDiscount(prices.volume, jobsCompleted);
  const duration = tierDiscount(prices.duration, hours);
  const net = ceilDiv(gross * (PPM - volume) * (PPM - duration), PPM * PPM);
  return net > prices.minimumJob ? net : prices.minimumJob;
}

/**
 * Should this node take a slot of `offer`? Checks capabilities, price after discounts,
 * free capacity and bond, the slot count, direction, and that enough time is left to run
 * the job and commit (`now + timeout + margin <= commitDeadline`). Returns every reason
 * at once so a log line explains the whole decision.
 *
 * @example
 * ```ts
 * import { decideTake } from "sandrun/client/worker/decide.ts";
 * const d = decideTake({ node, nodeId: 3n, offer, capacity, now: 1_700_000_000, marginSeconds: 5 });
 * if (d.take) await claimJob(offer.jobId);
 * ```
 */
export function decideTake(args: {
  node: NodeProfile;
  nodeId: bigint;
  offer: JobOffer;
  capacity: Capacity;
  now: number;
  marginSeconds: number;
}): TakeDecision {
  const { node, nodeId, offer, capacity, now, marginSeconds } = args;
  const req = offer.requirements;
  const reasons: DeclineReason[] = [];
  if (!node.runtimes.includes(req.runtime)) reasons.push("runtime-unsupported");
  if (req.memoryMB > node.memoryGB * 1024 || req.memoryMB > capacity.freeMemoryMB)
    reasons.push("not-enough-memory");
  if (req.cpuCores > node.cpuCores || req.cpuCores > capacity.freeCpuCores) reasons.push("not-enough-cpu");
  if (req.gpuCount > node.gpuCount || req.gpuCount > capacity.freeGpus || req.gpuMemoryGB > node.gpuMemoryGB)
    reasons.push("not-enough-gpu");
  if (req.gpuCount > 0 && req.gpuModel !== "" && req.gpuModel !== node.gpuModel)
    reasons.push("gpu-model-mismatch");
  if (offer.token.toLowerCase() !== node.prices.token.toLowerCase()) reasons.push("wrong-token");
  const q = quote(node.prices, req, req.timeoutSeconds, node.jobsCompleted);
  if (q > offer.pricePerNode) reasons.push("price-too-low");
  if (capacity.freeSlots <= 0) reasons.push("no-free-slot");
  if (offer.slotsTaken >= offer.redundancy) reasons.push("job-full");
  if (offer.directedTo.length > 0 && !offer.directedTo.includes(nodeId)) reasons.push("not-directed-here");
  if (offer.poolMember === false) reasons.push("not-pool-member");
  if (now + req.timeoutSeconds + marginSeconds > offer.commitDeadline) reasons.push("commit-window-closing");
  if (offer.collateral > capacity.freeBond) reasons.push("bond-too-low");
  return reasons.length === 0 ? { take: true, quote: q, reasons: [] } : { take: false, quote: q, reasons };
}

/**
 * The invoice a node sends with its result: its metered charge for what the job used,
 * capped at the job's per-node price (the contract refuses more). Zero means "charge the
 * per-node price" in the contract's terms, so a node whose metered charge reaches the cap
 * sends the cap explicitly.
 *
 * @example
 * ```ts
 * import { invoiceAmount } from "sandrun/client/worker/decide.ts";
 * invoiceAmount(prices, req, usage.wallMs / 1000, 12, offer.pricePerNode);
 * ```
 */
export function invoiceAmount(
  prices: NodePriceList,
  req: JobRequirements,
  usedSeconds: number,
  jobsCompleted: number,
  pricePerNode: bigint,
): bigint {
  const metered = quote(prices, req, usedSeconds, jobsCompleted);
  return metered < pricePerNode ? metered : pricePerNode;
}

/** Where a job this node works on stands, as read from the chain (plus whether it ran it). */
export type HeldJob = {
  /** Verification level: 0 basic, 1 standard, 2 strict, 3 cryptographic. */
  verification: number;
  /** 'open' until settled or cancelled (an expired job is settled with a refund). */
  status: "open" | "settled" | "cancelled";
  /** Unix seconds: slots (and, at strict+, commits) close. */
  commitDeadline: number;
  /** Unix seconds: reveals (strict+) or reports (basic, standard) close. */
  revealDeadline: number;
  /** Every slot is taken (at strict+: every slot committed, so reveals open early). */
  full: boolean;
  /** At least one slot is taken and every taken slot has revealed/reported. */
  allRevealed: boolean;
  mySlot: {
    /** The local execution has finished and its digest is known. */
    executed: boolean;
    /** This node holds a slot (at strict+: has committed). */
    taken: boolean;
    /** This node's result is on-chain (revealed or reported). */
    revealed: boolean;
  };
};

/** What the daemon should do next for a job it works on. */
export type NextStep =
  "take" | "execute" | "commit" | "reveal" | "report" | "settle" | "wait" | "done" | "abandon";

/**
 * Which protocol step a job needs next.
 *
 * - strict/cryptographic: run first, then `commit` (which takes the slot: the seal binds the
 *   digest) strictly before the commit deadline; `reveal` only once the commit phase has
 *   closed (every slot committed, or the deadline passed) and before the reveal deadline.
 *   A job that fills up or closes before this node could commit is `abandon`ed: nothing of
 *   the node's is locked, nothing is lost but the compute.
 * - basic/standard: `take` a slot (locks collateral) before the deadline, run, `report`
 *   before the reveal deadline.
 * - anyone may `settle` a settleable job, and any open job after its reveal deadline (that is
 *   also how an expired job is refunded), so the worker does for the jobs it touched: none of
 *   them stays open forever.
 *
 * `now` is the latest block's timestamp; the next block's is later, hence the strict bounds.
 *
 * @example
 * ```ts
 * import { nextStep } from "sandrun/client/worker/decide.ts";
 * switch (nextStep(held, now)) { case "reveal": await reveal(); break; }
 * ```
 */
export function nextStep(job: HeldJob, now: number): NextStep {
  if (job.status !== "open") return "done";
  const s = job.mySlot;
  // The contract accepts commits/slots while block.timestamp <= commitDeadline, opens reveals
  // when every slot is taken or block.timestamp > commitDeadline, and accepts reveals/reports
  // while block.timestamp <= revealDeadline. The next block is at least now + 1.
  const next = now + 1;
  const slotsOpen = !job.full && next <= job.commitDeadline;
  const commitClosed = job.full || next > job.commitDeadline;
  const resultsOpen = next <= job.revealDeadline;
  if (!s.taken && !slotsOpen) return "abandon";
  if (job.verification >= 2) {
    if (!s.taken) return s.executed ? "commit" : "execute";
    if (!s.revealed) {
      if (!commitClosed) return "wait";
      if (resultsOpen) return "reveal";
    }
  } else {
    if (!s.taken) return "take";
    if (!s.revealed && resultsOpen) return s.executed ? "report" : "execute";
  }
  const settleable = (job.allRevealed && commitClosed) || next > job.revealDeadline;
  return settleable ? "settle" : "wait";
}
