/**
 * The node's metadata document: everything the registry does not filter on (alias, CPU
 * features, availability, insurance, payment methods, off-chain prices and discounts,
 * benchmark results, status endpoint). It is serialised as canonical JSON (keys sorted, no
 * whitespace) so its keccak256 hash is reproducible; the hash and a URI go on-chain. By default
 * the URI is a `data:application/json;base64,…` URI: real and readable without any server.
 * Browser-safe: uses only `TextEncoder`, `btoa`/`atob` and `fetch`.
 */
import { keccak256, toBytes } from "viem";
import type { Hex } from "viem";
import { SandrunError } from "../errors/base.ts";
import type { Discounts } from "../money/discounts.ts";
import type { AvailabilitySchedule, InsurancePolicy, SpecializedSpecs } from "./types.ts";

/** The metadata document's schema (version 1). */
export type NodeMetadata = {
  readonly schema: "sandrun.node/1";
  readonly alias?: string;
  readonly cpuFeatures?: readonly string[];
  readonly availability?: AvailabilitySchedule;
  readonly insurance?: InsurancePolicy;
  /** Token symbols the node accepts. */
  readonly paymentMethods?: readonly string[];
  /** Off-chain price parts, in the pricing currency's units. */
  readonly pricing?: { readonly perCompute?: string; readonly discounts?: Discounts };
  readonly specialized?: SpecializedSpecs;
  /** Benchmark results the worker measured (free-form numbers by name). */
  readonly benchmarks?: Readonly<Record<string, number | string>>;
  /** An HTTP(S) URL answering the node's live status. */
  readonly statusEndpoint?: string;
};

/**
 * JSON with object keys sorted at every level and no whitespace; `undefined` members dropped.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "sandrun/client/node/metadata.ts";
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new SandrunError("Metadata holds a non-finite number.");
    if (typeof value === "bigint") return JSON.stringify(value.toString());
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The encoded document: canonical JSON, its hash and a URI. */
export type EncodedMetadata = { readonly json: string; readonly hash: Hex; readonly uri: string };

/**
 * Encodes a metadata document: canonical JSON, keccak256 of its UTF-8 bytes, and a data URI
 * (or `uri` when the operator hosts the document elsewhere).
 *
 * @example
 * ```ts
 * import { encodeMetadata } from "sandrun/client/node/metadata.ts";
 * const { hash, uri } = encodeMetadata({ schema: "sandrun.node/1", alias: "my-rig" });
 * ```
 */
export function encodeMetadata(doc: NodeMetadata, uri?: string): EncodedMetadata {
  const json = canonicalJson(doc);
  const bytes = new TextEncoder().encode(json);
  return Object.freeze({
    json,
    hash: keccak256(bytes),
    uri: uri ?? `data:application/json;base64,${bytesToBase64(bytes)}`,
  });
}

/**
 * The metadata document could not be fetched, parsed or did not match its on-chain hash;
 * {@link fetchMetadata} throws it so a caller never trusts an unverified document.
 *
 * @example
 * ```ts
 * import { fetchMetadata, MetadataError } from "sandrun/client/node/metadata.ts";
 * try {
 *   await fetchMetadata(uri, node.metadataHash);
 * } catch (e) {
 *   if (e instanceof MetadataError) console.log(e.shortMessage); // "Metadata does not match its on-chain hash."
 * }
 * ```
 */
export class MetadataError extends SandrunError {
  override name = "MetadataError";
}

/**
 * Reads a metadata document from its URI (`data:` URIs decode locally; http(s) uses `fetch`)
 * and checks it against the on-chain hash.
 *
 * @example
 * ```ts
 * import { fetchMetadata } from "sandrun/client/node/metadata.ts";
 * const doc = await fetchMetadata(uri, node.metadataHash);
 * ```
 */
export async function fetchMetadata(uri: string, expectedHash?: Hex): Promise<NodeMetadata> {
  let bytes: Uint8Array;
  const data = /^data:application\/json(?:;charset=utf-8)?;base64,([A-Za-z0-9+/=]*)$/.exec(uri);
  if (data) bytes = base64ToBytes(data[1]!);
  else if (/^https?:\/\//.test(uri)) {
    const res = await fetch(uri);
    if (!res.ok)
      throw new MetadataError(`Fetching node metadata failed: HTTP ${res.status}.`, { details: uri });
    bytes = new Uint8Array(await res.arrayBuffer());
  } else throw new MetadataError("Unsupported metadata URI scheme.", { details: uri.slice(0, 64) });
  if (expectedHash !== undefined && keccak256(bytes) !== expectedHash.toLowerCase())
    throw new MetadataError("Metadata does not match its on-chain hash.", {
      details: `${keccak256(bytes)} != ${expectedHash}`,
    });
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as NodeMetadata;
  } catch (e) {
    throw new MetadataError("Metadata is not valid JSON.", { cause: e });
  }
}

/**
 * Hashes a document already in canonical form (what the registry stores).
 * @example
 * ```ts
 * metadataHash('{"schema":"sandrun.node/1"}');
 * ```
 */
export function metadataHash(json: string): Hex {
  return keccak256(toBytes(json));
}
