/**
 * Sandrun client library: the browser-safe core (no Node.js built-ins).
 *
 * @example
 * ```ts
 * import { createSandrun, SandrunError } from "sandrun/client/index.ts";
 * const sandrun = createSandrun({ publicClient, walletClient, deployment });
 * ```
 * @module
 */
export { Sandrun, createSandrun, type BuilderFactory, type CreateSandrunParameters } from "./sandrun.ts";
export type { SandrunContext, SandrunExtensions } from "./context.ts";
export {
  loadTokens,
  resolveDeployment,
  tokensOffline,
  type AddressLike,
  type Deployment,
  type DeploymentInput,
  type TokenLike,
} from "./deployment.ts";
export * from "./errors.ts";
export * from "./money/index.ts";
export type { SandrunClient } from "./chain/clients.ts";
export type { TransactionResult } from "./chain/send.ts";
export { NodeBuilder } from "./node/builder.ts";
export {
  Node,
  type HeartbeatResponse,
  type NodeInit,
  type NodeStatus,
  type PaymentClaim,
  type ResourceUtilization,
} from "./node/node.ts";
export { Capabilities, type CapabilitiesData, type CapabilitiesStruct } from "./node/capabilities.ts";
export { Prices, type PricesData, type PricesStruct, type PriceItem } from "./node/prices.ts";
export {
  planRegistration,
  type NodeConfig,
  type RegistrationPlan,
  type ValidationResult,
} from "./node/config.ts";
export {
  encodeMetadata,
  fetchMetadata,
  canonicalJson,
  MetadataError,
  type NodeMetadata,
} from "./node/metadata.ts";
export {
  CapacityLedger,
  LOW_RESOURCE_THRESHOLD,
  type Reservation,
  type ResourceRequest,
} from "./node/ledger.ts";
export { InvoiceBook, type Invoice } from "./node/invoices.ts";
export {
  NODE_EVENTS,
  NODE_EVENT_SOURCES,
  type NodeEvent,
  type NodeEventData,
  type NodeEventHandler,
} from "./node/events.ts";
export type { MachineMetrics, NodeWorker, UtilizationProbe } from "./node/worker-extension.ts";
export { parseSizeGB, parseSizeMB } from "./node/units.ts";
export type * from "./node/types.ts";
export { registerNode } from "./actions/registry/registerNode.ts";
export { updateCapabilities } from "./actions/registry/updateCapabilities.ts";
export { updatePrices } from "./actions/registry/updatePrices.ts";
export { updateMetadata } from "./actions/registry/updateMetadata.ts";
export { setSigner } from "./actions/registry/setSigner.ts";
export { pauseNode } from "./actions/registry/pauseNode.ts";
export { resumeNode } from "./actions/registry/resumeNode.ts";
export { deregisterNode } from "./actions/registry/deregisterNode.ts";
export { bondNode } from "./actions/registry/bondNode.ts";
export { requestUnbond } from "./actions/registry/requestUnbond.ts";
export { cancelUnbond } from "./actions/registry/cancelUnbond.ts";
export { withdrawBond } from "./actions/registry/withdrawBond.ts";
export { heartbeatNode } from "./actions/registry/heartbeatNode.ts";
export { getNode, NODE_STATUSES, type NodeView } from "./actions/registry/getNode.ts";
export { getNodes } from "./actions/registry/getNodes.ts";
export { getReputation, ppmToScore, type ReputationScore } from "./actions/registry/getReputation.ts";
export { getLiveness } from "./actions/registry/getLiveness.ts";
export { getBondInfo } from "./actions/registry/getBondInfo.ts";
export { joinPool } from "./actions/registry/joinPool.ts";
export { leavePool } from "./actions/registry/leavePool.ts";
export { approveToken } from "./actions/tokens/approveToken.ts";
export { getTokenInfo } from "./actions/tokens/getTokenInfo.ts";

