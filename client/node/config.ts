/**
 * The NodeBuilder's accumulated configuration, and its offline validation into everything
 * `register()` sends: capabilities and prices structs, the metadata document, signer and bond.
 * Validation never stops at the first problem.
 */
import { isHex } from "viem";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { SandrunError } from "../errors/base.ts";
import type { ValidationIssue } from "../errors/input.ts";
import { toBaseUnits } from "../money/amount.ts";
import type { Token, TokenRegistry } from "../money/tokens.ts";
import { Capabilities, readCapabilities } from "./capabilities.ts";
import { encodeMetadata } from "./metadata.ts";
import type { EncodedMetadata, NodeMetadata } from "./metadata.ts";
import { Prices, readPrices } from "./prices.ts";
import type {
  AvailabilitySchedule,
  InsurancePolicy,
  NodeCapabilities,
  PaymentMethod,
  PricingModel,
} from "./types.ts";

/** Everything a NodeBuilder has been told, frozen. */
export type NodeConfig = {
  readonly privateKey?: string | undefined;
  readonly alias?: string | undefined;
  readonly capabilities: NodeCapabilities;
  readonly region?: string | undefined;
  readonly availability?: AvailabilitySchedule | undefined;
  readonly pricing?: PricingModel | undefined;
  readonly paymentMethods?: readonly PaymentMethod[] | undefined;
  readonly bond?: { readonly amount: string; readonly token: string } | undefined;
  readonly insurance?: InsurancePolicy | undefined;
  readonly statusEndpoint?: string | undefined;
  readonly benchmarks?: Readonly<Record<string, number | string>> | undefined;
  readonly metadataURI?: string | undefined;
};

/** What `register()` sends, derived from a valid config. */
export type RegistrationPlan = {
  readonly capabilities: Capabilities;
  readonly prices: Prices;
  readonly metadata: EncodedMetadata;
  readonly document: NodeMetadata;
  /** The signer derived from `identity(privateKey)`, or undefined (the owner's wallet signs). */
  readonly signer: { readonly address: Address; readonly publicKey: Hex } | undefined;
  readonly bond: { readonly token: Token; readonly amount: bigint };
};

/** The result of `validate()`, as the design's `ValidationResult`. */
export type ValidationResult = { readonly valid: boolean; readonly issues: readonly ValidationIssue[] };

const UINT96_MAX = 2n ** 96n - 1n;

function methodSymbol(m: PaymentMethod): unknown {
  return typeof m === "string" ? m : m !== null && typeof m === "object" ? m.token : m;
}

function checkAvailability(a: AvailabilitySchedule | undefined, issues: ValidationIssue[]): void {
  if (a === undefined) return;
  if (a === null || typeof a !== "object")
    return void issues.push({ field: "availability", message: "must be an object" });
  if (typeof a.schedule !== "string" || a.schedule.trim() === "" || a.schedule.length > 200)
    issues.push({
      field: "availability.schedule",
      message: "must be a non-empty description such as '24/7' (≤ 200 chars)",
    });
  (a.plannedMaintenance ?? []).forEach((t, i) => {
    if (typeof t !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(t) || Number.isNaN(Date.parse(t)))
      issues.push({
        field: `availability.plannedMaintenance[${i}]`,
        message: "must be an ISO-8601 instant such as '2024-12-25T00:00:00Z'",
      });
  });
}

function checkInsurance(
  p: InsurancePolicy | undefined,
  tokens: TokenRegistry,
  issues: ValidationIssue[],
): void {
  if (p === undefined) return;
  if (p === null || typeof p !== "object")
    return void issues.push({ field: "insurance", message: "must be an object" });
  if (typeof p.provider !== "string" || p.provider.trim() === "")
    issues.push({ field: "insurance.provider", message: "is required" });
  const token = typeof p.currency === "string" ? tokens.find(p.currency) : undefined;
  if (!token)
    issues.push({ field: "insurance.currency", message: `unknown token ${JSON.stringify(p.currency)}` });
  try {
    toBaseUnits(p.coverage, token?.decimals ?? 18);
  } catch (e) {
    issues.push({
      field: "insurance.coverage",
      message: e instanceof SandrunError ? e.shortMessage : String(e),
    });
  }
}

/**
 * Validates a node configuration offline and, when valid, derives the registration plan.
 * Every problem is reported, field by field.
 *
 * @example
 * ```ts
 * import { planRegistration } from "sandrun/client/node/config.ts";
 * import { TokenRegistry } from "sandrun/client/money/index.ts";
 * const { issues, plan } = planRegistration({ capabilities: {} }, TokenRegistry.native());
 * issues.length > 0; // true: cpu, memory and pricing are missing
 * ```
 */
