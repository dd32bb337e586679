/**
 * Byte helpers shared by specs and outputs: strict base64 and canonical JSON. Browser-safe
 * (uses `atob`/`btoa`, present in browsers and Node 22).
 * @module
 */

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Encodes bytes as standard, padded base64.
 *
 * @example
 * ```ts
 * bytesToBase64(new Uint8Array([104, 105])); // "aGk="
 * ```
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked so huge inputs do not overflow the argument limit of String.fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * True when `text` is standard, padded base64 (what {@link bytesToBase64} produces), the
 * only form a spec's base64 fields accept.
 *
 * @example
 * ```ts
 * import { isBase64 } from "sandrun/client/job/spec-encoding.ts";
 * isBase64("aGk="); // true
 * isBase64("aGk"); // false (unpadded)
 * ```
 */
export function isBase64(text: string): boolean {
  return BASE64_RE.test(text);
}

/**
 * Decodes standard, padded base64; throws a `TypeError` on anything else (no whitespace,
 * no URL-safe alphabet), so one byte string has exactly one accepted encoding.
 *
 * @example
 * ```ts
 * base64ToBytes("aGk="); // Uint8Array [104, 105]
 * ```
 */
export function base64ToBytes(text: string): Uint8Array {
  if (!isBase64(text)) throw new TypeError("not canonical base64");
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** A JSON value as the canonical encoder accepts it: no floats, no undefined inside arrays. */
export type CanonicalJson =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalJson[]
  | { readonly [key: string]: CanonicalJson | undefined };

/**
 * Canonical JSON text: object keys sorted by UTF-16 code units, no whitespace, `undefined`
 * members omitted, integers only. For these types this equals RFC 8785 (JCS), so other
 * languages can reproduce the bytes.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: "x" }); // '{"a":"x","b":1}'
 * ```
 */
export function canonicalJson(value: CanonicalJson): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`non-integer number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${(value as readonly CanonicalJson[]).map(canonicalJson).join(",")}]`;
  }
  const object = value as { readonly [key: string]: CanonicalJson | undefined };
  const members = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as CanonicalJson)}`);
  return `{${members.join(",")}}`;
}
