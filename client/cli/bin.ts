#!/usr/bin/env node
/**
 * The `sandrun` executable (package.json `bin`). Runs under Node 22's type stripping.
 * @module
 */
import { runCli } from "./program.ts";

process.exitCode = await runCli(process.argv);
// The worker keeps its own loop; every other command is done: do not wait for idle sockets.
if (!process.argv.includes("worker")) process.exit(process.exitCode);
