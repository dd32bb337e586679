import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BubblewrapMissingError, runInSandbox } from "../../client/worker/sandbox/index.ts";
import type { Interpreter, JobSpec } from "../../client/job/spec.ts";
import {
  HOST_SECRET,
  LIMITS,
  WORKER_SECRET,
  listener,
  scratchRootWithSecret,
  text,
} from "./sandbox-helpers.ts";

const proc = (interpreter: Interpreter, code: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  version: 1,
  runtime: "process",
  interpreter,
  code,
  limits: LIMITS,
  ...extra,
});

/** Processes on this machine whose command line contains `marker`. */
function processesWith(marker: string): number {
  let count = 0;
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) count++;
    } catch {
      // Gone.
    }
  }
  return count;
}

describe("sandbox: process (python3 / bash / node under bubblewrap)", () => {
  let root: string;
  let secretPath: string;
  before(async () => {
    ({ root, secretPath } = await scratchRootWithSecret());
    process.env.SANDRUN_TEST_SECRET = WORKER_SECRET;
  });
  after(() => {
    delete process.env.SANDRUN_TEST_SECRET;
  });

  it("runs real python3, bash and node programs", async () => {
    const py = await runInSandbox(
      proc(
        "python3",
        "import sys\nnums = [int(x) for x in sys.stdin.read().split()]\nprint(sum(nums), max(nums))",
        {
          input: "3 1 4 1 5 9 2 6",
        },
      ),
      { scratchRoot: root },
    );
    expect(py.stderr).to.equal("");
    expect([py.outcome, text(py.stdout)]).to.deep.equal(["ok", "31 9\n"]);
    const sh = await runInSandbox(
      proc("bash", 'tr " " "\\n" | sort -n | uniq | paste -sd, -; echo "$1-$GREETING"', {
        input: "3 1 4 1 5",
        args: ["arg"],
        env: { GREETING: "hi" },
      }),
      { scratchRoot: root },
    );
    expect(text(sh.stdout)).to.equal("1,3,4,5\narg-hi\n");
    const node = await runInSandbox(proc("node", "console.log([1,2,3].map((x) => x * x).join(' '))"), {
      scratchRoot: root,
    });
    expect(text(node.stdout)).to.equal("1 4 9\n");
    expect(node.exitCode).to.equal(0);
  });

  it("reports a non-zero exit as a completed run with its code", async () => {
    const r = await runInSandbox(proc("bash", "echo partial; exit 3"), { scratchRoot: root });
    expect([r.outcome, r.exitCode, text(r.stdout)]).to.deep.equal(["ok", 3, "partial\n"]);
  });

  it("cannot read host files or the worker's environment", async () => {
    const code = `
import os
for p in ["/etc/hostname", ${JSON.stringify(secretPath)}, "/root", "/work/../etc/passwd"]:
    try:
        print(p, open(p).read() if os.path.isfile(p) else os.listdir(p))
    except Exception as e:
        print(p, type(e).__name__)
print(sorted(os.environ.keys()), os.getuid())`;
    const r = await runInSandbox(proc("python3", code), { scratchRoot: root });
    const out = text(r.stdout);
    expect(out)
      .to.not.include(HOST_SECRET)
      .and.not.include(WORKER_SECRET)
      .and.not.include("SANDRUN_TEST_SECRET");
    expect(out).to.include("/etc/hostname FileNotFoundError");
    expect(out).to.include(`${secretPath} FileNotFoundError`);
    // Neither root nor any uid of the host: a uid of the job's own.
    const uid = Number(out.trim().split(" ").pop());
    expect(uid).to.be.greaterThanOrEqual(200_000);
  });

  it("cannot write outside its scratch directory", async () => {
    const outside = join(root, "outside.txt");
    const code = `for f in /usr/x /etc/x ${outside}; do echo x > "$f" 2>/dev/null && echo "wrote $f" || echo "denied $f"; done
echo ok > /work/inside.txt && cat /work/inside.txt`;
    const r = await runInSandbox(proc("bash", code), { scratchRoot: root });
    expect(text(r.stdout)).to.equal(`denied /usr/x\ndenied /etc/x\ndenied ${outside}\nok\n`);
    expect(existsSync(outside)).to.equal(false);
  });

  it("cannot reach a listener on the host's 127.0.0.1", async () => {
    const server = await listener();
    try {
      const code = `import socket
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", ${server.port})); print("CONNECTED", s.recv(100))
except OSError as e:
    print("ERR", e.errno)`;
      const r = await runInSandbox(proc("python3", code), { scratchRoot: root });
      expect(text(r.stdout)).to.match(/^ERR \d+/);
      expect(server.connections()).to.equal(0);
    } finally {
      server.close();
    }
  });

  it("contains a fork bomb and keeps serving", async () => {
    const r = await runInSandbox(
      proc("bash", ":(){ :|:& };: ; sleep 0.5; echo survived", { limits: { ...LIMITS, timeoutMs: 3000 } }),
      {
        scratchRoot: root,
        maxProcesses: 32,
      },
    );
    expect(r.violations.some((v) => v.startsWith("processes:"))).to.equal(true);
    const after = await runInSandbox(proc("bash", "echo alive"), { scratchRoot: root });
    expect(text(after.stdout)).to.equal("alive\n");
  });

  it("kills the whole process tree at the wall-time limit", async () => {
    const marker = "1234.5678";
    const r = await runInSandbox(
      proc("bash", `sleep ${marker} & sleep ${marker} & (sleep ${marker}) & wait`, {
        limits: { ...LIMITS, timeoutMs: 400 },
      }),
      { scratchRoot: root },
    );
    expect(r.outcome).to.equal("timeout");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesWith(marker)).to.equal(0);
  });

  it("stops allocations past the memory limit (RLIMIT_AS and the RSS watchdog)", async () => {
    const py = await runInSandbox(
      proc("python3", "x = bytearray(512 * 1024 * 1024)\nprint('allocated')", {
        limits: { ...LIMITS, memoryMb: 64 },
      }),
      { scratchRoot: root },
    );
    expect(py.outcome).to.equal("memory");
    expect(text(py.stdout)).to.equal("");
    const node = await runInSandbox(
      proc("node", "const k = []; for (;;) k.push(Buffer.alloc(8 << 20, 1));", {
        limits: { ...LIMITS, memoryMb: 96 },
      }),
      { scratchRoot: root },
    );
    expect(node.outcome).to.equal("memory");
  });

  it("stops an output flood at maxOutputBytes", async () => {
    const r = await runInSandbox(proc("bash", "yes", { limits: { ...LIMITS, maxOutputBytes: 20_000 } }), {
      scratchRoot: root,
    });
    expect(r.outcome).to.equal("output-limit");
    expect(r.stdout.length).to.equal(20_000);
  });

  it("refuses with BubblewrapMissingError where bubblewrap is missing", async () => {
    const r = await runInSandbox(proc("bash", "echo hi"), { bwrapPath: "/nonexistent/bwrap" });
    expect(r.outcome).to.equal("refused");
    expect(r.error).to.be.instanceOf(BubblewrapMissingError);
  });
});
