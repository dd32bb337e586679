/**
 * `sandrun pool discover` and `sandrun pool create`.
 * @module
 */
import type { Command } from "commander";
import { createPool } from "../actions/pools/createPool.ts";
import type { VerificationLevel } from "../actions/pools/policy.ts";
import type { ConsensusStrategy } from "../proofs/consensus.ts";
import { cliContext, type GlobalOptions } from "./context.ts";
import { print } from "./output.ts";

type DiscoverOptions = GlobalOptions & {
  minNodes?: string;
  region?: string[];
  minMemory?: string;
  consensus?: string;
  verification?: string;
  maxCostPerHour?: string;
};

function builder(ctx: Awaited<ReturnType<typeof cliContext>>, o: DiscoverOptions) {
  let b = ctx.sandrun.pool().discover(o.minNodes ? { minNodes: Number(o.minNodes) } : {});
  if (o.region?.length) b = b.region(o.region);
  if (o.minMemory) b = b.minMemory(Number(o.minMemory));
  if (o.consensus) b = b.consensus(o.consensus as ConsensusStrategy);
  if (o.verification) b = b.verification(o.verification as VerificationLevel);
  if (o.maxCostPerHour) b = b.maxCostPerHour(o.maxCostPerHour, "ETH");
  return b;
}

function discoveryOptions(c: Command): Command {
  return c
    .option("--min-nodes <n>", "nodes needed")
    .option("--region <code...>", "regions")
    .option("--min-memory <gb>", "minimum memory per node, GB")
    .option("--consensus <strategy>", "2-of-3, 3-of-5, majority-rule, fastest-wins, …")
    .option("--verification <level>", "basic, standard, strict, cryptographic")
    .option("--max-cost-per-hour <eth>", "price ceiling per node-hour");
}

/**
 * Adds `pool discover` and `pool create` (from `--nodes`, or from the same discovery filters) to
 * `program`.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import type { GlobalOptions } from "sandrun/client/cli/context.ts";
 * import { poolCommands } from "sandrun/client/cli/pool-commands.ts";
 * const program = new Command("sandrun").option("--rpc <url>").option("--deployment <file>");
 * poolCommands(program, () => program.opts<GlobalOptions>());
 * await program.parseAsync(["pool", "discover", "--min-nodes", "3", "--region", "eu-west-1"], { from: "user" });
 * ```
 */
export function poolCommands(program: Command, globals: () => GlobalOptions): void {
  const pool = program.command("pool").description("find nodes and create pools");
  discoveryOptions(
    pool
      .command("discover")
      .description("nodes matching the criteria and what a pool of them costs (reads only)"),
  ).action(async (o: DiscoverOptions) => {
    const ctx = await cliContext({ ...globals(), ...o }, false);
    const e = await builder(ctx, o).estimate();
    print(
      ctx.json,
      e,
      `${e.matched} matching nodes (${e.feasible ? "enough" : "not enough"}): ${e.nodes.join(", ")}; ${e.costPerHour} ${e.token}/h`,
    );
  });
  discoveryOptions(pool.command("create").description("create a pool (from --nodes, or from discovery)"))
    .option("--nodes <ids>", "comma-separated node ids to add (skips discovery)")
    .option("--redundancy <n>", "nodes per job")
    .action(async (o: DiscoverOptions & { nodes?: string; redundancy?: string }) => {
      const ctx = await cliContext({ ...globals(), ...o });
      if (o.nodes) {
        const r = await createPool(ctx.client, {
          poolRegistry: ctx.deployment.poolRegistry,
          policy: {
            consensus: (o.consensus ?? "2-of-3") as ConsensusStrategy,
            verification: (o.verification ?? "strict") as VerificationLevel,
            ...(o.redundancy ? { redundancy: Number(o.redundancy) } : {}),
          },
          nodes: o.nodes.split(",").map((x) => BigInt(x.trim())),
        });
        print(
          ctx.json,
          { poolId: r.poolId.toString(), members: r.members, txHash: r.hash },
          `created pool ${r.poolId}`,
        );
        return;
      }
      let b = builder(ctx, o);
      if (o.redundancy) b = b.redundancy(Number(o.redundancy));
      const p = await b.join();
      print(
        ctx.json,
        { poolId: p.id, members: p.nodes.map((n) => String((n as { id: unknown }).id)) },
        `created pool ${p.id}`,
      );
    });
}
