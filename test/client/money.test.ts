import { expect } from "chai";
import { describe, it } from "mocha";
import { InvalidAmountError, UnknownTokenError, ValidationError } from "../../client/errors.ts";
import {
  ETH,
  TokenAmount,
  TokenRegistry,
  applyDiscounts,
  defineToken,
  fromBaseUnits,
  parseDiscount,
  toBaseUnits,
  validateDiscounts,
} from "../../client/money/index.ts";

const USDC = defineToken("USDC", "0x5FbDB2315678afecb367f032d93F642f64180aa3", 6);

describe("money: exact amounts", () => {
  it("converts decimal strings to base units exactly", () => {
    expect(toBaseUnits("0.5", 18)).to.equal(500_000_000_000_000_000n);
    expect(toBaseUnits("10", 18)).to.equal(10n * 10n ** 18n);
    expect(toBaseUnits("0.000000000000000001", 18)).to.equal(1n);
    expect(toBaseUnits("1.5", 6)).to.equal(1_500_000n);
    expect(toBaseUnits("1.500000000", 6)).to.equal(1_500_000n); // trailing zeros are exact
    expect(toBaseUnits("0.1", 18) + toBaseUnits("0.2", 18)).to.equal(toBaseUnits("0.3", 18));
  });

  for (const [input, reason] of [
    ["1.0000001", "more than 6 decimal"],
    ["-1", "negative"],
    ["NaN", "not a finite"],
    ["Infinity", "not a finite"],
    ["", "empty"],
    ["1e6", "exponent"],
    ["1E-3", "exponent"],
    [" 1", "not a plain"],
    ["1.", "not a plain"],
    ["0x10", "not a plain"],
    ["1,5", "not a plain"],
  ] as const) {
    it(`refuses ${JSON.stringify(input)} (${reason})`, () => {
      expect(() => toBaseUnits(input, 6))
        .to.throw(InvalidAmountError)
        .with.property("reason")
        .that.contains(reason);
    });
  }

  it("refuses numbers: money is strings", () => {
    expect(() => toBaseUnits(0.5 as unknown as string, 18)).to.throw(InvalidAmountError);
  });

  it("formats base units back canonically", () => {
    expect(fromBaseUnits(1_500_000n, 6)).to.equal("1.5");
    expect(fromBaseUnits(0n, 18)).to.equal("0");
    expect(fromBaseUnits(10n ** 18n, 18)).to.equal("1");
    expect(fromBaseUnits(1n, 18)).to.equal("0.000000000000000001");
  });

  it("round-trips every amount it accepts", () => {
    for (const s of ["0", "1", "0.1", "123456789.123456", "0.000001"])
      expect(fromBaseUnits(toBaseUnits(s, 6), 6)).to.equal(s);
  });

  it("TokenAmount adds within one token and refuses mixing or going negative", () => {
    const a = TokenAmount.parse("0.5", ETH).add(TokenAmount.parse("0.25", ETH));
    expect(a.toString()).to.equal("0.75");
    expect(Object.isFrozen(a)).to.equal(true);
    expect(() => a.add(TokenAmount.parse("1", USDC))).to.throw(InvalidAmountError);
    expect(() => a.sub(TokenAmount.parse("1", ETH))).to.throw(InvalidAmountError);
  });

  it("token registry knows ETH and added tokens, by symbol or address", () => {
    const tokens = TokenRegistry.native().with(USDC);
    expect(tokens.get("eth").decimals).to.equal(18);
    expect(tokens.get("USDC")).to.equal(USDC);
    expect(tokens.get(USDC.address.toLowerCase()).symbol).to.equal("USDC");
    expect(() => tokens.get("DOGE"))
      .to.throw(UnknownTokenError)
      .with.property("known")
      .that.deep.equals(["ETH", "USDC"]);
  });
});

describe("money: discounts", () => {
  const tiers = {
    volume: [
      { threshold: 100, discount: 0.1 },
      { threshold: 1000, discount: 0.2 },
    ],
    duration: [
      { hours: 24, discount: 0.05 },
      { hours: 168, discount: "0.15" },
    ],
  };
  const price = toBaseUnits("4.0", 18);

  it("applies no discount below every threshold", () => {
    expect(applyDiscounts(price, tiers, { jobs: 99, hours: 23 })).to.equal(price);
  });

  it("applies the best reached tier of each kind and compounds them exactly", () => {
    // 4 × 0.9 × 0.95 = 3.42
    expect(applyDiscounts(price, tiers, { jobs: 100, hours: 24 })).to.equal(toBaseUnits("3.42", 18));
    // 4 × 0.8 × 0.85 = 2.72
    expect(applyDiscounts(price, tiers, { jobs: 5000, hours: 200 })).to.equal(toBaseUnits("2.72", 18));
  });

  it("never uses float maths: 0.1 stays 0.1", () => {
    // 3 base units × 0.9 = 2.7 → 2 (rounded down, in the requester's favour)
    expect(applyDiscounts(3n, { volume: [{ threshold: 1, discount: 0.1 }] }, { jobs: 1 })).to.equal(2n);
    // 1e18 × (1 − 0.1) must be exactly 0.9e18, which float maths would not give
    expect(applyDiscounts(10n ** 18n, { volume: [{ threshold: 1, discount: 0.1 }] }, { jobs: 1 })).to.equal(
      9n * 10n ** 17n,
    );
  });

  it("parses discounts from numbers through their decimal string and refuses bad ones", () => {
    expect(parseDiscount(0.15, "d").value?.toString()).to.equal("0.15");
    expect(parseDiscount("0.2", "d").value?.toString()).to.equal("0.2");
    expect(parseDiscount(1, "d").issue?.message).to.contain("100%");
    expect(parseDiscount(-0.1, "d").issue).to.not.equal(undefined);
    expect(parseDiscount(1e-9, "d").issue).to.not.equal(undefined);
    expect(parseDiscount(Number.NaN, "d").issue).to.not.equal(undefined);
  });

  it("validates every tier and reports each problem by field", () => {
    const issues = validateDiscounts(
      { volume: [{ threshold: 0, discount: 2 }], duration: [{ hours: 1.5, discount: "x" }], weekly: [] },
      "pricing.discounts",
    );
    expect(issues.map((i) => i.field)).to.have.members([
      "pricing.discounts.weekly",
      "pricing.discounts.volume[0].threshold",
      "pricing.discounts.volume[0].discount",
      "pricing.discounts.duration[0].hours",
      "pricing.discounts.duration[0].discount",
    ]);
  });

  it("applyDiscounts refuses an invalid tier with a ValidationError", () => {
    expect(() => applyDiscounts(1n, { volume: [{ threshold: 1, discount: 3 }] }, { jobs: 1 })).to.throw(
      ValidationError,
    );
  });
});
