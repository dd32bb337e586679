/**
 * End-to-end benchmark: 2-of-3 strict jobs (a real JavaScript program in the js sandbox) run by
 * separate worker processes (`scripts/worker.ts`) against `hardhat node`, deployed by the
 * Ignition module through the e2e harness (test/e2e/harness.ts).
 *
 * Set-up: 6 workers (tiny: 3), split into pools of three members each, so every job is served
 * by exactly the three nodes of its pool and the pools run side by side. The requester posts
 * a round of jobs at once (round-robin over the pools) and the clock stops when the last
 * `JobSettled` is seen; one warm-up round, then the median of the measured rounds.
 *
 * The workers talk to the node through a counting HTTP proxy, so `rpcCallsPerJob` is every
 * JSON-RPC call the workers made during the measured rounds (a batch counts each call in it)
 * over the jobs settled (`rpcCallsPerJobByMethod` splits them by method). `gasPerJob` is the gas of every transaction mined during the measured
 * rounds (the requester's posts and the workers' commits, reveals, settles, withdrawals,
 * heartbeats), read from the receipts, over the jobs.
 *
 * The worker configuration is one an operator would use on a local chain: `--poll-ms 100`
 * (default 250) and the default `--max-jobs 2` (two executions at once per worker).
 *
 *   node scripts/bench/e2e.ts [--out bench] [--tiny]
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Hash } from "viem";

import { L, S } from "../../test/market/fixture.ts";
import { freePort, inlineSpecFields, jsSpec, setupE2E, until, type E2E } from "../../test/e2e/harness.ts";

const { values } = parseArgs({
  options: { out: { type: "string" }, tiny: { type: "boolean", default: false } },
});
const outDir = values.out ?? join(import.meta.dirname, "..", "..", "bench");
const tiny = values.tiny;

const WORKERS = tiny ? 3 : 6;
const WARM_UP_JOBS = tiny ? 2 : 6;
const JOBS_PER_ROUND = tiny ? 2 : 12;
const MEASURED_ROUNDS = tiny ? 1 : 3;
const POLL_MS = 100;
// The daemon's default: two executions at once per worker. A job a busy worker cannot take yet
// (slots or cores held by running jobs) waits in its queue until they finish.
const MAX_JOBS = 2;

/** JSON-RPC calls (in total and by method) and HTTP requests that went through the proxy. */
const counter = { calls: 0, requests: 0, methods: new Map<string, number>() };

