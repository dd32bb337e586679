/**
 * The daemon's persistent state across a changed chain history: the cursor keeps the hash of
 * the last scanned block and the genesis hash (how the loop tells a restarted chain from a
 * reorganisation), and `forgetHistory` sets a replaced history's job records aside.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DaemonState } from "../../client/worker/daemon/state.ts";

const MARKET = "0x00000000000000000000000000000000000000Aa";
const H1 = `0x${"11".repeat(32)}`;
const G = `0x${"99".repeat(32)}`;

describe("DaemonState: cursor marks and a replaced history", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sandrun-state-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the last block's hash and the genesis with the cursor, per chain and market", () => {
    const st = new DaemonState(dir, 31337, MARKET);
    expect(st.cursorMarks()).to.deep.equal({});
    st.setCursor(26n, { lastHash: H1, genesis: G });
    expect(st.cursor(0n)).to.equal(26n);
    expect(st.cursorMarks()).to.deep.equal({ lastHash: H1, genesis: G });
    // Another chain id reading the same directory sees no cursor and no marks.
    const other = new DaemonState(dir, 1, MARKET);
    expect(other.cursor(7n)).to.equal(7n);
    expect(other.cursorMarks()).to.deep.equal({});
  });

  it("forgetHistory moves the job records aside, clears them and drops the cursor", () => {
    const st = new DaemonState(dir, 31337, MARKET);
    st.update(1n, { step: "settled", digest: H1 });
    st.update(2n, { step: "committed", salt: H1 });
    st.setCursor(40n, { lastHash: H1, genesis: G });
    expect(st.forgetHistory()).to.equal(2);
    expect(st.job(1n)).to.equal(undefined);
    expect(st.openJobs()).to.deep.equal([]);
    expect(st.cursor(0n)).to.equal(0n);
    expect(readdirSync(join(dir, "jobs"))).to.deep.equal([]);
    const [batch] = readdirSync(join(dir, "orphaned"));
    expect(readdirSync(join(dir, "orphaned", batch!)).sort()).to.deep.equal(["1.json", "2.json"]);
    // A reopened state does not bring them back.
    expect(new DaemonState(dir, 31337, MARKET).job(2n)).to.equal(undefined);
    expect(existsSync(join(dir, "cursor.json"))).to.equal(false);
  });
});
