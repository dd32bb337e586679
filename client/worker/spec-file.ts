/**
 * Node-only loading of `file:` URIs for specs and outputs, confined to directories the
 * operator allows (a requester must not make a worker read arbitrary local files).
 * @module
 */
import { open, realpath } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sep } from "node:path";
import type { Hex } from "viem";
import { fetchSpec, type FetchedSpec } from "../job/spec.ts";
import { UriFetchError, UriTooLargeError } from "../job/spec-errors.ts";
import type { LoadUriOptions, UriLoader } from "../job/spec-fetch.ts";

/**
 * A `file:` loader that reads only inside `roots` (after resolving symlinks) and stops at
 * `maxBytes`.
 *
 * @example
 * ```ts
 * import { fileLoader } from "sandrun/client/worker/spec-file.ts";
 * const loaders = { file: fileLoader(["/srv/specs"]) };
 * ```
 */
export function fileLoader(roots: readonly string[]): UriLoader {
  return async (uri, { maxBytes }) => {
    let path: string;
    try {
      path = await realpath(fileURLToPath(uri));
    } catch (error) {
      throw new UriFetchError(uri, "no such file", error);
    }
    const allowed = await Promise.all(roots.map((r) => realpath(r).catch(() => undefined)));
    if (!allowed.some((root) => root !== undefined && (path === root || path.startsWith(root + sep)))) {
      throw new UriFetchError(uri, "outside the directories this worker serves files from");
    }
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw new UriTooLargeError(uri, maxBytes);
      const buffer = new Uint8Array(size);
      const { bytesRead } = await handle.read(buffer, 0, size, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  };
}

/**
 * {@link fetchSpec} with `file:` support (inside `fileRoots`; none by default, so `file:`
 * is refused unless the operator names directories).
 *
 * @example
 * ```ts
 * import { fetchSpecNode } from "sandrun/client/worker/spec-file.ts";
 * const { spec } = await fetchSpecNode(job.specUri, job.specHash, { fileRoots: ["/srv/specs"] });
 * ```
 */
export function fetchSpecNode(
  uri: string,
  expectedHash: Hex,
  options: LoadUriOptions & { fileRoots?: readonly string[] } = {},
): Promise<FetchedSpec> {
  const { fileRoots = [], ...rest } = options;
  return fetchSpec(uri, expectedHash, { ...rest, loaders: { file: fileLoader(fileRoots), ...rest.loaders } });
}
