/**
 * The programs the demo's jobs run, one per runtime: JavaScript, WebAssembly (WAT text compiled
 * with the `wabt` package at start-up, so no opaque binary is committed), and Python/bash
 * processes under bubblewrap. Each prints a short, checkable answer.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import wabtInit from "wabt";

/** Sum of the squares 1..1000, printed in decimal through WASI's fd_write. */
const SUM_OF_SQUARES_WAT = `
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "sum of squares 1..1000 = ")
  (func (export "_start")
    (local $i i64) (local $sum i64) (local $p i32)
    (local.set $i (i64.const 1))
    (loop $squares
      (local.set $sum (i64.add (local.get $sum) (i64.mul (local.get $i) (local.get $i))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $squares (i64.le_u (local.get $i) (i64.const 1000))))
    ;; digits are written backwards, ending with a newline at byte 200
    (i32.store8 (i32.const 200) (i32.const 10))
    (local.set $p (i32.const 200))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $sum) (i64.const 10)))))
      (local.set $sum (i64.div_u (local.get $sum) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $sum) (i64.const 0))))
    ;; two iovecs at 0: the label, then the digits and newline; bytes written at 16
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 25))
    (i32.store (i32.const 8) (local.get $p))
    (i32.store (i32.const 12) (i32.sub (i32.const 201) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 16)))))
`;

/** Reads stdin and writes it back upper-cased (ASCII). */
const UPPER_WAT = `
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $n i32) (local $i i32) (local $c i32)
    (loop $chunks
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 4096))
      (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
      (local.set $n (i32.load (i32.const 16)))
      (if (i32.gt_u (local.get $n) (i32.const 0))
        (then
          (local.set $i (i32.const 0))
          (loop $bytes
            (local.set $c (i32.load8_u (i32.add (i32.const 1024) (local.get $i))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
              (then (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $bytes (i32.lt_u (local.get $i) (local.get $n))))
          (i32.store (i32.const 4) (local.get $n))
          (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
          (br $chunks))))))
`;

/** Counts the primes below 50,000 with a sieve. */
export const PRIMES_JS = `
const n = 50000, sieve = new Uint8Array(n);
let count = 0;
for (let i = 2; i < n; i++) {
  if (sieve[i]) continue;
  count++;
  for (let j = i * i; j < n; j += i) sieve[j] = 1;
}
console.log("primes below " + n + ": " + count);
`.trim();

/** The 90th Fibonacci number, exactly (BigInt). */
export const FIBONACCI_JS = `
let a = 0n, b = 1n;
for (let i = 0; i < 90; i++) [a, b] = [b, a + b];
console.log("fib(90) = " + a);
`.trim();

/** A word count in Python. */
export const WORDS_PY = `
import collections
text = "the quick brown fox jumps over the lazy dog the end"
top = collections.Counter(text.split()).most_common(2)
print("top words:", ", ".join(f"{w} x{n}" for w, n in top))
`.trim();

/** Shell arithmetic in bash. */
export const ANSWER_SH = `echo "6 * 7 = $((6 * 7)) (by $(basename "$BASH"))"`;

/** The compiled WebAssembly programs. */
export type WasmPrograms = { readonly sumOfSquares: Uint8Array; readonly upper: Uint8Array };

/** Compiles the WAT programs with wabt. */
export async function compileWasm(): Promise<WasmPrograms> {
  const wabt = await wabtInit();
  const compile = (name: string, text: string): Uint8Array => {
    const module = wabt.parseWat(`${name}.wat`, text);
    try {
      return new Uint8Array(module.toBinary({}).buffer);
    } finally {
      module.destroy();
    }
  };
  return { sumOfSquares: compile("sum-of-squares", SUM_OF_SQUARES_WAT), upper: compile("upper", UPPER_WAT) };
}

/** Whether this machine can run `process` jobs: the workers refuse them without bubblewrap. */
export function hasBubblewrap(): boolean {
  return existsSync("/usr/bin/bwrap");
}

/** Whether `python3` runs here (the Python job is skipped, with a note, when it does not). */
export function hasPython(): boolean {
  return spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0;
}