/** A loopback HTTP proxy that forwards every request to `target` and counts JSON-RPC calls. */
async function countingProxy(target: string): Promise<{ url: string; server: Server }> {
  const t = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      counter.requests += 1;
      try {
        const parsed = JSON.parse(body.toString("utf8")) as unknown;
        const calls = (Array.isArray(parsed) ? parsed : [parsed]) as { method?: string }[];
        counter.calls += calls.length;
        for (const { method = "?" } of calls)
          counter.methods.set(method, (counter.methods.get(method) ?? 0) + 1);
      } catch {
        counter.calls += 1; // not JSON: still a request the node must answer
      }
      const fwd = httpRequest(
        {
          host: t.hostname,
          port: t.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: t.host, "content-length": String(body.length) },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on("error", (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      fwd.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, server };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

let e: E2E | undefined;
let proxy: Server | undefined;
const stop = () => {
  for (const w of e?.workers ?? []) w.child.kill("SIGKILL");
  e?.hardhat.kill("SIGKILL");
};
process.on("exit", stop);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    stop();
    process.exit(1);
  });

let ok = false;
try {
  e = await setupE2E(WORKERS, { challengeWindow: 0 });
  const m = e.market;
  const pools: bigint[] = [];
  for (let p = 0; p < WORKERS / 3; p++)
    pools.push(await m.createPool(S.TwoOfThree, L.Strict, m.nodes.slice(p * 3, p * 3 + 3)));
  const p = await countingProxy(e.rpcUrl);
  proxy = p.server;
  const workers = m.nodes.map((_, i) =>
    e!.startWorker(i, ["--poll-ms", String(POLL_MS), "--max-jobs", String(MAX_JOBS)], p.url),
  );
  await Promise.all(workers.map((w) => w.waitFor(/worker ready/, 120_000)));

  const spec = jsSpec("6 * 7");
  const fields = inlineSpecFields(spec);
  const market = await m.asWallet(m.requester);

  /** Posts `n` jobs at once and waits until all of them settled; returns the wall time and block span. */
  async function round(n: number) {
    const fromBlock = (await m.publicClient.getBlockNumber()) + 1n;
    const t0 = performance.now();
    const hashes: Hash[] = [];
    for (let j = 0; j < n; j++) {
      const req = m.request(pools[j % pools.length]!, { ...fields, commitWindow: 600, revealWindow: 600 });
      hashes.push(await market.write.postJob([req], { value: 3n * req.pricePerNode }));
    }
    const posted = await Promise.all(
      hashes.map((hash) => m.publicClient.waitForTransactionReceipt({ hash })),
    );
    if (posted.some((r) => r.status !== "success")) throw new Error("a postJob reverted");
    const settled = await until(
      `${n} jobs settled`,
      async () => {
        const logs = await m.publicClient.getContractEvents({
          address: m.market.address,
          abi: m.market.abi,
          eventName: "JobSettled",
          fromBlock,
        });
        return logs.length >= n ? logs : undefined;
      },
      240_000,
      20,
    );
    const ms = performance.now() - t0;
    if (settled.some((l) => !l.args.consensus)) throw new Error("a job settled without consensus");
    return { ms, fromBlock };
  }

  console.log(`e2e: ${WORKERS} workers ready; warm-up round of ${WARM_UP_JOBS} jobs`);
  await round(WARM_UP_JOBS);
  // Let the warm-up's trailing withdrawals land before counting.
  await new Promise((r) => setTimeout(r, 4 * POLL_MS));

  const rates: number[] = [];
  const linesBefore = workers.map((w) => w.lines.length);
  counter.calls = 0;
  counter.requests = 0;
  counter.methods.clear();
  const firstBlock = (await m.publicClient.getBlockNumber()) + 1n;
  for (let r = 0; r < MEASURED_ROUNDS; r++) {
    const { ms } = await round(JOBS_PER_ROUND);
    rates.push(JOBS_PER_ROUND / (ms / 1000));
    console.log(`e2e round ${r + 1}: ${JOBS_PER_ROUND} jobs in ${Math.round(ms)} ms`);
  }
  const calls = counter.calls;
  const requests = counter.requests;
  const lastBlock = await m.publicClient.getBlockNumber();
  // Wall time of each execution in the sandbox, from the workers' own "job executed" lines.
  const execMs = workers.flatMap((w, i) =>
    w.lines
      .slice(linesBefore[i])
      .filter((l) => l.includes('"msg":"job executed"'))
      .map((l) => (JSON.parse(l) as { wallMs: number }).wallMs),
  );

  // Gas from the receipts of every transaction mined in the measured rounds.
  let gas = 0n;
  let requesterGas = 0n;
  let transactions = 0;
  const requester = m.requester.account.address.toLowerCase();
  for (let b = firstBlock; b <= lastBlock; b++) {
    const block = await m.publicClient.getBlock({ blockNumber: b });
    const receipts = await Promise.all(
      block.transactions.map((hash) => m.publicClient.getTransactionReceipt({ hash })),
    );
    for (const rc of receipts) {
      gas += rc.gasUsed;
      transactions += 1;
      if (rc.from.toLowerCase() === requester) requesterGas += rc.gasUsed;
    }
  }
  const jobs = JOBS_PER_ROUND * MEASURED_ROUNDS;
  const result = {
    e2e: {
      workers: WORKERS,
      jobs,
      jobsPerSecond: Math.round(median(rates) * 100) / 100,
      rpcCallsPerJob: Math.round((calls / jobs) * 10) / 10,
      gasPerJob: Number(gas / BigInt(jobs)),
      // Context: how the figures split and what the run looked like.
      httpRequestsPerJob: Math.round((requests / jobs) * 10) / 10,
      // Where the workers' calls go, most first: sending a transaction (simulation, nonce, gas
      // estimate, fees, the send, receipt polling) against the polling loop's reads.
      rpcCallsPerJobByMethod: Object.fromEntries(
        [...counter.methods.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([method, n]) => [method, Math.round((n / jobs) * 10) / 10]),
      ),
      requesterGasPerJob: Number(requesterGas / BigInt(jobs)),
      workerGasPerJob: Number((gas - requesterGas) / BigInt(jobs)),
      transactionsPerJob: Math.round((transactions / jobs) * 10) / 10,
      jobsPerRound: JOBS_PER_ROUND,
      rounds: MEASURED_ROUNDS,
      roundJobsPerSecond: rates.map((x) => Math.round(x * 100) / 100),
      executionWallMsMedian: execMs.length ? Math.round(median(execMs)) : null,
      loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      pollMs: POLL_MS,
      maxJobsPerWorker: MAX_JOBS,
    },
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "e2e.json"), JSON.stringify(result, null, 2) + "\n");
  ok = true;
  console.log(
    `e2e: ${result.e2e.jobsPerSecond} jobs/s with ${WORKERS} workers, ${result.e2e.rpcCallsPerJob} RPC calls/job, ${result.e2e.gasPerJob} gas/job`,
  );
} finally {
  proxy?.close();
  await e?.close();
  // Logs of a failed run stay for a look; a good run leaves nothing behind.
  if (e && ok) rmSync(e.dir, { recursive: true, force: true });
  else if (e) console.error(`e2e: logs kept in ${e.dir}`);
}
process.exit(0);
