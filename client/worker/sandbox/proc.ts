/**
 * Reading processes from Linux /proc: the tree under a pid, its resident memory and CPU.
 * The watchdog samples this every few ms; it is how a limit on a whole process tree is
 * enforced without cgroups (which are not available everywhere).
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** The fields of /proc/<pid>/stat the sandbox uses. */
export type ProcStat = {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime in clock ticks: the process and its reaped children. */
  cpuTicks: number;
  /** Resident set, KiB. */
  rssKb: number;
};

let pageKb = 0;
let ticksPerSecond = 0;

function constants(): { pageKb: number; ticksPerSecond: number } {
  if (pageKb === 0) {
    const conf = (name: string, fallback: number): number => {
      try {
        const value = Number(execFileSync("getconf", [name], { encoding: "utf8" }).trim());
        return Number.isFinite(value) && value > 0 ? value : fallback;
      } catch {
        return fallback;
      }
    };
    pageKb = conf("PAGESIZE", 4096) / 1024;
    ticksPerSecond = conf("CLK_TCK", 100);
  }
  return { pageKb, ticksPerSecond };
}

/**
 * Milliseconds per clock tick of /proc CPU counters (10 ms at the usual 100 Hz).
 *
 * @example
 * ```ts
 * import { msPerTick, parseStatLine } from "sandrun/client/worker/sandbox/proc.ts";
 * const cpuMs = (parseStatLine(line)?.cpuTicks ?? 0) * msPerTick();
 * ```
 */
export function msPerTick(): number {
  return 1000 / constants().ticksPerSecond;
}

/**
 * Parses one /proc/<pid>/stat line (as the kernel prints it, or as `cat` copies it).
 * The command name may contain spaces and parentheses, so fields are read after the last ')'.
 *
 * @example
 * ```ts
 * import { parseStatLine } from "sandrun/client/worker/sandbox/proc.ts";
 * import { readFileSync } from "node:fs";
 * const self = parseStatLine(readFileSync("/proc/self/stat", "utf8")); // { pid, ppid, cpuTicks, rssKb }
 * ```
 */
export function parseStatLine(line: string): ProcStat | undefined {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  // Index 0 is field 3 (state) of proc(5).
  const f = line.slice(close + 2).split(" ");
  const n = (field: number) => Number(f[field - 3] ?? "NaN");
  const cpuTicks = n(14) + n(15) + n(16) + n(17);
  const rssKb = n(24) * constants().pageKb;
  if (!Number.isFinite(pid) || !Number.isFinite(cpuTicks)) return undefined;
  return { pid, ppid: n(4), cpuTicks, rssKb: Math.max(0, rssKb) };
}

/**
 * Reads every process visible in /proc, keyed by pid (processes vanishing mid-scan are skipped).
 *
 * @example
 * ```ts
 * import { scanProcesses } from "sandrun/client/worker/sandbox/proc.ts";
 * const me = scanProcesses().get(process.pid);
 * ```
 */
export function scanProcesses(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const stat = parseStatLine(readFileSync(`/proc/${name}/stat`, "utf8"));
      if (stat) out.set(stat.pid, stat);
    } catch {
      // The process exited between readdir and read.
    }
  }
  return out;
}

/**
 * The stats of `root` and all its descendants in a scan (found through their `ppid` links).
 *
 * @example
 * ```ts
 * import { scanProcesses, treeOf } from "sandrun/client/worker/sandbox/proc.ts";
 * const rssKb = treeOf(child.pid, scanProcesses()).reduce((sum, p) => sum + p.rssKb, 0);
 * ```
 */
export function treeOf(root: number, all: Map<number, ProcStat>): ProcStat[] {
  const children = new Map<number, number[]>();
  for (const stat of all.values()) {
    const list = children.get(stat.ppid);
    if (list) list.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const out: ProcStat[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    const stat = all.get(pid);
    if (!stat) continue;
    out.push(stat);
    for (const child of children.get(pid) ?? []) stack.push(child);
  }
  return out;
}

/** One sample of a process tree. */
export type TreeSample = { processes: number; rssKb: number; cpuMs: number };

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStatLine(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Watches the tree under `root`. A full /proc scan (about 40 µs per process on the machine)
 * runs at most every `rescanMs` to discover new descendants; between scans only the known
 * members are re-read, so a 20 ms watchdog costs well under 1 % of a core.
 *
 * @example
 * ```ts
 * import { TreeWatcher } from "sandrun/client/worker/sandbox/proc.ts";
 * const watcher = new TreeWatcher(child.pid, 200);
 * const { processes, rssKb, cpuMs } = watcher.sample();
 * ```
 */
export class TreeWatcher {
  readonly root: number;
  readonly rescanMs: number;
  private members = new Set<number>();
  private lastScan = -Infinity;

  constructor(root: number, rescanMs = 200) {
    this.root = root;
    this.rescanMs = rescanMs;
    this.members.add(root);
  }

  /**
   * Number of processes, summed resident memory, and CPU (each live process's own plus its
   * reaped children's, so exited descendants count too).
   */
  sample(): TreeSample {
    let tree: ProcStat[];
    const now = performance.now();
    if (now - this.lastScan >= this.rescanMs) {
      this.lastScan = now;
      tree = treeOf(this.root, scanProcesses());
      this.members = new Set(tree.map((p) => p.pid));
    } else {
      tree = [];
      for (const pid of this.members) {
        const stat = readStat(pid);
        if (stat) tree.push(stat);
        else this.members.delete(pid);
      }
    }
    let rssKb = 0;
    let ticks = 0;
    for (const p of tree) {
      rssKb += p.rssKb;
      ticks += p.cpuTicks;
    }
    return { processes: tree.length, rssKb, cpuMs: ticks * msPerTick() };
  }
}
