import { expect } from "chai";
import fc from "fast-check";
import type { Hex } from "viem";

import { ValidationError } from "../../client/errors.ts";
import {
  CONSENSUS_STRATEGIES,
  checkRedundancy,
  decideConsensus,
  quorum,
  strategyFromEnum,
  strategyToEnum,
  tallyKey,
} from "../../client/proofs/consensus.ts";

const A: Hex = `0x${"aa".repeat(32)}`;
const B: Hex = `0x${"bb".repeat(32)}`;
const C: Hex = `0x${"cc".repeat(32)}`;
const r = (nodeId: number, digest: Hex, collateral?: bigint) => ({
  nodeId: BigInt(nodeId),
  digest,
  collateral,
});

describe("consensus (off-chain mirror)", () => {
  it("maps strategy names to the contract's enum order and back", () => {
    CONSENSUS_STRATEGIES.forEach((s, i) => {
      expect(strategyToEnum(s)).to.equal(i);
      expect(strategyFromEnum(i)).to.equal(s);
    });
    expect(() => strategyToEnum("nope" as never)).to.throw(ValidationError);
    expect(() => strategyFromEnum(6)).to.throw(ValidationError);
  });

  it("computes quorums as DESIGN.md states", () => {
    expect(quorum("majority-rule", 3)).to.equal(2);
    expect(quorum("majority-rule", 4)).to.equal(3);
    expect(quorum("byzantine-fault-tolerant", 3)).to.equal(3);
    expect(quorum("byzantine-fault-tolerant", 4)).to.equal(3);
    expect(quorum("byzantine-fault-tolerant", 7)).to.equal(5);
    expect(quorum("2-of-3", 3)).to.equal(2);
    expect(quorum("3-of-5", 5)).to.equal(3);
  });

  it("rejects redundancy that the strategy cannot use", () => {
    expect(checkRedundancy("2-of-3", 5)).to.have.length(1);
    expect(checkRedundancy("3-of-5", 3)).to.have.length(1);
    expect(checkRedundancy("majority-rule", 0)).to.have.length(1);
    expect(checkRedundancy("majority-rule", 17)).to.have.length(1);
    expect(checkRedundancy("byzantine-fault-tolerant", 2)).to.have.length(1);
    expect(checkRedundancy("byzantine-fault-tolerant", 16)).to.deep.equal([]);
    expect(() => decideConsensus("2-of-3", 4, [])).to.throw(ValidationError);
  });

  it("fastest-wins accepts the first reveal and pays only it", () => {
    const v = decideConsensus("fastest-wins", 1, [r(5, B)]);
    expect(v.reached).to.equal(true);
    expect(v.digest).to.equal(tallyKey(B));
    expect(v.agreeing).to.deep.equal([5n]);
    // The contract allows fastest-wins only with one slot (Consensus.isConsistent).
    expect(() => decideConsensus("fastest-wins", 3, [r(2, A)])).to.throw(ValidationError);
  });

  it("2-of-3 reaches with two agreeing, not with three different", () => {
    const v = decideConsensus("2-of-3", 3, [r(1, A), r(2, B), r(3, A)]);
    expect(v.reached).to.equal(true);
    expect(v.agreeing).to.deep.equal([1n, 3n]);
    expect(v.dissenting).to.deep.equal([2n]);
    const no = decideConsensus("2-of-3", 3, [r(1, A), r(2, B), r(3, C)]);
    expect(no.reached).to.equal(false);
    expect(no.digest).to.equal(undefined);
  });

  it("BFT with n = 3 needs all three", () => {
    expect(decideConsensus("byzantine-fault-tolerant", 3, [r(1, A), r(2, A)]).reached).to.equal(false);
    expect(decideConsensus("byzantine-fault-tolerant", 3, [r(1, A), r(2, A), r(3, A)]).reached).to.equal(
      true,
    );
    expect(
      decideConsensus("byzantine-fault-tolerant", 4, [r(1, A), r(2, A), r(3, A), r(4, B)]).reached,
    ).to.equal(true);
  });

  it("compares digests by their high 20 bytes, as the contract's slot record does", () => {
    const a2: Hex = `0x${"aa".repeat(20)}${"00".repeat(12)}`;
    const v = decideConsensus("2-of-3", 3, [r(1, A), r(2, a2)]);
    expect(v.reached).to.equal(true);
    expect(v.digest).to.equal(`0x${"aa".repeat(20)}`);
  });

  it("counts a node once and at most n reveals", () => {
    const v = decideConsensus("majority-rule", 3, [r(1, A), r(1, A), r(2, B)]);
    expect(v.reached).to.equal(false);
    expect(v.missing).to.equal(1);
  });

  it("stake-weighted needs more than 2/3 of revealed collateral", () => {
    const yes = decideConsensus("proof-of-stake-weighted", 3, [r(1, A, 70n), r(2, B, 30n)]);
    expect(yes.reached).to.equal(true);
    expect(yes.weight).to.deep.equal({ agreeing: 70n, revealed: 100n });
    const edge = decideConsensus("proof-of-stake-weighted", 3, [r(1, A, 2n), r(2, B, 1n)]);
    expect(edge.reached).to.equal(false); // exactly 2/3 is not more than 2/3
  });

  it("property: count strategies reach iff the top digest count meets the quorum", () => {
    const strategies = ["majority-rule", "byzantine-fault-tolerant"] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...strategies),
        fc.integer({ min: 3, max: 16 }),
        fc.array(fc.constantFrom<Hex>("0x01", "0x02", "0x03"), { maxLength: 16 }),
        (strategy, n, digests) => {
          const reveals = digests.slice(0, n).map((d, i) => r(i + 1, d));
          const counts = new Map<string, number>();
          for (const x of reveals) counts.set(x.digest, (counts.get(x.digest) ?? 0) + 1);
          const top = Math.max(0, ...counts.values());
          const v = decideConsensus(strategy, n, reveals);
          expect(v.reached).to.equal(top >= quorum(strategy, n));
          if (v.reached) expect(v.agreeing.length + v.dissenting.length).to.equal(reveals.length);
        },
      ),
    );
  });
});
