/**
 * A registered node, as the original design's `Node`: identity, capabilities, reputation,
 * pool participation, heartbeats, the local capacity ledger and invoice book, payments,
 * status and events. The job-running methods (claimJob, executeJob, generateProof, benchmark,
 * startListening, stopListening) delegate to a worker module plugged in through
 * {@link Node.attachWorker} or `createSandrun({ extensions: { worker } })`.
 */
import type { Address, Hex, LocalAccount, WatchContractEventReturnType } from "viem";
import { jobMarketAbi } from "../abis/generated/JobMarket.ts";
import { nodeRegistryAbi } from "../abis/generated/NodeRegistry.ts";
import { getLiveness } from "../actions/registry/getLiveness.ts";
import { getNode, NODE_STATUSES } from "../actions/registry/getNode.ts";
import { ppmToScore } from "../actions/registry/getReputation.ts";
import type { ReputationScore } from "../actions/registry/getReputation.ts";
import { heartbeatNode } from "../actions/registry/heartbeatNode.ts";
import { joinPool } from "../actions/registry/joinPool.ts";
import { leavePool } from "../actions/registry/leavePool.ts";
import { publicKeyOfSender } from "../chain/publicKey.ts";
import type { SandrunContext } from "../context.ts";
import { SandrunError } from "../errors/base.ts";
import { MissingConfigurationError, NotSupportedError } from "../errors/input.ts";
import { fromBaseUnits } from "../money/amount.ts";
import { Capabilities } from "./capabilities.ts";
import type { NodeEvent, NodeEventData, NodeEventHandler } from "./events.ts";
import { NodeEmitter } from "./events.ts";
import { InvoiceBook } from "./invoices.ts";
import type { Invoice } from "./invoices.ts";
import { CapacityLedger } from "./ledger.ts";
import type { Reservation, ResourceRequest } from "./ledger.ts";
import { jobsOfNode, payoutsOf, readJob, requireMarket, withdrawPayment } from "./market.ts";
import { fetchMetadata } from "./metadata.ts";
import { Prices } from "./prices.ts";
import type { NodeCapabilities } from "./types.ts";
import type { MachineMetrics, NodeWorker } from "./worker-extension.ts";

/** The design's `ResourceUtilization`: shares in [0, 1]. */
export type ResourceUtilization = {
  readonly nodeId: string;
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
  readonly storage: number;
  /** The busiest resource: max of the above. */
  readonly overall: number;
  /** Shares reserved in the local ledger. */
  readonly reserved: {
    readonly cpu: number;
    readonly memory: number;
    readonly gpu: number;
    readonly storage: number;
  };
  /** What the machine probe measured, or `null` without a probe. */
  readonly machine: MachineMetrics | null;
};

/** The design's `HeartbeatResponse`. */
export type HeartbeatResponse = {
  readonly txHash: Hex;
  readonly blockNumber: bigint;
  /** Unix seconds of this heartbeat. */
  readonly lastSeen: number;
  /** Share of epochs since registration with a heartbeat, in [0, 1]. */
  readonly availability: number;
};

/** The design's `PaymentClaim`. */
export type PaymentClaim = {
  readonly invoiceId: string;
  readonly jobId: string;
  readonly txHash: Hex;
  /** Everything withdrawn in the transaction (the market pays the owner's whole available balance of the token). */
  readonly amount: string;
  readonly raw: bigint;
  readonly currency: string;
};

/** The design's `NodeStatus`; unknown health readings are `null`. */
export type NodeStatus = {
  readonly online: boolean;
  readonly utilization: ResourceUtilization;
  readonly activeJobs: number;
  readonly queuedJobs: number;
  readonly reputation: ReputationScore;
  readonly earnings: {
    readonly today: string;
    readonly week: string;
    readonly month: string;
    readonly total: string;
    readonly currency: string;
  };
  readonly health: {
    readonly temperature: number | null;
    readonly powerDraw: number | null;
    readonly errors: readonly string[];
  };
};

