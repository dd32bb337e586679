/**
 * The original design's node operation patterns (scripts/examples/), each run as the script an
 * operator would run (`node scripts/examples/<name>.ts`, a child process on its own in-process
 * chain). Its one JSON summary on stdout is checked, and so is its exit: the examples start
 * real worker daemons (`node.startListening()` on the worker-attached root) and must stop them,
 * or the process would never end.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "mocha";

const EXAMPLES = join(import.meta.dirname, "..", "..", "scripts", "examples");
/** Far longer than a run takes (a few seconds): reached only when a worker was left running. */
const EXIT_TIMEOUT_MS = 90_000;

/** Runs an example script; resolves with its JSON summary (the last thing it prints) once it exits by itself. */
async function runExample(name: string): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [join(EXAMPLES, name)], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), EXIT_TIMEOUT_MS);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  expect(signal, `${name} did not exit on its own within ${EXIT_TIMEOUT_MS} ms`).to.equal(null);
  expect(code, `${name} failed:\n${stderr}`).to.equal(0);
  // The summary is pretty-printed from a line of its own: "{" (an example may log lines before it).
  const start = stdout.startsWith("{\n") ? 0 : stdout.lastIndexOf("\n{\n") + 1;
  return JSON.parse(stdout.slice(start)) as Record<string, unknown>;
}

describe("the original design's node operation patterns, run as examples", function () {
  this.timeout(2 * EXIT_TIMEOUT_MS);

  it("Basic Node Registration: registered, its worker started (heartbeat on-chain) and stopped, the script exits", async () => {
    const r = await runExample("basic-node-registration.ts");
    expect(r.id).to.equal("1");
    expect(r.gpu).to.deep.include({ type: "rtx4090", memory: 24, count: 2 });
    expect(r.prices).to.deep.equal({
      currency: "ETH",
      gpu: { perHour: "0.5" },
      cpu: { perCoreHour: "0.02" },
    });
    expect(r.publicKey).to.match(/^0x04[0-9a-f]{128}$/);
    // The daemon ran: its first tick sent the node's heartbeat before startListening() returned.
    expect(r.heartbeatsWhileListening).to.equal(1);
    // …and stopListening() stopped it (the daemon logs both ends of its life).
    expect(r.worker).to.deep.equal(["worker starting", "worker stopped"]);
  });

  it("Professional Node Setup: bonded, insured, monitored; alerts and payments arrive", async () => {
    const r = (await runExample("professional-node-setup.ts")) as {
      id: string;
      alerts: string[];
      received: string[];
      earnings: { total: string };
    };
    expect(r.alerts).to.deep.equal([`Low gpu on node ${r.id}`]);
    expect(r.received).to.deep.equal(["Received 0.1485 ETH"]); // 0.15 invoice less the 1% fee
    expect(r.earnings.total).to.equal("0.1485");
  });

  it("Node Pool Management (NodeFleet): every node's worker started and stopped; fleet status and rebalancing", async () => {
    const r = await runExample("node-fleet.ts");
    expect(r.before).to.deep.include({ totalNodes: 3, activeNodes: 3, totalEarnings: "0" });
    expect(r.moves).to.deep.equal({ overloaded: ["1"], underutilized: ["2", "3"] });
    expect((r.after as { avgUtilization: number }).avgUtilization).to.equal(0.5);
    expect(r.heartbeatsWhileListening).to.deep.equal([1, 1, 1]);
    expect(r.workers).to.deep.equal({ started: ["1", "2", "3"], stopped: ["1", "2", "3"] });
  });
});
