/**
 * Maps a contract's deployed program counters to Solidity source lines, from the compiler's
 * source maps in Hardhat's build info, so that a trace's gas can be charged to the lines that
 * spent it (`LINES=1 node scripts/bench/profile-market.ts`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Output {
  sources: Record<string, { id: number }>;
  contracts: Record<
    string,
    Record<string, { evm: { deployedBytecode: { object: string; sourceMap: string } } }>
  >;
}

/** pc → "file:line" for one contract (`contracts/<name>.sol`), from the build info its artifact names. */
export function sourceLinesOf(contract: string, root = "artifacts"): Map<number, string> | undefined {
  const artifact = join(root, "contracts", `${contract}.sol`, `${contract}.json`);
  if (!existsSync(artifact)) return undefined;
  const { buildInfoId } = JSON.parse(readFileSync(artifact, "utf8")) as { buildInfoId: string };
  const path = join(root, "build-info", `${buildInfoId}.output.json`);
  const output = (JSON.parse(readFileSync(path, "utf8")) as { output: Output }).output;
  for (const [file, contracts] of Object.entries(output.contracts)) {
    const c = contracts[contract];
    if (!c) continue;
    const files = new Map(Object.entries(output.sources).map(([source, s]) => [s.id, source]));
    return pcToLine(c.evm.deployedBytecode, files, file);
  }
  return undefined;
}

function pcToLine(
  code: { object: string; sourceMap: string },
  files: Map<number, string>,
  fallback: string,
): Map<number, string> {
  const bytes = Buffer.from(code.object, "hex");
  const entries = code.sourceMap.split(";");
  // Source map offsets count bytes of the UTF-8 source, so lines are counted in bytes too.
  const texts = new Map<string, Buffer>();
  const lineAt = (path: string, offset: number) => {
    let text = texts.get(path);
    if (text === undefined) {
      text = existsSync(path.replace(/^project\//, ""))
        ? readFileSync(path.replace(/^project\//, ""))
        : Buffer.alloc(0);
      texts.set(path, text);
    }
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++) if (text[i] === 10) line++;
    return `${path.replace(/^project\/contracts\//, "")}:${line}`;
  };
  const map = new Map<number, string>();
  let s = 0;
  let f = -1;
  let pc = 0;
  for (let i = 0; i < entries.length && pc < bytes.length; i++) {
    const [start, , file] = entries[i]!.split(":");
    if (start) s = Number(start);
    if (file) f = Number(file);
    const path = files.get(f);
    map.set(pc, path ? lineAt(path, s) : `${fallback}:?`);
    const op = bytes[pc]!;
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
  }
  return map;
}
