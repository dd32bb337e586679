import { expect } from "chai";
import fc from "fast-check";
import {
  decideTake,
  invoiceAmount,
  nextStep,
  quote,
  type Capacity,
  type HeldJob,
  type JobOffer,
  type NodeProfile,
} from "../../client/worker/decide.ts";

const ETH = "0x0000000000000000000000000000000000000000";

const node: NodeProfile = {
  runtimes: ["wasm", "js"],
  cpuCores: 4,
  memoryGB: 8,
  gpuCount: 0,
  gpuModel: "",
  gpuMemoryGB: 0,
  jobsCompleted: 0,
  prices: {
    token: ETH,
    gpuHour: 0n,
    cpuCoreHour: 3600n * 1000n, // 1000 wei per core-second
    memoryGBHour: 3600n * 10n,
    perJob: 5000n,
    minimumJob: 10_000n,
  },
};

const offer: JobOffer = {
  jobId: 7n,
  token: ETH,
  pricePerNode: 1_000_000n,
  collateral: 100n,
  redundancy: 3,
  slotsTaken: 1,
  commitDeadline: 2_000,
  directedTo: [],
  requirements: {
    runtime: "wasm",
    timeoutSeconds: 60,
    memoryMB: 512,
    cpuCores: 1,
    gpuCount: 0,
    gpuModel: "",
    gpuMemoryGB: 0,
  },
};

const capacity: Capacity = {
  freeSlots: 2,
  freeMemoryMB: 4096,
  freeCpuCores: 4,
  freeGpus: 0,
  freeBond: 10n ** 18n,
};

describe("worker/decide: quote", () => {
  it("meters cpu, memory (per GiB started) and the flat fee, rounding up", () => {
    // 60 s * 1000 wei + 60 s * 10 wei * 1 GiB + 5000 flat
    expect(quote(node.prices, offer.requirements, 60, 0)).to.equal(60_000n + 600n + 5000n);
  });

  it("never goes below the minimum charge", () => {
    expect(quote(node.prices, offer.requirements, 1, 0)).to.equal(10_000n);
  });

  it("applies the best volume tier and the best duration tier, compounded", () => {
    const prices = {
      ...node.prices,
      minimumJob: 0n,
      volume: [
        { threshold: 10, discountPpm: 100_000 },
        { threshold: 100, discountPpm: 200_000 },
      ],
      duration: [{ threshold: 1, discountPpm: 500_000 }],
    };
    const gross = quote({ ...prices, volume: [], duration: [] }, offer.requirements, 3600, 0);
    expect(quote(prices, offer.requirements, 3600, 150)).to.equal((gross * 8n * 5n + 99n) / 100n);
    expect(quote(prices, offer.requirements, 3599, 5)).to.equal(gross - 1000n - 10n);
  });

  it("is monotone in time and never negative (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const ql = quote(node.prices, offer.requirements, lo, 0);
        const qh = quote(node.prices, offer.requirements, hi, 0);
        return ql >= 0n && ql <= qh;
      }),
    );
  });
});

describe("worker/decide: decideTake", () => {
  const base = { node, nodeId: 1n, offer, capacity, now: 1_000, marginSeconds: 10 };

  it("takes a job it can run at a price above its quote", () => {
    const d = decideTake(base);
    expect(d.take).to.equal(true);
    expect(d.quote).to.equal(65_600n);
  });

  it("declines below its price after discounts and accepts once the discount applies", () => {
    const cheap = { ...offer, pricePerNode: 40_000n };
    expect(decideTake({ ...base, offer: cheap }).reasons).to.deep.equal(["price-too-low"]);
    const discounted = {
      ...node,
      jobsCompleted: 50,
      prices: { ...node.prices, volume: [{ threshold: 50, discountPpm: 500_000 }] },
    };
    expect(decideTake({ ...base, node: discounted, offer: cheap }).take).to.equal(true);
  });

  it("reports every reason at once", () => {
    const d = decideTake({
      ...base,
      offer: {
        ...offer,
        token: "0x00000000000000000000000000000000000000aa",
        slotsTaken: 3,
        directedTo: [9n],
        poolMember: false,
        collateral: 10n ** 19n,
        requirements: {
          ...offer.requirements,
          runtime: "process",
          memoryMB: 99_999,
          gpuCount: 1,
          gpuModel: "a100",
        },
      },
      capacity: { ...capacity, freeSlots: 0 },
      now: 1_990,
    });
    expect(d.take).to.equal(false);
    expect(d.reasons).to.have.members([
      "runtime-unsupported",
      "not-enough-memory",
      "not-enough-gpu",
      "gpu-model-mismatch",
      "wrong-token",
      "no-free-slot",
      "job-full",
      "not-directed-here",
      "not-pool-member",
      "commit-window-closing",
      "bond-too-low",
    ]);
  });

  it("respects free capacity, not just declared capacity", () => {
    const d = decideTake({ ...base, capacity: { ...capacity, freeMemoryMB: 100, freeCpuCores: 0 } });
    expect(d.reasons).to.have.members(["not-enough-memory", "not-enough-cpu"]);
  });

  it("takes directed jobs only when directed at this node", () => {
    expect(decideTake({ ...base, offer: { ...offer, directedTo: [1n, 2n] } }).take).to.equal(true);
  });
});

