/**
 * Reads the bytes behind a URI with a size limit and a timeout: `data:` and `http(s):`
 * here (browser-safe); other schemes (`file:`) through loaders the caller passes in (the
 * worker's Node-only loader lives in client/worker/spec-file.ts).
 * @module
 */
import { UriFetchError, UriTooLargeError } from "./spec-errors.ts";
import { base64ToBytes } from "./spec-encoding.ts";

/** Reads one URI scheme; must honour `maxBytes` (throw {@link UriTooLargeError}). */
export type UriLoader = (
  uri: string,
  options: { maxBytes: number; timeoutMs: number },
) => Promise<Uint8Array>;

/** Options of {@link loadUri}. */
export type LoadUriOptions = {
  /** Refuse documents larger than this (default 1 MiB). */
  maxBytes?: number;
  /** Give up on network fetches after this long (default 10 s). */
  timeoutMs?: number;
  /** Extra loaders by scheme without the colon, e.g. `{ file: fileLoader }`. */
  loaders?: Readonly<Record<string, UriLoader>>;
  /** The `fetch` to use for http(s) (default: the global one). */
  fetch?: typeof globalThis.fetch;
};

/**
 * Default size limit of a spec or fetched output in {@link loadUri}: 1 MiB.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_BYTES, loadUri } from "sandrun/client/job/spec-fetch.ts";
 * const bytes = await loadUri(uri, { maxBytes: 4 * DEFAULT_MAX_BYTES });
 * ```
 */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
/**
 * Default network timeout of {@link loadUri}'s http(s) fetches: 10 s.
 *
 * @example
 * ```ts
 * import { DEFAULT_TIMEOUT_MS, loadUri } from "sandrun/client/job/spec-fetch.ts";
 * const bytes = await loadUri(uri, { timeoutMs: 3 * DEFAULT_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Loads the bytes behind `uri`. Supports `data:` (base64 or percent-encoded), `http:` and
 * `https:` (streamed, stopped at `maxBytes`), and any scheme in `options.loaders`.
 *
 * @throws {UriFetchError} unknown scheme, malformed data URI, HTTP error or timeout.
 * @throws {UriTooLargeError} more than `maxBytes` bytes.
 * @example
 * ```ts
 * import { loadUri } from "sandrun/client/job/spec-fetch.ts";
 * const bytes = await loadUri("data:,hello", { maxBytes: 16 });
 * ```
 */
export async function loadUri(uri: string, options: LoadUriOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new UriFetchError(uri, "not an absolute URI");
  const custom = options.loaders?.[scheme];
  if (custom) return custom(uri, { maxBytes, timeoutMs });
  if (scheme === "data") return loadDataUri(uri, maxBytes);
  if (scheme === "http" || scheme === "https") {
    return loadHttp(uri, maxBytes, timeoutMs, options.fetch ?? globalThis.fetch);
  }
  throw new UriFetchError(uri, `unsupported scheme "${scheme}:"`);
}

function loadDataUri(uri: string, maxBytes: number): Uint8Array {
  const comma = uri.indexOf(",");
  if (comma < 0) throw new UriFetchError(uri, "malformed data: URI (no comma)");
  const meta = uri.slice(5, comma);
  const payload = uri.slice(comma + 1);
  // Cheap bound before decoding: base64 is 4/3 of the bytes, percent-encoding at least 1/1.
  if (payload.length > Math.ceil((maxBytes * 4) / 3) + 4) throw new UriTooLargeError(uri, maxBytes);
  let bytes: Uint8Array;
  try {
    bytes = meta.endsWith(";base64")
      ? base64ToBytes(payload)
      : new TextEncoder().encode(decodeURIComponent(payload));
  } catch (error) {
    throw new UriFetchError(uri, "malformed data: URI payload", error);
  }
  if (bytes.length > maxBytes) throw new UriTooLargeError(uri, maxBytes);
  return bytes;
}

async function loadHttp(
  uri: string,
  maxBytes: number,
  timeoutMs: number,
  fetchFn: typeof globalThis.fetch,
): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchFn(uri, { signal: controller.signal, redirect: "follow" });
    if (!response.ok) throw new UriFetchError(uri, `HTTP ${response.status}`);
    const declared = Number(response.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > maxBytes) {
      controller.abort();
      throw new UriTooLargeError(uri, maxBytes);
    }
    if (!response.body) return new Uint8Array(0);
    // Stream and count: a server may lie about (or omit) Content-Length.
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        controller.abort();
        throw new UriTooLargeError(uri, maxBytes);
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  } catch (error) {
    if (error instanceof UriFetchError || error instanceof UriTooLargeError) throw error;
    const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : "network error";
    throw new UriFetchError(uri, reason, error);
  } finally {
    clearTimeout(timer);
  }
}
