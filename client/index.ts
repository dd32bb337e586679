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