/** Everything a Node is built from. */
export type NodeInit = {
  readonly context: SandrunContext;
  readonly id: bigint;
  readonly owner: Address;
  readonly signer: Address;
  readonly publicKey: Hex | "";
  readonly capabilities: Capabilities;
  readonly prices: Prices;
  readonly reputation: ReputationScore;
  readonly metadataHash: Hex;
  readonly signerAccount?: LocalAccount | undefined;
  readonly registeredAtBlock?: bigint | undefined;
  readonly metadataURI?: string | undefined;
};

/** Rolling windows for `status().earnings`, in seconds of chain time. */
const DAY = 86_400;

/**
 * A registered node.
 *
 * @example
 * ```ts
 * const node = await sandrun.node().alias("rig").capabilities(caps).pricing(prices).register();
 * await node.heartbeat();
 * node.on("payment-received", (p) => console.log(`Received ${p.amount} ${p.currency}`));
 * ```
 */
export class Node {
  /** The node id (decimal string of the registry's uint64). */
  readonly id: string;
  /**
   * The signer's uncompressed secp256k1 public key (`0x04…`): from `identity(privateKey)`, or,
   * when the owner's wallet is the signer, recovered from the registration transaction's
   * signature. `''` when neither is available (a node attached without its key whose signer
   * differs from the owner).
   */
  readonly publicKey: string;
  /** The owner account (staked the bond, receives pay). */
  readonly owner: Address;
  /** The signer (worker hot key) address. */
  readonly signer: Address;
  /** The signer's local account when the node was built with `identity(privateKey)` (the worker signs with it). */
  readonly signerAccount: LocalAccount | undefined;
  /** The prices registered on-chain (plus off-chain discounts when known). */
  readonly prices: Prices;
  /** The metadata hash registered on-chain. */
  readonly metadataHash: Hex;
  /** The local capacity ledger (reservations). */
  readonly ledger: CapacityLedger;
  /** The local invoice book. */
  readonly invoices: InvoiceBook;
  readonly #context: SandrunContext;
  readonly #capabilities: Capabilities;
  #reputation: ReputationScore;
  #worker: NodeWorker | undefined;
  readonly #emitter = new NodeEmitter();
  readonly #watchers = new Map<string, WatchContractEventReturnType>();
  readonly #myJobs = new Set<bigint>();
  #jobsLoaded: Promise<void> | undefined;
  readonly #registeredAtBlock: bigint | undefined;
  readonly #metadataURI: string | undefined;
  /** Errors raised by event handlers or watchers (reported in `status().health.errors`). */
  readonly #errors: string[] = [];

  constructor(init: NodeInit) {
    this.#context = init.context;
    this.id = init.id.toString();
    this.owner = init.owner;
    this.signer = init.signer;
    this.publicKey = init.publicKey;
    this.signerAccount = init.signerAccount;
    this.#capabilities = init.capabilities;
    this.prices = init.prices;
    this.metadataHash = init.metadataHash;
    this.#reputation = init.reputation;
    this.#registeredAtBlock = init.registeredAtBlock;
    this.#metadataURI = init.metadataURI;
    this.#worker = init.context.extensions.worker;
    this.ledger = new CapacityLedger(init.capabilities.data);
    this.invoices = new InvoiceBook(this.id);
    this.ledger.onLow = (resource) => this.#emitter.emit("resource-low", resource);
    this.ledger.onJobStarted = (r) => {
      if (r.jobId !== undefined) this.#emitter.emit("job-started", { jobId: r.jobId, reservationId: r.id });
    };
    this.#emitter.onError = (e, event) =>
      this.#errors.push(`${event} handler: ${e instanceof Error ? e.message : String(e)}`);
  }

