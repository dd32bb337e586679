/**
 * Reads a deployment file: either plain addresses (`{ "nodeRegistry": "0x…", "poolRegistry":
 * "0x…", "jobMarket": "0x…", "deployBlock": "0" }`) or Hardhat Ignition's
 * `deployed_addresses.json` (`{ "Sandrun#JobMarket": "0x…", … }`).
 * @module
 */
import { readFileSync } from "node:fs";
import { isAddress, type Address } from "viem";
import { ValidationError } from "../../errors/input.ts";

/** Addresses of a Sandrun deployment. */
export type DeploymentFile = {
  nodeRegistry: Address;
  poolRegistry: Address;
  jobMarket: Address;
  deployBlock: bigint;
};

/**
 * @throws {ValidationError} naming every missing or malformed address.
 * @example
 * ```ts
 * import { readDeployment } from "sandrun/client/worker/daemon/deployment.ts";
 * const d = readDeployment("ignition/deployments/chain-31337/deployed_addresses.json");
 * ```
 */
export function readDeployment(path: string): DeploymentFile {
  const raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const pick = (key: string): unknown => raw[key] ?? raw[`Sandrun#${key[0]!.toUpperCase()}${key.slice(1)}`];
  const issues: { field: string; message: string }[] = [];
  const addr = (key: string): Address => {
    const v = pick(key);
    if (typeof v !== "string" || !isAddress(v)) issues.push({ field: key, message: "must be a 0x address" });
    return v as Address;
  };
  const d = {
    nodeRegistry: addr("nodeRegistry"),
    poolRegistry: addr("poolRegistry"),
    jobMarket: addr("jobMarket"),
    deployBlock: BigInt((raw.deployBlock as string | number | undefined) ?? 0),
  };
  if (issues.length) throw new ValidationError(`deployment file ${path}`, issues);
  return d;
}
