/**
 * `sandrun node register` and `sandrun node status`.
 * @module
 */
import type { Command } from "commander";
import { cliContext, type GlobalOptions } from "./context.ts";
import { print } from "./output.ts";

type RegisterOptions = GlobalOptions & {
  alias?: string;
  region: string;
  cpuCores: string;
  cpuThreads?: string;
  cpuMhz: string;
  memoryGb: string;
  storageGb?: string;
  bandwidth?: string;
  latency?: string;
  priceCpuHour: string;
  priceMemoryHour?: string;
  currency: string;
  bond?: string;
  signerKeyFile?: string;
};

/**
 * Adds `node register` and `node status --node-id <id>` to `program`.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import type { GlobalOptions } from "sandrun/client/cli/context.ts";
 * import { nodeCommands } from "sandrun/client/cli/node-commands.ts";
 * const program = new Command("sandrun").option("--rpc <url>").option("--deployment <file>");
 * nodeCommands(program, () => program.opts<GlobalOptions>());
 * await program.parseAsync(["node", "status", "--node-id", "3"], { from: "user" });
 * ```
 */
export function nodeCommands(program: Command, globals: () => GlobalOptions): void {
  const node = program.command("node").description("register and inspect nodes");
  node
    .command("register")
    .description("register this machine as a node (the key is the owner's; it bonds in the same transaction)")
    .option("--alias <name>", "a human-readable name")
    .requiredOption("--region <code>", "region code, e.g. us-east-1")
    .requiredOption("--cpu-cores <n>", "CPU cores")
    .option("--cpu-threads <n>", "CPU threads (default: cores)")
    .requiredOption("--cpu-mhz <n>", "CPU frequency in MHz")
    .requiredOption("--memory-gb <n>", "memory in GB")
    .option("--storage-gb <n>", "storage in GB")
    .option("--bandwidth <mbps>", "network bandwidth in Mbps")
    .option("--latency <ms>", "network latency in ms")
    .requiredOption("--price-cpu-hour <amount>", "price per CPU core-hour, in --currency units")
    .option("--price-memory-hour <amount>", "price per GB-hour of memory")
    .option("--currency <symbol>", "pricing currency", "ETH")
    .option("--bond <amount>", "bond to stake, in ETH")
    .action(async (o: RegisterOptions) => {
      const ctx = await cliContext({ ...globals(), ...o });
      let b = ctx.sandrun
        .node()
        .capabilities({
          cpu: {
            cores: Number(o.cpuCores),
            threads: Number(o.cpuThreads ?? o.cpuCores),
            frequency: Number(o.cpuMhz),
          },
          memory: { total: Number(o.memoryGb) },
          ...(o.storageGb
            ? { storage: { type: "ssd" as const, capacity: Number(o.storageGb), iops: 0 } }
            : {}),
          ...(o.bandwidth
            ? { network: { bandwidth: Number(o.bandwidth), latency: Number(o.latency ?? 0) } }
            : {}),
        })
        .region(o.region)
        .pricing({
          cpu: { perCoreHour: o.priceCpuHour },
          ...(o.priceMemoryHour ? { memory: { perGBHour: o.priceMemoryHour } } : {}),
          currency: o.currency,
        });
      if (o.alias) b = b.alias(o.alias);
      if (o.bond) b = b.bondAmount(o.bond, "ETH");
      const n = await b.register();
      const out = { nodeId: n.id, owner: n.owner, signer: n.signer, metadataHash: n.metadataHash };
      print(ctx.json, out, `registered node ${n.id} (owner ${n.owner})`);
    });
  node
    .command("status")
    .description("a node's status: online, reputation, earnings, utilisation")
    .requiredOption("--node-id <id>", "the node id")
    .action(async (o: GlobalOptions & { nodeId: string }) => {
      const ctx = await cliContext({ ...globals(), ...o }, false);
      const n = await ctx.sandrun.node().attach(o.nodeId);
      const s = await n.status();
      const out = { nodeId: n.id, owner: n.owner, signer: n.signer, ...s };
      print(
        ctx.json,
        out,
        `node ${n.id}: ${s.online ? "online" : "offline"}, reputation ${s.reputation.score}, earned ${s.earnings.total} ${s.earnings.currency}`,
      );
    });
}
