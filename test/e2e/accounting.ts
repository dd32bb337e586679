/**
 * What the protocol says a settled job owes everyone, derived here from its reveals and the
 * settlement rules (invoice less the fee to each winner, the rest of the escrow back to the
 * requester, each slashed collateral split half to the winners and the rest to the requester),
 * and what the chain actually credited (its PaymentCredited and JobRefunded events). The e2e
 * fault scenarios compare the two, so a wrong payout cannot pass unnoticed.
 */
import { expect } from "chai";
import { getAddress, zeroAddress, type Address, type Hex } from "viem";
import { COLLATERAL, FEE_BPS, PRICE, type Market } from "../market/fixture.ts";
import { until } from "./harness.ts";

/** One revealed result, as ResultRevealed announced it. */
export type Reveal = { nodeId: bigint; digest: Hex; invoice: bigint };

/** Per-account amounts (checksummed addresses), in wei. */
export type Ledger = Map<Address, bigint>;

function add(l: Ledger, account: Address, amount: bigint): void {
  const a = getAddress(account);
  l.set(a, (l.get(a) ?? 0n) + amount);
}

/** What `ledger` holds for `account` (0 when absent); addresses in any case. */
export function owed(ledger: Ledger, account: Address): bigint {
  return ledger.get(getAddress(account)) ?? 0n;
}

/** The ResultRevealed events of `jobId`. */
export async function revealsOf(m: Market, jobId: bigint): Promise<Reveal[]> {
  const logs = await m.publicClient.getContractEvents({
    address: m.market.address,
    abi: m.market.abi,
    eventName: "ResultRevealed",
    args: { jobId },
    fromBlock: 0n,
  });
  return logs.map((l) => ({ nodeId: l.args.nodeId!, digest: l.args.digest!, invoice: l.args.invoice! }));
}

/** The arguments of `jobId`'s ConsensusReached event (the agreed digest and how many agreed). */
export async function consensusOf(m: Market, jobId: bigint) {
  const logs = await m.publicClient.getContractEvents({
    address: m.market.address,
    abi: m.market.abi,
    eventName: "ConsensusReached",
    args: { jobId },
    fromBlock: 0n,
  });
  expect(logs, `job ${jobId} reached consensus`).to.have.length(1);
  return logs[0]!.args;
}

/** Waits for `jobId`'s JobSettled event; returns its arguments. */
export async function settledOf(m: Market, jobId: bigint, timeoutMs = 90_000) {
  const log = await until(
    `job ${jobId} settled`,
    async () =>
      (
        await m.publicClient.getContractEvents({
          address: m.market.address,
          abi: m.market.abi,
          eventName: "JobSettled",
          args: { jobId },
          fromBlock: 0n,
        })
      )[0],
    timeoutMs,
  );
  return log.args;
}

/** The node ids slashed on `jobId`, and the amounts. */
export async function slashesOf(m: Market, jobId: bigint): Promise<{ nodeId: bigint; amount: bigint }[]> {
  const logs = await m.publicClient.getContractEvents({
    address: m.market.address,
    abi: m.market.abi,
    eventName: "Slashed",
    args: { jobId },
    fromBlock: 0n,
  });
  return logs.map((l) => ({ nodeId: l.args.nodeId!, amount: l.args.amount! }));
}

/** What the chain credited on `jobId`: PaymentCredited per account plus JobRefunded to the requester. */
export async function creditedOn(m: Market, jobId: bigint): Promise<Ledger> {
  const l: Ledger = new Map();
  const common = { address: m.market.address, abi: m.market.abi, args: { jobId }, fromBlock: 0n } as const;
  for (const c of await m.publicClient.getContractEvents({ ...common, eventName: "PaymentCredited" })) {
    expect(c.args.token).to.equal(zeroAddress);
    add(l, c.args.account!, c.args.amount!);
  }
  for (const r of await m.publicClient.getContractEvents({ ...common, eventName: "JobRefunded" }))
    add(l, r.args.requester!, r.args.amount!);
  return l;
}

