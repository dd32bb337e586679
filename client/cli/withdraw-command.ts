/**
 * `sandrun withdraw`: pulls what settlement credited to the key's account.
 * @module
 */
import type { Command } from "commander";
import { isAddress, zeroAddress, type Address } from "viem";
import { withdraw } from "../actions/market/withdraw.ts";
import { fromBaseUnits } from "../money/amount.ts";
import { cliContext, type GlobalOptions } from "./context.ts";
import { print } from "./output.ts";

/**
 * Adds `withdraw [--token <address>]` to `program`: pulls the key's credited balance (ETH by
 * default).
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import type { GlobalOptions } from "sandrun/client/cli/context.ts";
 * import { withdrawCommand } from "sandrun/client/cli/withdraw-command.ts";
 * const program = new Command("sandrun").option("--rpc <url>").option("--deployment <file>");
 * withdrawCommand(program, () => program.opts<GlobalOptions>());
 * await program.parseAsync(["withdraw"], { from: "user" });
 * ```
 */
export function withdrawCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command("withdraw")
    .description("withdraw the account's credited balance in a token (default ETH)")
    .option("--token <address>", "ERC-20 address (default: ETH)")
    .action(async (o: GlobalOptions & { token?: string }) => {
      const ctx = await cliContext({ ...globals(), ...o });
      const token = (o.token && isAddress(o.token) ? o.token : zeroAddress) as Address;
      const { hash, amount } = await withdraw(ctx.client, { jobMarket: ctx.deployment.jobMarket, token });
      const out = { account: ctx.account.address, token, amount, txHash: hash };
      print(
        ctx.json,
        out,
        `withdrew ${token === zeroAddress ? `${fromBaseUnits(amount, 18)} ETH` : `${amount} base units`}`,
      );
    });
}
