/**
 * The `sandrun` CLI as a real process (client/cli/bin.ts under Node 22) against `hardhat node`
 * (test/e2e/harness.ts): every command with --json, keys from a file or the environment, a key
 * on the command line refused, three `worker start` processes running a job that
 * `job submit --wait` follows to consensus, then `job status`, `job download` and `withdraw`.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { nodeOwnerKey, setupE2E, stopProcess, until, type E2E } from "../e2e/harness.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "client", "cli", "bin.ts");

function hardhatKey(i: number): `0x${string}` {
  const hd = mnemonicToAccount("test test test test test test test test test test test junk", {
    addressIndex: i,
  }).getHdKey();
  return toHex(hd.privateKey!);
}

describe("sandrun CLI (real process, hardhat node)", function () {
  this.timeout(180_000);
  let e: E2E;
  let base: string[];
  let requesterKey: string;
  const workers: ChildProcess[] = [];

  before(async () => {
    e = await setupE2E(3);
    base = ["--rpc", e.rpcUrl, "--deployment", e.deploymentFile];
    requesterKey = join(e.dir, "requester.key");
    writeFileSync(requesterKey, hardhatKey(1), { mode: 0o600 });
  });
  after(async () => {
    for (const w of workers) await stopProcess(w, "SIGKILL");
    await e?.close();
  });

  function run(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(process.execPath, [BIN, ...base, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, SANDRUN_PRIVATE_KEY: "", ...env },
      timeout: 120_000,
    });
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
  }

  it("refuses a key on the command line, and says where keys come from", () => {
    const r = run(["withdraw", "--private-key", hardhatKey(1), "--json"]);
    expect(r.status).to.equal(1);
    expect((r.json!.error as { message: string }).message).to.match(/--private-key is refused/);
    const none = run(["withdraw", "--json"]);
    expect(none.status).to.equal(1);
    expect((none.json!.error as { message: string }).message).to.match(/No 32-byte hex private key/);
  });

  it("node register (key from SANDRUN_PRIVATE_KEY) and node status", () => {
    const r = run(
      [
        "node",
        "register",
        "--json",
        "--alias",
        "cli-rig",
        "--region",
        "eu-west-1",
        "--cpu-cores",
        "4",
        "--cpu-mhz",
        "3000",
        "--memory-gb",
        "8",
        "--price-cpu-hour",
        "0.02",
        "--bond",
        "1.0",
      ],
      { SANDRUN_PRIVATE_KEY: hardhatKey(15) },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.json!.nodeId).to.equal("4"); // three registered by the harness
    expect(String(r.json!.owner).toLowerCase()).to.equal(
      mnemonicToAccount("test test test test test test test test test test test junk", {
        addressIndex: 15,
      }).address.toLowerCase(),
    );
    const s = run(["node", "status", "--node-id", "4", "--json"]);
    expect(s.status, s.stderr).to.equal(0);
    expect(s.json!.nodeId).to.equal("4");
    expect(s.json!.online).to.be.a("boolean");
    expect((s.json!.earnings as { total: string }).total).to.equal("0");
  });

  it("pool discover, pool create, worker start ×3, job submit --wait, job status, job download, withdraw", async () => {
    const d = run(["pool", "discover", "--min-nodes", "3", "--json"]);
    expect(d.status, d.stderr).to.equal(0);
    expect(d.json!.matched as number).to.be.at.least(3);
    expect(d.json!.feasible).to.equal(true);

    const p = run([
      "--key-file",
      requesterKey,
      "pool",
      "create",
      "--nodes",
      "1,2,3",
      "--consensus",
      "2-of-3",
      "--verification",
      "strict",
      "--json",
    ]);
    expect(p.status, p.stderr).to.equal(0);
    const poolId = String(p.json!.poolId);

    for (const i of [0, 1, 2]) {
      const keyFile = join(e.dir, `cli-node-${i}.key`);
      writeFileSync(keyFile, nodeOwnerKey(i), { mode: 0o600 });
      const args = [
        BIN,
        ...base,
        "--key-file",
        keyFile,
        "--json",
        "worker",
        "start",
        "--state-dir",
        join(e.dir, `cli-state-${i}`),
        "--poll-ms",
        "100",
        "--node-id",
        String(i + 1),
        // node 3 heartbeats every 250 ms; the others not at all (0 = off)
        "--heartbeat-ms",
        i === 2 ? "250" : "0",
        // node 1's owner leaves its earnings for `sandrun withdraw` to pull
        ...(i === 0 ? ["--withdraw-threshold", (10n ** 30n).toString()] : []),
      ];
      const w = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] });
      workers.push(w);
      const ready = await new Promise<string>((resolve) => {
        let out = "";
        w.stdout!.on("data", (b: Buffer) => {
          out += b.toString();
          if (out.includes("}")) resolve(out);
        });
      });
      expect(JSON.parse(ready)).to.include({ ready: true, nodeId: String(i + 1) });
    }

    // --heartbeat-ms reaches the daemon: node 3's worker heartbeats on-chain, nodes 1 and 2 never do.
    const heartbeats = async (nodeId: bigint) =>
      (await e.market.registry.getEvents.Heartbeat({ nodeId }, { fromBlock: 0n })).length;
    await until("node 3's worker heartbeats (--heartbeat-ms 250)", async () => (await heartbeats(3n)) >= 2);

    const s = run([
      "--key-file",
      requesterKey,
      "job",
      "submit",
      "--pool",
      poolId,
      "--code",
      "console.log(6 * 7)",
      "--wait",
      "--json",
    ]);
    expect(s.status, s.stderr).to.equal(0);
    expect(s.stderr).to.match(/job \d+: /); // progress went to stderr, not into the JSON
    const jobId = String(s.json!.jobId);
    const result = s.json!.result as { consensus: boolean; phase: string };
    // (JobExecution reports a settled job whose slot counters the market cleared as "expired":
    // the requester API's phase logic; the chain's status and the consensus are what count.)
    expect(result.consensus).to.equal(true);

    const st = run(["job", "status", jobId, "--json"]);
    expect(st.status, st.stderr).to.equal(0);
    expect((st.json!.job as { status: string }).status).to.equal("settled");

    const dl = run(["job", "download", jobId, "--json"]);
    expect(dl.status, dl.stderr).to.equal(0);
    expect(dl.json!.output).to.equal("42\n");

    const w = run(["--key-file", join(e.dir, "cli-node-0.key"), "withdraw", "--json"]);
    expect(w.status, w.stderr).to.equal(0);
    expect(BigInt(String(w.json!.amount)) > 0n).to.equal(true);

    expect(await heartbeats(1n)).to.equal(0);
    expect(await heartbeats(2n)).to.equal(0);

    // worker start drains on SIGTERM and exits 0.
    const code = await stopProcess(workers[1]!, "SIGTERM");
    expect(code).to.equal(0);
  });
});
