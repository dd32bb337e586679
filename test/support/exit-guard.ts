/**
 * Mocha root hooks (hardhat.config.ts `test.mocha.rootHooks`): a test run that leaves something
 * running must still end.
 *
 * A test that fails half-way can skip its own clean-up and leave a worker polling, a server
 * listening or a child process alive; Node then never exits after the last test, and CI waits
 * for its time limit instead of reporting the failure (it did, once: a flaky worker test failed,
 * its three workers kept polling, and the run hung for 90 minutes). After the last test this
 * arms a timer that does not itself keep the process alive: when the process ends normally
 * (the usual case) it never fires; when something is still holding the process well after the
 * report, it names what is open and exits with the run's exit code (1 if none was set, since a
 * leak is a defect of the tests).
 */
import type { RootHookObject } from "mocha";

/** Time after the last test for the coverage report and a normal exit. */
const GRACE_MS = 180_000;

/** Mocha root hooks: the exit guard, armed after all tests. */
export const exitGuardHooks: RootHookObject = {
  afterAll() {
    setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
      const code = typeof process.exitCode === "number" && process.exitCode !== 0 ? process.exitCode : 1;
      console.error(
        `The test process is still running ${GRACE_MS / 1000} s after the last test; open: ` +
          `${open.join(", ") || "(nothing listed)"}. Something a test started was not stopped. Exiting with ${code}.`,
      );
      process.exit(code);
    }, GRACE_MS).unref();
  },
};
