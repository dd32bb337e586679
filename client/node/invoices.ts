/**
 * The node's local invoice book. An invoice is the amount the node charges for one job (its
 * metered usage at its prices, at most the job's per-node price). It reaches the chain with
 * the node's result: the worker passes `invoiceFor(jobId).raw` as the `invoice` argument of
 * `JobMarket.report` / the reveal preimage; settlement pays min(invoice, pricePerNode) less the
 * fee (the per-node price when the node sends 0). The book only validates and remembers.
 */
import type { Address } from "viem";
import { InvoiceRejectedError, UnknownIdError } from "../errors/input.ts";
import { fromBaseUnits, toBaseUnits } from "../money/amount.ts";
import { SandrunError } from "../errors/base.ts";
import type { Token } from "../money/tokens.ts";

/** The design's `Invoice`. */
export type Invoice = {
  readonly id: string;
  readonly jobId: string;
  readonly nodeId: string;
  /** Token units, e.g. `"0.5"`. */
  readonly amount: string;
  /** Base units: what goes on-chain with the result. */
  readonly raw: bigint;
  readonly currency: string;
  readonly token: Address;
  /** The job's cap (per-node price) in token units. */
  readonly cap: string;
  readonly createdAt: number;
  status: "pending" | "claimed";
};

/**
 * Validates and stores invoices, one per job.
 * @example
 * ```ts
 * const book = new InvoiceBook("3");
 * const inv = book.add("1", "0.4", { token: ETH, pricePerNode: parseEther("0.5") });
 * book.forJob("1")?.raw; // 400000000000000000n
 * ```
 */
export class InvoiceBook {
  readonly #nodeId: string;
  readonly #byId = new Map<string, Invoice>();
  #next = 1;

  constructor(nodeId: string) {
    this.#nodeId = nodeId;
  }

  /** Adds an invoice after checking it against the job's token and per-node price. */
  add(jobId: string, amount: string, job: { token: Token; pricePerNode: bigint }): Invoice {
    if (this.forJob(jobId)) throw new InvoiceRejectedError(jobId, "the job is already invoiced");
    let raw: bigint;
    try {
      raw = toBaseUnits(amount, job.token.decimals);
    } catch (e) {
      throw new InvoiceRejectedError(jobId, e instanceof SandrunError ? e.shortMessage : String(e));
    }
    const cap = fromBaseUnits(job.pricePerNode, job.token.decimals);
    if (raw > job.pricePerNode)
      throw new InvoiceRejectedError(
        jobId,
        `${amount} ${job.token.symbol} exceeds the job's per-node price ${cap}`,
      );
    if (raw === 0n)
      throw new InvoiceRejectedError(jobId, "an invoice of 0 means 'the per-node price': send none instead");
    const invoice: Invoice = {
      id: `inv-${this.#nodeId}-${this.#next++}`,
      jobId,
      nodeId: this.#nodeId,
      amount: fromBaseUnits(raw, job.token.decimals),
      raw,
      currency: job.token.symbol,
      token: job.token.address,
      cap,
      createdAt: Date.now(),
      status: "pending",
    };
    this.#byId.set(invoice.id, invoice);
    return invoice;
  }

  /** The invoice by id. @throws UnknownIdError */
  get(id: string): Invoice {
    const inv = this.#byId.get(id);
    if (!inv) throw new UnknownIdError("invoice", id);
    return inv;
  }

  /** The invoice of a job, if any (what the worker sends with the result). */
  forJob(jobId: string): Invoice | undefined {
    return [...this.#byId.values()].find((i) => i.jobId === jobId);
  }

  /** Every invoice. */
  list(): readonly Invoice[] {
    return [...this.#byId.values()];
  }
}
