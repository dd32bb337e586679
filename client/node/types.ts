/**
 * The original design's input types for NodeBuilder (spec/pool-management.md), widened where
 * the design's own examples write values differently (sizes as `'24GB'` strings, omitted
 * fields). Each widening is listed in the README's deviations.
 */
import type { Discounts } from "../money/discounts.ts";

/** A size: a number in the field's unit (GB) or a string with a unit (`'24GB'`, `'4TB'`, `'512MB'`). */
export type Size = number | string;

/** GPU specs (`NodeBuilder.gpu`). `computeCapability` defaults to 0 (unknown), `interconnect` to none. */
export type GPUSpecs = {
  type: string;
  memory: Size;
  count: number;
  computeCapability?: number;
  interconnect?: "nvlink" | "infiniband";
};

/** CPU specs (`NodeBuilder.cpu`). `architecture` defaults to `'x86_64'`, `features` to `[]`. */
export type CPUSpecs = {
  architecture?: "x86_64" | "arm64";
  cores: number;
  threads: number;
  /** MHz */
  frequency: number;
  features?: string[];
};

/** Memory specs. `type` defaults to `'ddr4'`, `speed` (MHz) to 0 (unknown). */
export type MemorySpecs = { total: Size; type?: "ddr4" | "ddr5" | "hbm"; speed?: number };

/** Storage specs (`NodeBuilder.storage`). `type` defaults to `'ssd'`, `iops` to 0 (unknown). */
export type StorageSpecs = { type?: "ssd" | "nvme" | "hdd"; capacity: Size; iops?: number };

/** Network specs: Mbps and ms to major regions. */
export type NetworkSpecs = { bandwidth: number; latency: number };

/** Specialised hardware: described in the metadata document only (not filtered on-chain). */
export type SpecializedSpecs = { fpga?: unknown; asic?: unknown; quantum?: unknown };

/**
 * What a node declares (`NodeBuilder.capabilities`). `gpu` is optional; every other section is
 * optional too for the builder's piecewise methods, but `validate()` requires `cpu` and `memory`.
 */
export type NodeCapabilities = {
  gpu?: GPUSpecs | undefined;
  cpu?: CPUSpecs | undefined;
  memory?: MemorySpecs | undefined;
  storage?: StorageSpecs | undefined;
  network?: NetworkSpecs | undefined;
  specialized?: SpecializedSpecs | undefined;
};

/** Prices of GPU time; `discounts` may sit here (as the design's Professional example does). */
export type GPUPricing = {
  perHour: string;
  perJob?: string;
  /** Off-chain only (metadata): the registry has no per-compute price. */
  perCompute?: string;
  discounts?: Discounts;
};

/**
 * The design's `PricingModel`, every section optional (a node may price only GPU and CPU).
 * Amounts are decimal strings in `currency` units. Unpriced items are 0 on-chain.
 */
export type PricingModel = {
  gpu?: GPUPricing;
  cpu?: { perCoreHour: string };
  memory?: { perGBHour: string };
  storage?: { perGBHour: string };
  network?: { perGBTransfer: string };
  minimumJob?: string;
  /** A token symbol the deployment knows (`'ETH'`, `'USDC'`). */
  currency: string;
  discounts?: Discounts;
};

/** When the node is available (metadata). */
export type AvailabilitySchedule = {
  /** `'24/7'`, or a free-form description such as `'weekdays 08:00-20:00 UTC'`. */
  schedule: string;
  /** ISO-8601 instants when the node will be down for maintenance. */
  plannedMaintenance?: string[];
  timezone?: string;
};

/** An insurance policy backing the node (metadata; the registry does not enforce it). */
export type InsurancePolicy = { provider: string; coverage: string; currency: string; policyId?: string };

/** A way to pay the node: a token symbol (`'ETH'`, `'USDC'`) or `{ token }`. */
export type PaymentMethod = string | { token: string };
