import { createRequire } from "node:module";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import { configVariable, defineConfig } from "hardhat/config";
import { exitGuardHooks } from "./test/support/exit-guard.ts";

// The compiler comes from the pinned npm `solc` package (WebAssembly), never from a
// download: these machines reach only the npm registry. See ../shared/TOOLCHAIN.md.
const require = createRequire(import.meta.url);
const solcVersion: string = (require("solc/package.json") as { version: string }).version;

/** The pinned compiler for cancun with the optimizer at `runs`, through the IR pipeline when `viaIR`. */
function solc(runs: number, viaIR = false) {
  return {
    version: solcVersion,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs }, ...(viaIR ? { viaIR } : {}), evmVersion: "cancun" },
  };
}

export default defineConfig({
  plugins: [
    hardhatViem,
    hardhatViemAssertions,
    hardhatMocha,
    hardhatNetworkHelpers,
    hardhatIgnitionViem,
    hardhatKeystore,
  ],
  solidity: {
    compilers: [solc(10_000)],
    overrides: {
      // The extension (batch posting, carried and batched node steps, top-ups, disputes) through
      // the IR pipeline: 23,975 -> 20,409 bytes (it was 601 bytes under the limit), and cheaper
      // (postJobs -3,819 per job, topUpJob -901).
      "contracts/JobMarketExtension.sol": solc(10_000, true),
      // The market's entry point through the IR pipeline: it reads and writes a job's packed
      // fields once per step where the legacy optimizer re-reads the slot per field (strict
      // node-sent −669 gas, batched −1,247) and its code shrinks from 23,777 to 21,629 bytes.
      "contracts/JobMarket.sol": solc(10_000, true),
      // The settlement module runs on every settlement and is deployed once: the optimizer
      // inlines for runtime cost only. Through the IR pipeline it is both smaller (22,098 ->
      // 21,417 bytes) and cheaper: batched strict -3,975, node-sent strict -1,458, standard -1,487
      // (at 10,000 runs 19,408 bytes but +672 batched).
      "contracts/JobMarketSettlement.sol": solc(4_294_967_295, true),
      // The gas-floor probe (bench only) at the settings that make it cheapest to run.
      "contracts/test/LifecycleFloor.sol": solc(4_294_967_295),
      // The registry through the IR pipeline: 22.3 KB at 10,000 runs (the legacy pipeline needed
      // 1,000 runs to stay under 24 KiB), and cheaper on every hot path: `register` −4,084,
      // collateral locks −689 and releases −1,143 (heartbeat +306, still under its target).
      "contracts/NodeRegistry.sol": solc(10_000, true),
    },
  },
  paths: {
    tests: {
      mocha: "test",
      solidity: "contracts",
    },
  },
  test: {
    mocha: {
      timeout: 120_000,
      // Ends the run if a failed test left something running (test/support/exit-guard.ts).
      rootHooks: exitGuardHooks,
    },
  },
  networks: {
    // The embedded chain every test and `npm start` use.
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    // `npx hardhat node` on loopback, for workers running as separate processes.
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // A public testnet. Secrets come from the environment or Hardhat's keystore:
    //   npx hardhat keystore set SEPOLIA_RPC_URL
    //   npx hardhat keystore set SEPOLIA_PRIVATE_KEY
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