export function planRegistration(
  config: NodeConfig,
  tokens: TokenRegistry,
): { issues: ValidationIssue[]; plan: RegistrationPlan | null } {
  const issues: ValidationIssue[] = [];

  let signer: RegistrationPlan["signer"];
  if ("privateKey" in config) {
    const pk = config.privateKey;
    if (typeof pk !== "string" || !isHex(pk) || pk.length !== 66)
      issues.push({ field: "identity", message: "must be a 0x-prefixed 32-byte hex private key" });
    else {
      try {
        const account = privateKeyToAccount(pk as Hex);
        signer = { address: account.address, publicKey: account.publicKey };
      } catch {
        issues.push({ field: "identity", message: "is not a valid secp256k1 private key" });
      }
    }
  }

  if (
    config.alias !== undefined &&
    (typeof config.alias !== "string" || !/^[\w.-]{1,64}$/.test(config.alias))
  )
    issues.push({ field: "alias", message: "must be 1-64 letters, digits, '-', '_' or '.'" });

  const caps = readCapabilities(config.capabilities, config.region, "capabilities.");
  issues.push(...caps.issues);

  let prices: Prices | undefined;
  if (config.pricing === undefined)
    issues.push({ field: "pricing", message: "is required (at least one price and a currency)" });
  else {
    const p = readPrices(config.pricing, tokens);
    issues.push(...p.issues);
    if (p.data) prices = Prices.from(config.pricing, tokens);
  }

  const methods: string[] = [];
  if (config.paymentMethods !== undefined) {
    if (!Array.isArray(config.paymentMethods) || config.paymentMethods.length === 0)
      issues.push({ field: "paymentMethods", message: "must be a non-empty list of token symbols" });
    else
      config.paymentMethods.forEach((m, i) => {
        const symbol = methodSymbol(m);
        const token = typeof symbol === "string" ? tokens.find(symbol) : undefined;
        if (!token)
          issues.push({ field: `paymentMethods[${i}]`, message: `unknown token ${JSON.stringify(symbol)}` });
        else methods.push(token.symbol);
      });
    // Checked against the pricing currency even when the prices themselves have problems.
    const currency =
      typeof config.pricing?.currency === "string" ? tokens.find(config.pricing.currency) : undefined;
    if (currency && methods.length > 0 && !methods.includes(currency.symbol))
      issues.push({
        field: "paymentMethods",
        message: `must include the pricing currency ${currency.symbol}`,
      });
  }

  let bond: RegistrationPlan["bond"] = { token: tokens.get("ETH"), amount: 0n };
  if (config.bond !== undefined) {
    const token = tokens.find(config.bond.token);
    if (!token)
      issues.push({
        field: "bondAmount.token",
        message: `unknown token ${JSON.stringify(config.bond.token)}`,
      });
    try {
      const amount = toBaseUnits(config.bond.amount, token?.decimals ?? 18);
      if (amount > UINT96_MAX)
        issues.push({ field: "bondAmount.amount", message: "exceeds the registry's uint96 bond" });
      if (token) bond = { token, amount };
    } catch (e) {
      issues.push({
        field: "bondAmount.amount",
        message: e instanceof SandrunError ? e.shortMessage : String(e),
      });
    }
  }

  checkAvailability(config.availability, issues);
  checkInsurance(config.insurance, tokens, issues);
  if (config.statusEndpoint !== undefined && !/^https?:\/\/\S+$/.test(config.statusEndpoint))
    issues.push({ field: "statusEndpoint", message: "must be an http(s) URL" });

  if (issues.length > 0 || !prices) return { issues, plan: null };
  const capabilities = Capabilities.from(config.capabilities, config.region);
  const d = prices.data;
  const document: NodeMetadata = {
    schema: "sandrun.node/1",
    ...(config.alias !== undefined ? { alias: config.alias } : {}),
    ...(capabilities.data.cpu.features.length > 0 ? { cpuFeatures: capabilities.data.cpu.features } : {}),
    ...(config.availability !== undefined ? { availability: config.availability } : {}),
    ...(config.insurance !== undefined ? { insurance: config.insurance } : {}),
    ...(methods.length > 0 ? { paymentMethods: methods } : {}),
    ...(d.perCompute !== null || (d.discounts.volume?.length ?? 0) + (d.discounts.duration?.length ?? 0) > 0
      ? {
          pricing: {
            ...(d.perCompute !== null ? { perCompute: prices.toPricingModel().gpu?.perCompute } : {}),
            discounts: d.discounts,
          },
        }
      : {}),
    ...(config.capabilities.specialized !== undefined
      ? { specialized: config.capabilities.specialized }
      : {}),
    ...(config.benchmarks !== undefined ? { benchmarks: config.benchmarks } : {}),
    ...(config.statusEndpoint !== undefined ? { statusEndpoint: config.statusEndpoint } : {}),
  };
  return {
    issues,
    plan: Object.freeze({
      capabilities,
      prices,
      document,
      metadata: encodeMetadata(document, config.metadataURI),
      signer,
      bond,
    }),
  };
}
