/**
 * Deploys the whole Sandrun protocol, wired together: NodeRegistry, the job market (JobMarket
 * with its three delegated modules: JobMarketSettlement, JobMarketExtension and the pools'
 * code, PoolRegistry) and a SimpleArbiter, then points the registry at the market.
 *
 * Pools live at the job market's address (posting and slot-taking read them without a call to
 * another contract): the returned `poolRegistry` is the market's address with PoolRegistry's ABI,
 * `poolModule` the code behind it.
 *
 * Parameters (all optional; defaults suit the local chain):
 * - `owner`: admin of every contract (default: the deployer, account 0)
 * - `treasury`: receives protocol fees (default: the deployer)
 * - `minBond`: minimum ETH bond in wei (default 0.1 ETH)
 * - `unbondingDelay`: seconds (default 7 days), `epochLength`: heartbeat epoch seconds (default 1 hour)
 * - `feeBps`: protocol fee in basis points, at most 1000 (default 100 = 1%)
 * - `challengeWindow`: seconds payouts are held after settlement (default 1 day; 0 disables disputes)
 * - `disputeDeposit`: ETH wei a disputer deposits (default 0.01 ETH)
 * - `disputePeriod`: seconds the arbiter has to rule (default 3 days)
 * - `arbiterThreshold`: committee votes needed by the SimpleArbiter (default 1)
 *
 * @example
 * ```sh
 * npx hardhat ignition deploy ignition/modules/Sandrun.ts --network localhost
 * ```
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const ONE_ETH = 10n ** 18n;

export default buildModule("Sandrun", (m) => {
  const deployer = m.getAccount(0);
  const owner = m.getParameter("owner", deployer);
  const treasury = m.getParameter("treasury", deployer);
  const minBond = m.getParameter("minBond", ONE_ETH / 10n);
  const unbondingDelay = m.getParameter("unbondingDelay", 7 * 24 * 3600);
  const epochLength = m.getParameter("epochLength", 3600);
  const feeBps = m.getParameter("feeBps", 100);
  const challengeWindow = m.getParameter("challengeWindow", 24 * 3600);
  const disputeDeposit = m.getParameter("disputeDeposit", ONE_ETH / 100n);
  const disputePeriod = m.getParameter("disputePeriod", 3 * 24 * 3600);
  const arbiterThreshold = m.getParameter("arbiterThreshold", 1);

  // The registry is owned by the deployer until it is wired to the market, then handed over.
  const nodeRegistry = m.contract("NodeRegistry", [deployer, minBond, unbondingDelay, epochLength]);
  const poolModule = m.contract("PoolRegistry", [nodeRegistry], { id: "PoolModule" });
  const arbiter = m.contract("SimpleArbiter", [owner, arbiterThreshold]);
  const settlementModule = m.contract("JobMarketSettlement", [nodeRegistry]);
  const extension = m.contract("JobMarketExtension", [nodeRegistry, settlementModule]);
  const jobMarket = m.contract("JobMarket", [
    nodeRegistry,
    poolModule,
    settlementModule,
    extension,
    owner,
    treasury,
    feeBps,
    arbiter,
    challengeWindow,
    disputeDeposit,
    disputePeriod,
  ]);
  const wired = m.call(nodeRegistry, "setJobMarket", [jobMarket]);
  // Ownable2Step: the new owner (if not the deployer) must call acceptOwnership.
  m.call(nodeRegistry, "transferOwnership", [owner], { after: [wired] });

  const poolRegistry = m.contractAt("PoolRegistry", jobMarket, { id: "PoolRegistry" });

  return { nodeRegistry, poolRegistry, jobMarket, arbiter, settlementModule, extension, poolModule };
});
