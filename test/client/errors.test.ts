import { expect } from "chai";
import { describe, it } from "mocha";
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  parseAbi,
} from "viem";
import {
  ContractRevertedError,
  InsufficientFundsError,
  NodeRegistryError,
  NotSupportedError,
  PausedError,
  SandrunError,
  UnauthorizedError,
  UnknownOnChainIdError,
  ValidationError,
  decodeContractError,
} from "../../client/errors.ts";

// A fixture ABI with the shapes of the registry's custom errors (the real decoder is exercised
// with the generated ABIs by the integration tests in test/node/).
const abi = parseAbi([
  "error NodeRegistryUnknownNode(uint64 nodeId)",
  "error NodeRegistryNotNodeOwner(uint64 nodeId, address caller)",
  "error NodeRegistryInsufficientFreeBond(uint64 nodeId, uint96 free, uint96 requested)",
  "error NodeRegistryBadStatus(uint64 nodeId, uint8 status)",
  "error NodeRegistryZeroAmount()",
  "error EnforcedPause()",
  "error JobMarketSomethingNew(bytes32 jobId)",
]);
const caller = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

function revert(errorName: string, args: readonly unknown[]): ContractFunctionExecutionError {
  const data = encodeErrorResult({ abi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  // viem wraps a revert like this when the call's ABI lacks the error (data stays raw).
  const inner = new ContractFunctionRevertedError({ abi: [], data, functionName: "x" });
  return new ContractFunctionExecutionError(inner, { abi: [], functionName: "x" });
}

describe("errors: SandrunError base", () => {
  it("carries shortMessage, details, cause and name, and walks the cause chain", () => {
    const cause = new Error("socket hang up");
    const e = new SandrunError("RPC failed.", { cause });
    expect(e.shortMessage).to.equal("RPC failed.");
    expect(e.details).to.equal("socket hang up");
    expect(e.cause).to.equal(cause);
    expect(e.name).to.equal("SandrunError");
    expect(e.message).to.contain("Details: socket hang up");
    expect(e.walk()).to.equal(cause);
    expect(e.walk((x) => x === cause)).to.equal(cause);
  });

  it("NotSupportedError names the method", () => {
    const e = new NotSupportedError("Node.executeJob", "attach the worker");
    expect(e).to.be.instanceOf(SandrunError);
    expect(e.method).to.equal("Node.executeJob");
    expect(e.name).to.equal("NotSupportedError");
  });

  it("ValidationError lists every issue field by field", () => {
    const e = new ValidationError("Node", [
      { field: "a", message: "x" },
      { field: "b", message: "y" },
    ]);
    expect(e.shortMessage).to.equal("Node is invalid (2 problems).");
    expect(e.message).to.contain("- a: x").and.contain("- b: y");
    expect(Object.isFrozen(e.issues)).to.equal(true);
  });
});

describe("errors: contract custom errors decoded by name", () => {
  it("decodes raw revert data against any ABI into a typed error with named args", () => {
    const e = decodeContractError(revert("NodeRegistryNotNodeOwner", [7n, caller]), abi);
    expect(e).to.be.instanceOf(UnauthorizedError).and.instanceOf(ContractRevertedError);
    const r = e as ContractRevertedError;
    expect(r.errorName).to.equal("NodeRegistryNotNodeOwner");
    expect(r.contract).to.equal("NodeRegistry");
    expect(r.problem).to.equal("NotNodeOwner");
    expect(r.args).to.deep.equal([7n, caller]);
    expect(r.namedArgs).to.deep.equal({ nodeId: 7n, caller });
    expect(r.shortMessage).to.equal(`Contract reverted with NodeRegistryNotNodeOwner(7, ${caller}).`);
  });

  it("chooses the named class by the error's name", () => {
    expect(decodeContractError(revert("NodeRegistryUnknownNode", [9n]), abi)).to.be.instanceOf(
      UnknownOnChainIdError,
    );
    expect(
      decodeContractError(revert("NodeRegistryInsufficientFreeBond", [1n, 2n, 3n]), abi),
    ).to.be.instanceOf(InsufficientFundsError);
    expect(decodeContractError(revert("EnforcedPause", []), abi)).to.be.instanceOf(PausedError);
    const generic = decodeContractError(revert("NodeRegistryBadStatus", [1n, 2]), abi);
    expect(generic).to.be.instanceOf(NodeRegistryError);
    expect((generic as ContractRevertedError).namedArgs).to.deep.equal({ nodeId: 1n, status: 2 });
    const other = decodeContractError(revert("JobMarketSomethingNew", ["0x" + "ab".repeat(32)]), [abi]);
    expect(other.name).to.equal("JobMarketError");
  });

  it("uses viem's own decoding when the call's ABI had the error", () => {
    const data = encodeErrorResult({ abi, errorName: "NodeRegistryZeroAmount" });
    const inner = new ContractFunctionRevertedError({ abi, data, functionName: "bond" });
    const e = decodeContractError(inner, []) as ContractRevertedError;
    expect(e.errorName).to.equal("NodeRegistryZeroAmount");
    expect(e.args).to.deep.equal([]);
  });

  it("wraps an undecodable error in a SandrunError that keeps the cause", () => {
    const cause = new BaseError("execution reverted");
    const e = decodeContractError(cause, abi);
    expect(e).to.be.instanceOf(SandrunError).and.not.instanceOf(ContractRevertedError);
    expect(e.cause).to.equal(cause);
    const unknownSelector = decodeContractError({ data: "0xdeadbeef" }, abi);
    expect(unknownSelector.details).to.contain("0xdeadbeef");
  });
});