describe("worker/decide: invoiceAmount", () => {
  it("is the metered charge, capped at the job's price", () => {
    expect(invoiceAmount(node.prices, offer.requirements, 2, 0, 1_000_000n)).to.equal(10_000n);
    expect(invoiceAmount(node.prices, offer.requirements, 3600, 0, 50_000n)).to.equal(50_000n);
  });

  it("never exceeds the cap (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e7 }), fc.bigInt({ min: 0n, max: 10n ** 20n }), (secs, cap) => {
        return invoiceAmount(node.prices, offer.requirements, secs, 0, cap) <= cap;
      }),
    );
  });
});

describe("worker/decide: nextStep", () => {
  const held: HeldJob = {
    verification: 2,
    status: "open",
    commitDeadline: 100,
    revealDeadline: 200,
    full: false,
    allRevealed: false,
    mySlot: { executed: false, taken: false, revealed: false },
  };
  const slot = (s: Partial<HeldJob["mySlot"]>, j: Partial<HeldJob> = {}) => ({
    ...held,
    ...j,
    mySlot: { ...held.mySlot, ...s },
  });

  it("strict: executes before taking a slot, commits, waits for the commit phase to close, then reveals", () => {
    expect(nextStep(held, 10)).to.equal("execute");
    expect(nextStep(slot({ executed: true }), 10)).to.equal("commit");
    expect(nextStep(slot({ executed: true, taken: true }), 10)).to.equal("wait");
    expect(nextStep(slot({ executed: true, taken: true }), 100)).to.equal("reveal");
    expect(nextStep(slot({ executed: true, taken: true }, { full: true }), 10)).to.equal("reveal");
  });

  it("strict: abandons (nothing locked) when the job fills up or closes before it could commit", () => {
    expect(nextStep(slot({ executed: true }, { full: true }), 10)).to.equal("abandon");
    expect(nextStep(slot({ executed: true }), 99)).to.equal("commit"); // next block at 100 <= deadline
    expect(nextStep(slot({ executed: true }), 100)).to.equal("abandon");
    expect(nextStep(slot({ executed: false }), 150)).to.equal("abandon");
  });

  it("strict: reveals only after the commit deadline (next block > deadline), never after the reveal deadline", () => {
    const committed = slot({ executed: true, taken: true });
    expect(nextStep(committed, 99)).to.equal("wait");
    expect(nextStep(committed, 100)).to.equal("reveal");
    expect(nextStep(committed, 199)).to.equal("reveal");
    expect(nextStep(committed, 200)).to.equal("settle"); // the refund/slash path, open to anyone
  });

  it("settles as soon as the job is decided, and stops once it is final", () => {
    const done = slot({ executed: true, taken: true, revealed: true }, { allRevealed: true, full: true });
    expect(nextStep(done, 50)).to.equal("settle");
    const partial = slot({ executed: true, taken: true, revealed: true }, { allRevealed: true });
    expect(nextStep(partial, 50)).to.equal("wait"); // more slots may still be taken
    expect(nextStep(partial, 100)).to.equal("settle");
    expect(nextStep(slot({ executed: true, taken: true, revealed: true }), 150)).to.equal("wait");
    expect(nextStep({ ...done, status: "settled" }, 150)).to.equal("done");
    expect(nextStep({ ...done, status: "cancelled" }, 150)).to.equal("done");
  });

  it("basic/standard: takes a slot first, then executes and reports before the reveal deadline", () => {
    const basic = { ...held, verification: 1 };
    expect(nextStep(basic, 10)).to.equal("take");
    expect(nextStep({ ...basic, mySlot: { executed: false, taken: true, revealed: false } }, 10)).to.equal(
      "execute",
    );
    expect(nextStep({ ...basic, mySlot: { executed: true, taken: true, revealed: false } }, 150)).to.equal(
      "report",
    );
    expect(nextStep({ ...basic, mySlot: { executed: true, taken: true, revealed: true } }, 150)).to.equal(
      "wait",
    );
    expect(nextStep({ ...basic, mySlot: { executed: true, taken: true, revealed: false } }, 200)).to.equal(
      "settle",
    );
    expect(nextStep({ ...basic, full: true }, 10)).to.equal("abandon");
  });
});