  /**
   * Loads a registered node from the chain.
   *
   * @param options.privateKey - the signer's key, to sign as the worker and know the public key
   * @param options.registrationTx - the registration transaction (to recover the owner-signer's public key)
   * @example
   * ```ts
   * import { Node } from "sandrun/client/node/node.ts";
   * const node = await Node.load(sandrun.context, 3n);
   * ```
   */
  static async load(
    context: SandrunContext,
    nodeId: bigint,
    options: {
      signerAccount?: LocalAccount;
      registrationTx?: Hex;
      registeredAtBlock?: bigint;
      metadataURI?: string;
    } = {},
  ): Promise<Node> {
    const client = context.client;
    const registry = context.deployment.nodeRegistry;
    const [view, tokens] = await Promise.all([getNode(client, { registry, nodeId }), context.tokens()]);
    let capabilities = Capabilities.fromStruct(view.capabilities);
    let registrationTx = options.registrationTx;
    let registeredAtBlock = options.registeredAtBlock;
    let metadataURI = options.metadataURI;
    if (registrationTx === undefined || metadataURI === undefined) {
      const [log] = await client.publicClient.getContractEvents({
        address: registry,
        abi: nodeRegistryAbi,
        eventName: "NodeRegistered",
        args: { nodeId },
        fromBlock: "earliest",
      });
      registrationTx ??= log?.transactionHash;
      registeredAtBlock ??= log?.blockNumber ?? undefined;
      metadataURI ??= log?.args.metadataURI;
    }
    // Off-chain parts (CPU features, discounts) come from the metadata document when it is readable.
    let discounts = {};
    if (metadataURI) {
      try {
        const doc = await fetchMetadata(metadataURI, view.metadataHash);
        if (doc.cpuFeatures) capabilities = capabilities.withFeatures(doc.cpuFeatures);
        if (doc.pricing?.discounts) discounts = doc.pricing.discounts;
      } catch {
        // The document is optional for operating the node; its hash stays on-chain for whoever needs it.
      }
    }
    let publicKey: Hex | "" = "";
    if (options.signerAccount && options.signerAccount.address.toLowerCase() === view.signer.toLowerCase())
      publicKey = options.signerAccount.publicKey;
    else if (view.signer.toLowerCase() === view.owner.toLowerCase()) {
      const wallet = client.walletClient?.account;
      if (
        wallet &&
        typeof wallet === "object" &&
        wallet.type === "local" &&
        wallet.address === view.owner &&
        "publicKey" in wallet
      )
        publicKey = (wallet as LocalAccount).publicKey;
      else if (registrationTx) publicKey = await publicKeyOfSender(client, registrationTx);
    }
    return new Node({
      context,
      id: view.id,
      owner: view.owner,
      signer: view.signer,
      publicKey,
      capabilities,
      prices: Prices.fromStruct(view.prices, tokens, { discounts }),
      reputation: Object.freeze({
        score: ppmToScore(view.reputation),
        ppm: view.reputation,
        completed: view.completed,
        failed: view.failed,
        slashed: view.slashed,
        disputesLost: view.disputesLost,
      }),
      metadataHash: view.metadataHash,
      signerAccount: options.signerAccount,
      registeredAtBlock,
      metadataURI,
    });
  }

  /** The capabilities (the design's `NodeCapabilities`, sizes in GB). */
  get capabilities(): NodeCapabilities {
    return this.#capabilities.toNodeCapabilities();
  }

  /** The capabilities value object. */
  get capabilitiesValue(): Capabilities {
    return this.#capabilities;
  }

  /** The reputation as last read from the chain (refreshed by `status()` and `refresh()`). */
  get reputation(): ReputationScore {
    return this.#reputation;
  }

  /** The metadata URI announced at registration, when known. */
  get metadataURI(): string | undefined {
    return this.#metadataURI;
  }

  /** The shared context (clients, deployment, tokens). */
  get context(): SandrunContext {
    return this.#context;
  }

  /**
   * Plugs the worker module into this node (overrides the one given to `createSandrun`).
   * @example
   * ```ts
   * node.attachWorker(createWorker({ … }));
   * await node.startListening();
   * ```
   */
  attachWorker(worker: NodeWorker): this {
    this.#worker = worker;
    return this;
  }

  /** The node id as a bigint. */
  get nodeId(): bigint {
    return BigInt(this.id);
  }

  // ------------------------------------------------------------------ pools