/**
 * What the protocol owes on a strict-level job of `n` slots (ETH, `PRICE` per node,
 * `COLLATERAL` per node) that settled with consensus on `winner`: `reveals` are the revealed
 * results, `silent` the nodes that took a slot and never revealed (slashed as no-shows).
 */
export function expectedCredits(
  m: Market,
  p: { n: bigint; winner: Hex; reveals: Reveal[]; silent?: bigint[] },
): { ledger: Ledger; slashed: bigint[]; fee: bigint; refund: bigint } {
  const ownerOf = (id: bigint) => m.nodes.find((x) => x.id === id)!.owner.account.address;
  const winners = p.reveals.filter((r) => r.digest.slice(0, 42) === p.winner.slice(0, 42));
  const slashed = [
    ...p.reveals.filter((r) => !winners.includes(r)).map((r) => r.nodeId),
    ...(p.silent ?? []),
  ];
  const ledger: Ledger = new Map();
  let gross = 0n;
  let fee = 0n;
  for (const w of winners) {
    const g = w.invoice === 0n ? PRICE : w.invoice;
    const f = (g * FEE_BPS) / 10_000n;
    gross += g;
    fee += f;
    add(ledger, ownerOf(w.nodeId), g - f);
  }
  if (fee !== 0n) add(ledger, m.treasury.account.address, fee);
  const refund = p.n * PRICE - gross;
  const requester = m.requester.account.address;
  if (refund !== 0n) add(ledger, requester, refund);
  const each = winners.length === 0 ? 0n : COLLATERAL / 2n / BigInt(winners.length);
  for (let i = 0; i < slashed.length; i++) {
    for (const w of winners) if (each !== 0n) add(ledger, ownerOf(w.nodeId), each);
    add(ledger, requester, COLLATERAL - each * BigInt(winners.length));
  }
  return { ledger, slashed, fee, refund };
}

/** Asserts the chain credited exactly `expected` on `jobId`, and that nothing was created or lost. */
export async function expectCredits(
  m: Market,
  jobId: bigint,
  expected: { ledger: Ledger; slashed: bigint[] },
  n: bigint,
): Promise<void> {
  const actual = await creditedOn(m, jobId);
  expect(Object.fromEntries(actual)).to.deep.equal(Object.fromEntries(expected.ledger));
  // Conservation: escrow plus slashed collateral, wei for wei.
  const total = [...actual.values()].reduce((a, b) => a + b, 0n);
  expect(total).to.equal(n * PRICE + BigInt(expected.slashed.length) * COLLATERAL);
  const slashes = await slashesOf(m, jobId);
  expect(slashes.map((s) => s.nodeId).sort()).to.deep.equal([...expected.slashed].sort());
  for (const s of slashes) expect(s.amount).to.equal(COLLATERAL);
}

/** Waits until every account in `owners` has withdrawn its whole market balance (workers do it). */
export async function allWithdrawn(m: Market, owners: Address[], timeoutMs = 60_000): Promise<void> {
  for (const o of owners)
    await until(
      `${o} withdrew`,
      async () => (await m.market.read.balanceOf([o, zeroAddress])) === 0n,
      timeoutMs,
    );
}

/** Sum of Withdrawn amounts by `accounts` from block `fromBlock` on. */
export async function withdrawnSince(m: Market, accounts: Address[], fromBlock: bigint): Promise<bigint> {
  const logs = await m.publicClient.getContractEvents({
    address: m.market.address,
    abi: m.market.abi,
    eventName: "Withdrawn",
    fromBlock,
  });
  const set = new Set(accounts.map((a) => getAddress(a)));
  return logs.filter((l) => set.has(getAddress(l.args.account!))).reduce((s, l) => s + l.args.amount!, 0n);
}
