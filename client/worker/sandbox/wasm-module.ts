/**
 * Checks and rewrites a WebAssembly binary before it runs: only WASI preview1 imports, one
 * non-shared 32-bit memory defined by the module (not imported), and that memory's maximum
 * lowered to the job's memory limit. The engine then refuses every `memory.grow` past the
 * limit (it returns -1), which is exact enforcement rather than a watchdog.
 * @module
 */

/**
 * Bytes in one WebAssembly page (64 KiB).
 *
 * @example
 * ```ts
 * import { WASM_PAGE } from "sandrun/client/worker/sandbox/wasm-module.ts";
 * const maxPages = Math.floor((128 * 1024 * 1024) / WASM_PAGE); // 2048 pages for 128 MiB
 * ```
 */
export const WASM_PAGE = 65536;

/** The module, ready to run, and what was checked. */
export type PreparedModule = { bytes: Uint8Array; maxPages: number; initialPages: number };

/**
 * Thrown for modules the sandbox will not run; `message` is the one-line reason.
 *
 * @example
 * ```ts
 * import { prepareModule, WasmModuleRejected } from "sandrun/client/worker/sandbox/wasm-module.ts";
 * try {
 *   prepareModule(bytes, 128);
 * } catch (error) {
 *   if (error instanceof WasmModuleRejected) console.error(`refused: ${error.message}`);
 * }
 * ```
 */
export class WasmModuleRejected extends Error {
  override name = "WasmModuleRejected";
}

class Reader {
  offset: number;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }
  byte(): number {
    if (this.offset >= this.bytes.length) throw new WasmModuleRejected("truncated module");
    return this.bytes[this.offset++] as number;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 35) throw new WasmModuleRejected("malformed LEB128");
    }
    return result;
  }
  name(): string {
    const length = this.u32();
    const start = this.offset;
    this.offset += length;
    if (this.offset > this.bytes.length) throw new WasmModuleRejected("truncated name");
    return new TextDecoder().decode(this.bytes.subarray(start, this.offset));
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/**
 * Import modules a job may use: WASI preview1 only, so a module reaches nothing but the
 * sandbox's own WASI implementation.
 *
 * @example
 * ```ts
 * import { ALLOWED_IMPORT_MODULES } from "sandrun/client/worker/sandbox/wasm-module.ts";
 * ALLOWED_IMPORT_MODULES.includes("env"); // false: a module importing env.* is rejected
 * ```
 */
export const ALLOWED_IMPORT_MODULES = ["wasi_snapshot_preview1"];

function checkImports(r: Reader): void {
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    if (!ALLOWED_IMPORT_MODULES.includes(module)) {
      throw new WasmModuleRejected(`import ${module}.${name} is not allowed (WASI preview1 only)`);
    }
    if (kind !== 0) {
      throw new WasmModuleRejected(`import ${module}.${name} is not a function (kind ${kind})`);
    }
    r.u32(); // type index
  }
}

/**
 * Validates `bytes` and returns a copy whose memory maximum is at most `memoryMb` MiB.
 *
 * @throws {WasmModuleRejected} invalid module, foreign imports, imported/shared/64-bit or
 *   multiple memories, an initial size above the limit, or no memory at all.
 * @example
 * ```ts
 * import { base64ToBytes } from "sandrun/client/job/spec-encoding.ts";
 * import { prepareModule } from "sandrun/client/worker/sandbox/wasm-module.ts";
 * const { bytes, maxPages } = prepareModule(base64ToBytes(spec.code), spec.limits.memoryMb);
 * ```
 */
export function prepareModule(bytes: Uint8Array, memoryMb: number): PreparedModule {
  // Validation decodes without compiling (linear time); the import section is read by hand so
  // that nothing is compiled on the caller's thread (compilation happens in the job's thread).
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    throw new WasmModuleRejected("not a valid WebAssembly module");
  }
  const capPages = Math.floor((memoryMb * 1024 * 1024) / WASM_PAGE);
  const r = new Reader(bytes, 8);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let memories = 0;
  let initialPages = 0;
  while (r.offset < bytes.length) {
    const start = r.offset;
    const id = r.byte();
    const size = r.u32();
    const contentStart = r.offset;
    const end = contentStart + size;
    if (id === 2) checkImports(new Reader(bytes.subarray(contentStart, end)));
    if (id !== 5) {
      parts.push(bytes.subarray(start, end));
      r.offset = end;
      continue;
    }
    const count = r.u32();
    if (count !== 1) throw new WasmModuleRejected(`${count} memories; exactly one is supported`);
    memories = count;
    const flags = r.byte();
    if ((flags & ~1) !== 0) throw new WasmModuleRejected("shared or 64-bit memories are not supported");
    const min = r.u32();
    const max = flags & 1 ? r.u32() : Infinity;
    if (min > capPages) {
      throw new WasmModuleRejected(`initial memory ${min} pages is above the limit of ${capPages} pages`);
    }
    initialPages = min;
    const newMax = Math.min(max, capPages);
    const content = [...leb(1), 0x01, ...leb(min), ...leb(newMax)];
    parts.push(Uint8Array.from([5, ...leb(content.length), ...content]));
    r.offset = end;
  }
  if (memories === 0)
    throw new WasmModuleRejected("the module defines no memory (WASI needs an exported memory)");
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return { bytes: out, maxPages: capPages, initialPages };
}