  /**
   * Joins an open pool whose requirements the node meets.
   * @example
   * ```ts
   * await node.joinPool("1");
   * ```
   */
  async joinPool(poolId: string): Promise<void> {
    await joinPool(this.#context.client, {
      poolRegistry: this.#poolRegistry("joinPool"),
      poolId: BigInt(poolId),
      nodeId: this.nodeId,
    });
  }

  /**
   * Leaves a pool (affects only future jobs).
   * @example
   * ```ts
   * await node.leavePool("1");
   * ```
   */
  async leavePool(poolId: string): Promise<void> {
    await leavePool(this.#context.client, {
      poolRegistry: this.#poolRegistry("leavePool"),
      poolId: BigInt(poolId),
      nodeId: this.nodeId,
    });
  }

  #poolRegistry(action: string): Address {
    const a = this.#context.deployment.poolRegistry;
    if (!a)
      throw new MissingConfigurationError("deployment.poolRegistry", `${action} writes the pool registry`);
    return a;
  }

  // ------------------------------------------------------------------ liveness

  /**
   * Sends a heartbeat (from the wallet: the owner, or the signer when the wallet is the signer).
   * @example
   * ```ts
   * const { lastSeen, availability } = await node.heartbeat();
   * ```
   */
  async heartbeat(): Promise<HeartbeatResponse> {
    const registry = this.#context.deployment.nodeRegistry;
    const { hash, blockNumber } = await heartbeatNode(this.#context.client, {
      registry,
      nodeId: this.nodeId,
    });
    const { lastSeen, availability } = await getLiveness(this.#context.client, {
      registry,
      nodeId: this.nodeId,
    });
    return Object.freeze({ txHash: hash, blockNumber, lastSeen, availability });
  }

  /**
   * Re-reads reputation from the chain.
   * @example
   * ```ts
   * const { score } = await node.refresh().then(() => node.reputation);
   * ```
   */
  async refresh(): Promise<void> {
    const view = await getNode(this.#context.client, {
      registry: this.#context.deployment.nodeRegistry,
      nodeId: this.nodeId,
    });
    this.#reputation = Object.freeze({
      score: ppmToScore(view.reputation),
      ppm: view.reputation,
      completed: view.completed,
      failed: view.failed,
      slashed: view.slashed,
      disputesLost: view.disputesLost,
    });
  }

  // ------------------------------------------------------------------ resources

  /**
   * Utilisation: the local ledger's reserved shares, combined with machine metrics when a probe
   * is plugged in (each resource takes the larger of the two).
   * @example
   * ```ts
   * const u = await node.getUtilization();
   * if (u.overall > 0.9) console.log("busy");
   * ```
   */
  async getUtilization(): Promise<ResourceUtilization> {
    const reserved = this.ledger.shares();
    const probe = this.#worker?.utilizationProbe ?? this.#context.extensions.utilizationProbe;
    const machine = probe ? await probe() : null;
    const pick = (k: "cpu" | "memory" | "gpu" | "storage") => Math.max(reserved[k], machine?.[k] ?? 0);
    const u = { cpu: pick("cpu"), memory: pick("memory"), gpu: pick("gpu"), storage: pick("storage") };
    return Object.freeze({
      nodeId: this.id,
      ...u,
      overall: Math.max(u.cpu, u.memory, u.gpu, u.storage),
      reserved: Object.freeze(reserved),
      machine,
    });
  }

  /**
   * Reserves part of the declared capacity (all or nothing).
   * @throws CapacityExceededError when a resource is short
   * @example
   * ```ts
   * const r = await node.reserveResources({ gpus: 1, cpuCores: 4, memory: "16GB", jobId: "12" });
   * ```
   */
  async reserveResources(requirements: ResourceRequest): Promise<Reservation> {
    return this.ledger.reserve(requirements);
  }

  /**
   * Releases a reservation.
   * @throws UnknownIdError for an unknown id
   * @example
   * ```ts
   * await node.releaseResources(r.id);
   * ```
   */
  async releaseResources(reservationId: string): Promise<void> {
    this.ledger.release(reservationId);
  }

  // ------------------------------------------------------------------ payments

  /**
   * Records the invoice the worker will send with this job's result: `amount` in the job's token
   * units, at most the job's per-node price (read from the market). It reaches the chain as
   * the `invoice` argument of the node's report/reveal (`node.invoices.forJob(jobId).raw`).
   * @throws InvoiceRejectedError
   * @example
   * ```ts
   * const invoice = await node.submitInvoice("12", "0.4");
   * ```
   */
  async submitInvoice(jobId: string, amount: string): Promise<Invoice> {
    const market = requireMarket(this.#context.deployment.jobMarket, "submitInvoice");
    const [job, tokens] = await Promise.all([
      readJob(this.#context.client, market, BigInt(jobId)),
      this.#context.tokens(),
    ]);
    return this.invoices.add(jobId, amount, { token: tokens.get(job.token), pricePerNode: job.pricePerNode });
  }

  /**
   * Withdraws what settlement credited to the owner in the invoice's token (pull payment: the
   * market pays the owner's whole available balance of that token). Sent from the wallet, which
   * must be the owner's. Reverts decode to typed errors (`JobMarketNothingToWithdraw` while the
   * payment is still held in its challenge window or the job is unsettled).
   * @example
   * ```ts
   * const claim = await node.claimPayment(invoice.id);
   * ```
   */
  async claimPayment(invoiceId: string): Promise<PaymentClaim> {
    const invoice = this.invoices.get(invoiceId);
    const market = requireMarket(this.#context.deployment.jobMarket, "claimPayment");
    const { hash, amount } = await withdrawPayment(this.#context.client, market, invoice.token);
    invoice.status = "claimed";
    const tokens = await this.#context.tokens();
    const token = tokens.get(invoice.token);
    return Object.freeze({
      invoiceId,
      jobId: invoice.jobId,
      txHash: hash,
      amount: fromBaseUnits(amount, token.decimals),
      raw: amount,
      currency: token.symbol,
    });
  }

  // ------------------------------------------------------------------ status

  /**
   * The node's status: online (a heartbeat within two epochs of chain time and not
   * deregistered), utilisation, local jobs, reputation, and earnings in the pricing currency:
   * the node's net payouts from the market's `JobSettled` settlement records (less overturned
   * ones), summed exactly with bigints over rolling 1/7/30-day windows of chain time.
   * @example
   * ```ts
   * const s = await node.status();
   * console.log(s.online, s.earnings.total);
   * ```
   */
  async status(): Promise<NodeStatus> {
    const client = this.#context.client;
    const registry = this.#context.deployment.nodeRegistry;
    const errors: string[] = [...this.#errors];
    const [view, liveness, epochLength, block, utilization] = await Promise.all([
      getNode(client, { registry, nodeId: this.nodeId }),
      getLiveness(client, { registry, nodeId: this.nodeId }),
      client.publicClient.readContract({
        address: registry,
        abi: nodeRegistryAbi,
        functionName: "epochLength",
      }),
      client.publicClient.getBlock(),
      this.getUtilization(),
    ]);
    this.#reputation = Object.freeze({
      score: ppmToScore(view.reputation),
      ppm: view.reputation,
      completed: view.completed,
      failed: view.failed,
      slashed: view.slashed,
      disputesLost: view.disputesLost,
    });
    const now = Number(block.timestamp);
    const online =
      NODE_STATUSES[view.status] !== "deregistered" && now - liveness.lastSeen <= 2 * epochLength;
    const token = this.prices.token;
    const sums = { today: 0n, week: 0n, month: 0n, total: 0n };
    const market = this.#context.deployment.jobMarket;
    if (!market) errors.push("no job market in the deployment: earnings unknown");
    else {
      try {
        for (const c of await payoutsOf(client, market, this.nodeId, this.#registeredAtBlock ?? "earliest")) {
          if (c.token.toLowerCase() !== token.address.toLowerCase()) continue;
          sums.total += c.amount;
          const age = now - c.timestamp;
          if (age < DAY) sums.today += c.amount;
          if (age < 7 * DAY) sums.week += c.amount;
          if (age < 30 * DAY) sums.month += c.amount;
        }
      } catch (e) {
        errors.push(`earnings: ${e instanceof SandrunError ? e.shortMessage : String(e)}`);
      }
    }
    const m = utilization.machine;
    errors.push(...(m?.errors ?? []));
    const f = (v: bigint) => fromBaseUnits(v, token.decimals);
    return Object.freeze({
      online,
      utilization,
      activeJobs: this.ledger.activeJobs(),
      queuedJobs: this.ledger.queuedJobs(),
      reputation: this.#reputation,
      earnings: Object.freeze({
        today: f(sums.today),
        week: f(sums.week),
        month: f(sums.month),
        total: f(sums.total),
        currency: token.symbol,
      }),
      health: Object.freeze({
        temperature: m?.temperature ?? null,
        powerDraw: m?.powerDraw ?? null,
        errors: Object.freeze(errors),
      }),
    });
  }

  // ------------------------------------------------------------------ events

  /**
   * Subscribes to a NodeEvent (see client/node/events.ts for each event's source and data).
   * Chain-sourced events start a watcher on the job market the first time they are asked for.
   * @example
   * ```ts
   * node.on("resource-low", (resource) => console.log(`Low ${resource}`));
   * ```
   */
  on<E extends NodeEvent>(event: E, handler: NodeEventHandler<E>): void {
    this.#emitter.on(event, handler);
    if (
      event === "job-claimed" ||
      event === "job-completed" ||
      event === "payment-received" ||
      event === "dispute-raised"
    )
      this.#watch(event);
  }

  /**
   * Removes a handler; the chain watcher stops when its event has no handlers left.
   * @example
   * ```ts
   * node.off("resource-low", handler);
   * ```
   */
  off<E extends NodeEvent>(event: E, handler: NodeEventHandler<E>): void {
    this.#emitter.off(event, handler);
    if (this.#emitter.count(event) === 0) this.#watchers.delete(event);
    const chainEvents: NodeEvent[] = ["job-claimed", "job-completed", "payment-received", "dispute-raised"];
    if (this.#watchers.has("market") && chainEvents.every((e) => this.#emitter.count(e) === 0)) {
      this.#watchers.get("market")!();
      this.#watchers.delete("market");
    }
  }

  /**
   * Emits a NodeEvent to this node's handlers (the worker uses it, e.g. for `job-started`).
   * @example
   * ```ts
   * node.emit("job-started", { jobId: "12" });
   * ```
   */
  emit<E extends NodeEvent>(event: E, data: NodeEventData[E]): void {
    this.#emitter.emit(event, data);
  }

  #loadJobs(): Promise<void> {
    const market = requireMarket(this.#context.deployment.jobMarket, "node events");
    this.#jobsLoaded ??= jobsOfNode(
      this.#context.client,
      market,
      this.nodeId,
      this.#registeredAtBlock ?? "earliest",
    ).then((ids) => {
      for (const id of ids) this.#myJobs.add(id);
    });
    return this.#jobsLoaded;
  }

  /**
   * One watcher over every JobMarket event, started by the first chain-sourced handler: it
   * keeps the set of this node's jobs and maps the market's events to NodeEvents.
   */
  #watch(event: NodeEvent): void {
    this.#watchers.set(event, () => undefined);
    if (this.#watchers.has("market")) return;
    const market = requireMarket(this.#context.deployment.jobMarket, `node.on('${event}')`);
    const onError = (e: Error) => this.#errors.push(`market watcher: ${e.message}`);
    const loaded = this.#loadJobs().catch(onError);
    const claimed = new Set<bigint>();
    this.#watchers.set(
      "market",
      this.#context.client.publicClient.watchContractEvent({
        address: market,
        abi: jobMarketAbi,
        onError,
        onLogs: async (logs) => {
          await loaded;
          const tokens = await this.#context.tokens();
          for (const l of logs) {
            if (
              l.eventName === "SlotTaken" ||
              l.eventName === "ResultCommitted" ||
              l.eventName === "ResultReported"
            ) {
              if (l.args.nodeId !== this.nodeId) continue;
              const jobId = l.args.jobId!;
              this.#myJobs.add(jobId);
              // Reporting directly takes the slot too; one job-claimed per job.
              if (!claimed.has(jobId)) {
                claimed.add(jobId);
                this.#emitter.emit("job-claimed", { jobId: jobId.toString(), slot: l.args.slot! });
              }
            } else if (l.eventName === "JobSettled") {
              const rec = l.args.record!;
              const i = rec.nodes.indexOf(this.nodeId);
              if (i < 0) continue;
              const jobId = l.args.jobId!.toString();
              this.#emitter.emit("job-completed", { jobId, consensus: l.args.consensus! });
              const amount = rec.amounts[i] ?? 0n;
              if (amount > 0n) {
                const token = tokens.find(rec.token);
                this.#emitter.emit("payment-received", {
                  jobId,
                  amount: token ? fromBaseUnits(amount, token.decimals) : amount.toString(),
                  currency: token?.symbol ?? rec.token,
                  raw: amount,
                  heldUntil: rec.challengeEnds,
                });
              }
            } else if (l.eventName === "DisputeRaised" && this.#myJobs.has(l.args.jobId!))
              this.#emitter.emit("dispute-raised", {
                jobId: l.args.jobId!.toString(),
                disputer: l.args.disputer!,
                deposit: fromBaseUnits(l.args.deposit!, 18), // dispute deposits are ETH
                evidenceURI: l.args.evidenceURI!,
              });
          }
        },
      }),
    );
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Stops the worker (when attached: it drains first), every chain watcher and every handler.
   * @example
   * ```ts
   * await node.shutdown();
   * ```
   */
  async shutdown(): Promise<void> {
    try {
      await this.#worker?.shutdown?.(this);
    } finally {
      for (const unwatch of this.#watchers.values()) unwatch();
      this.#watchers.clear();
      this.#emitter.clear();
    }
  }

  // ------------------------------------------------------------------ worker (delegated)

  #requireWorker(method: string): NodeWorker {
    if (!this.#worker)
      throw new NotSupportedError(
        `Node.${method}`,
        "job execution lives in the worker module (Node.js only): node.attachWorker(worker) or createSandrun({ extensions: { worker } })",
      );
    return this.#worker;
  }

  /**
   * Takes a slot in a job (worker). @throws NotSupportedError without a worker
   * @example
   * ```ts
   * await node.claimJob("12");
   * ```
   */
  claimJob(jobId: string): Promise<unknown> {
    return this.#requireWorker("claimJob").claimJob(this, jobId);
  }

  /**
   * Runs a job in a sandbox (worker). @throws NotSupportedError without a worker
   * @example
   * ```ts
   * const execution = await node.executeJob(job);
   * ```
   */
  executeJob(job: unknown): Promise<unknown> {
    return this.#requireWorker("executeJob").executeJob(this, job);
  }

  /**
   * Signs an execution receipt (worker). @throws NotSupportedError without a worker
   * @example
   * ```ts
   * const proof = await node.generateProof(execution);
   * ```
   */
  generateProof(execution: unknown): Promise<unknown> {
    return this.#requireWorker("generateProof").generateProof(this, execution);
  }

  /**
   * Measures the machine (worker). @throws NotSupportedError without a worker
   * @example
   * ```ts
   * const results = await node.benchmark();
   * ```
   */
  benchmark(): Promise<unknown> {
    return this.#requireWorker("benchmark").benchmark(this);
  }

  /**
   * Starts the worker daemon for this node. @throws NotSupportedError without a worker
   * @example
   * ```ts
   * await node.startListening();
   * ```
   */
  startListening(): Promise<void> {
    return this.#requireWorker("startListening").startListening(this);
  }

  /**
   * Stops the worker daemon. @throws NotSupportedError without a worker
   * @example
   * ```ts
   * await node.stopListening();
   * ```
   */
  stopListening(): Promise<void> {
    return this.#requireWorker("stopListening").stopListening(this);
  }
}
