/**
 * The library's core must run in a browser: nothing reachable from `client/index.ts` through
 * static imports may be a Node.js built-in. Node-only conveniences (JobExecution.downloadTo,
 * file inputs of JobBuilder) load `node:fs` lazily with a dynamic import, which a bundler keeps
 * out of the browser path; they are listed here so a new one is a deliberate choice.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "mocha";

const root = resolve(import.meta.dirname, "..", "..");
const STATIC_IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gms;
const SIDE_EFFECT_IMPORT = /^\s*import\s+["']([^"']+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
const ALLOWED_DYNAMIC = new Set([
  "client/job/JobBuilder.ts node:fs/promises",
  "client/job/JobExecution.ts node:fs/promises",
]);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0] ?? "");
}

/** Every file reachable from `entry` by static imports, with the bare and dynamic specifiers found. */
function walk(entry: string) {
  const seen = new Set<string>();
  const bare: { file: string; specifier: string }[] = [];
  const dynamic: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    const specifiers = [...source.matchAll(STATIC_IMPORT), ...source.matchAll(SIDE_EFFECT_IMPORT)].map(
      (m) => m[1] as string,
    );
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) queue.push(join(dirname(file), specifier));
      else bare.push({ file: relative(root, file), specifier });
    }
    for (const m of source.matchAll(DYNAMIC_IMPORT))
      dynamic.push(`${relative(root, file)} ${m[1] as string}`);
  }
  return { files: seen, bare, dynamic };
}

describe("client core is browser-safe", () => {
  const { files, bare, dynamic } = walk(join(root, "client", "index.ts"));

  it("reaches the requester's and the node operator's API from client/index.ts", () => {
    const reached = [...files].map((f) => relative(root, f));
    for (const expected of [
      "client/pool/PoolBuilder.ts",
      "client/job/JobBuilder.ts",
      "client/node/builder.ts",
      "client/discovery/index.ts",
    ])
      expect(reached).to.include(expected);
    expect(reached.some((f) => f.startsWith("client/worker/") || f.startsWith("client/cli/"))).to.equal(
      false,
    );
  });

  it("imports no Node.js built-in statically", () => {
    expect(bare.filter((b) => isBuiltin(b.specifier))).to.deep.equal([]);
  });

  it("loads Node.js built-ins lazily only where listed", () => {
    expect(dynamic.filter((d) => isBuiltin(d.split(" ")[1] ?? "") && !ALLOWED_DYNAMIC.has(d))).to.deep.equal(
      [],
    );
  });
});