// The requester's side: discovery, pools, jobs, signed proofs and the market's actions.
export { PoolBuilder, type PoolBuilderContext, type PoolEstimate } from "./pool/PoolBuilder.ts";
export {
  Pool,
  DisputePendingError,
  type AggregatedCapabilities,
  type DisputeResolution,
  type EscrowTransaction,
  type NodeRef,
  type PaymentDistribution,
  type PoolNode,
  type Proof,
  type ScheduleResult as PoolScheduleResult,
  type VerificationResult,
} from "./pool/Pool.ts";
export { createPoolBuilderFactory, poolBuilderFactory, jobBuilderFactory } from "./pool/factory.ts";
export type { PoolFactoryOptions } from "./pool/factory.ts";
export { DISTRIBUTION_STRATEGIES, type DistributionStrategy } from "./pool/distribute.ts";
export { POOL_EVENTS, type PoolEvent, type PoolEventHandler, type PoolEventMap } from "./pool/events.ts";
export type { PoolHealth } from "./pool/health.ts";
export type { PoolMetrics } from "./pool/metrics.ts";
export { schedule, makespan } from "./pool/schedule.ts";
export type {
  Assignment,
  ScheduleJob,
  ScheduleNode,
  ScheduleOptions,
  ScheduleResult,
  Unassigned,
} from "./pool/schedule-types.ts";
export { estimatePoolCost, type PoolCostEstimate } from "./pool/cost.ts";
export { JobBuilder, type Job, type JobEstimate, type GpuRequirement } from "./job/JobBuilder.ts";
export {
  JobExecution,
  JobNotCompletedError,
  type JobPhase,
  type JobResult,
  type JobStatusInfo,
} from "./job/JobExecution.ts";
export {
  RUNTIMES,
  specHash,
  encodeJobSpec,
  decodeJobSpec,
  parseJobSpec,
  type JobSpec,
  type Runtime,
} from "./job/spec.ts";
export {
  SpecInvalidError,
  SpecHashMismatchError,
  UriFetchError,
  UriTooLargeError,
  OutputDigestMismatchError,
} from "./job/spec-errors.ts";
export { outputDigest, verifyOutput } from "./job/output.ts";
export { NodeIndex } from "./discovery/index.ts";
export { readRegistry, readRegistryPacked, RegistryFollower } from "./discovery/reader.ts";
export {
  DiscoveryError,
  InvalidCriteriaError,
  InvalidScheduleInputError,
  MixedPriceTokensError,
  CriteriaUnmetError,
} from "./discovery/errors.ts";
export type { DiscoveryCriteria, PricingPreference, PricingStrategy } from "./discovery/types.ts";
export {
  CONSENSUS_STRATEGIES,
  decideConsensus,
  type ConsensusResult,
  type ConsensusStrategy,
} from "./proofs/consensus.ts";
export {
  encryptFor,
  decryptWith,
  encryptionPublicKey,
  DecryptionFailedError,
  EncryptionKeyError,
} from "./proofs/encryption.ts";
export { signCommit, signReport, signReceipt, signSubmission, type NodeSubmission } from "./proofs/sign.ts";
export { verifySigned, InvalidSignatureError } from "./proofs/recover.ts";
export { jobMarketDomain, computeSeal } from "./proofs/typed-data.ts";
export { createPool } from "./actions/pools/createPool.ts";
export { addNode } from "./actions/pools/addNode.ts";
export { removeNode } from "./actions/pools/removeNode.ts";
export { replaceNode } from "./actions/pools/replaceNode.ts";
export { getPool } from "./actions/pools/getPool.ts";
export { getMembers } from "./actions/pools/getMembers.ts";
export { VERIFICATION_LEVELS, type VerificationLevel } from "./actions/pools/policy.ts";
export { postJob } from "./actions/market/postJob.ts";
export { postJobs } from "./actions/market/postJobs.ts";
export { takeSlot } from "./actions/market/takeSlot.ts";
export { commitResult } from "./actions/market/commitResult.ts";
export { revealResult } from "./actions/market/revealResult.ts";
export { reportResult } from "./actions/market/reportResult.ts";
export { carryBatch } from "./actions/market/carryBatch.ts";
export { submitJobBatch } from "./actions/market/submitJobBatch.ts";
export { settleJob } from "./actions/market/settleJob.ts";
export { expireJob } from "./actions/market/expireJob.ts";
export { cancelJob } from "./actions/market/cancelJob.ts";
export { topUpJob } from "./actions/market/topUpJob.ts";
export { withdraw } from "./actions/market/withdraw.ts";
export { getBalance } from "./actions/market/getBalance.ts";
export { getJob } from "./actions/market/getJob.ts";
export { getJobEvents, getSettlement } from "./actions/market/getJobEvents.ts";
export { raiseDispute } from "./actions/market/raiseDispute.ts";
export { getDispute, ruleDispute, finalizeDispute } from "./actions/market/resolveDispute.ts";
