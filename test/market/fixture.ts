/**
 * Shared fixture for the job market tests and the market gas benchmark: the whole protocol
 * deployed by the real Ignition module (NodeRegistry, PoolRegistry, JobMarket + modules,
 * SimpleArbiter), registered nodes with their own signer keys, pools, and helpers that build
 * job requests, seals, reveals and EIP-712 signatures exactly as the contract checks them.
 */
import {
  encodeAbiParameters,
  keccak256,
  parseEther,
  stringToHex,
  toBytes,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { NetworkConnection } from "hardhat/types/network";
import SandrunModule from "../../ignition/modules/Sandrun.ts";
import {
  SAMPLE_METADATA_HASH,
  SAMPLE_METADATA_URI,
  sampleCapabilities,
  samplePrices,
} from "../registry/helpers.ts";

export const ETH = zeroAddress;
export const MIN_BOND = parseEther("0.1");
export const BOND = parseEther("10");
export const PRICE = parseEther("0.01");
export const COLLATERAL = parseEther("0.5");
export const FEE_BPS = 100n;
export const CHALLENGE = 24 * 3600;
export const DISPUTE_DEPOSIT = parseEther("0.01");
export const DISPUTE_PERIOD = 3 * 24 * 3600;
export const COMMIT_WINDOW = 3600;
export const REVEAL_WINDOW = 3600;

/** Strategy enum values (contracts/types/Policy.sol). */
export const S = { FastestWins: 0, MajorityRule: 1, TwoOfThree: 2, ThreeOfFive: 3, BFT: 4, PoS: 5 } as const;
/** Verification level enum values. */
export const L = { Basic: 0, Standard: 1, Strict: 2, Cryptographic: 3 } as const;

/** EIP-712 types the market verifies (contracts/libraries/JobMessages.sol). */
export const EIP712_TYPES = {
  Commit: [
    { name: "jobId", type: "uint256" },
    { name: "nodeId", type: "uint64" },
    { name: "seal", type: "bytes32" },
  ],
  Report: [
    { name: "jobId", type: "uint256" },
    { name: "nodeId", type: "uint64" },
    { name: "digest", type: "bytes32" },
    { name: "resultURIHash", type: "bytes32" },
    { name: "invoice", type: "uint96" },
  ],
  Receipt: [
    { name: "jobId", type: "uint256" },
    { name: "specHash", type: "bytes32" },
    { name: "runtime", type: "uint8" },
    { name: "digest", type: "bytes32" },
    { name: "resultURIHash", type: "bytes32" },
    { name: "wallMs", type: "uint64" },
    { name: "cpuMs", type: "uint64" },
    { name: "peakMemory", type: "uint64" },
  ],
} as const;

export interface TestNode {
  id: bigint;
  signer: PrivateKeyAccount;
  owner: Awaited<ReturnType<NetworkConnection["viem"]["getWalletClients"]>>[number];
}

export interface RevealInput {
  digest: Hex;
  salt: Hex;
  invoice: bigint;
  resultURI: string;
  usage: { wallMs: bigint; cpuMs: bigint; peakMemory: bigint };
  receiptSignature: Hex;
}

/** `xs[i]`, or a thrown error naming the index (tests index fixed arrays; a miss is a test bug). */
export function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${i} (length ${xs.length})`);
  return x;
}

/** A deterministic 32-byte digest for a label ("good", "bad"). */
export function digestOf(label: string): Hex {
  return keccak256(stringToHex(label));
}

/** Deploys the protocol through the Ignition module and registers `nodeCount` bonded nodes. */
export async function deployMarket(
  connection: NetworkConnection,
  nodeCount = 6,
  params: Record<string, unknown> = {},
) {
  const { viem, ignition } = connection;
  const wallets = await viem.getWalletClients();
  const admin = at(wallets, 0);
  const requester = at(wallets, 1);
  const treasury = at(wallets, 2);
  const carrier = at(wallets, 3);
  const other = at(wallets, 4);
  const nodeOwners = wallets.slice(5);
  const deployed = await ignition.deploy(SandrunModule, {
    parameters: {
      Sandrun: {
        treasury: treasury.account.address,
        minBond: MIN_BOND,
        feeBps: Number(FEE_BPS),
        challengeWindow: CHALLENGE,
        disputeDeposit: DISPUTE_DEPOSIT,
        disputePeriod: DISPUTE_PERIOD,
        ...params,
      },
    },
  });
  const registry = await viem.getContractAt("NodeRegistry", deployed.nodeRegistry.address);
  const pools = await viem.getContractAt("PoolRegistry", deployed.poolRegistry.address);
  const market = await viem.getContractAt("JobMarket", deployed.jobMarket.address);
  const arbiter = await viem.getContractAt("SimpleArbiter", deployed.arbiter.address);
  const publicClient = await viem.getPublicClient();
  const chainId = await publicClient.getChainId();

  const nodes: TestNode[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const owner = at(nodeOwners, i);
    const signer = privateKeyToAccount(generatePrivateKey());
    const reg = await viem.getContractAt("NodeRegistry", registry.address, { client: { wallet: owner } });
    await reg.write.register(
      [
        signer.address,
        ETH,
        BOND,
        sampleCapabilities(),
        samplePrices(),
        SAMPLE_METADATA_HASH,
        SAMPLE_METADATA_URI,
      ],
      { value: BOND },
    );
    nodes.push({ id: BigInt(i + 1), signer, owner });
  }

  const domain = {
    name: "Sandrun JobMarket",
    version: "1",
    chainId,
    verifyingContract: market.address,
  } as const;

  /** Creates a pool owned by the requester with `members` as its nodes. */
  async function createPool(
    strategy: number,
    level: number,
    members: TestNode[],
    redundancy = 0,
  ): Promise<bigint> {
    const p = await viem.getContractAt("PoolRegistry", pools.address, { client: { wallet: requester } });
    const before = await pools.read.poolCount();
    await p.write.createPool([
      { strategy, redundancy, verification: level, open: true, minReputation: 0, minBond: 0n },
      {
        gpuModel: `0x${"00".repeat(16)}`,
        region: `0x${"00".repeat(16)}`,
        minGpuCount: 0,
        minMemoryGB: 0,
        minBandwidthMbps: 0,
      },
      members.map((m) => m.id),
    ]);
    return before + 1n;
  }

  /** A job request with sensible defaults. */
  function request(poolId: bigint, over: Partial<JobRequestInput> = {}): JobRequestInput {
    return {
      poolId,
      specHash: digestOf("spec"),
      runtime: 0,
      strategy: 255,
      redundancy: 0,
      resources: 0n,
      token: ETH,
      pricePerNode: PRICE,
      collateralPerNode: COLLATERAL,
      commitWindow: COMMIT_WINDOW,
      revealWindow: REVEAL_WINDOW,
      nodes: [],
      specURI: "ipfs://spec",
      inlineSpec: "0x",
      encryptionKey: "0x",
      ...over,
    };
  }

  /** Posts a job as the requester; returns its id. */
  async function post(req: JobRequestInput, n: bigint, value?: bigint): Promise<bigint> {
    const m = await asWallet(requester);
    await m.write.postJob([req], { value: value ?? (req.token === ETH ? n * req.pricePerNode : 0n) });
    return await market.read.lastJobId();
  }

  async function asWallet(wallet: (typeof wallets)[number]) {
    return await viem.getContractAt("JobMarket", market.address, { client: { wallet } });
  }

  /**
   * Deploys a 6-decimal MockERC20 and a FeeOnTransferToken, allow-lists both at the market, and
   * gives the requester `amount` of each, approved to the market (the ERC-20 escrow tests' set-up).
   */
  async function requesterTokens(amount: bigint) {
    const token = await viem.deployContract("MockERC20", ["Mock USD", "mUSD", 6]);
    const fot = await viem.deployContract("FeeOnTransferToken", []);
    for (const address of [token.address, fot.address]) {
      await market.write.setTokenAllowed([address, true]);
      const asRequester = await viem.getContractAt("MockERC20", address, { client: { wallet: requester } });
      await asRequester.write.mint([requester.account.address, amount]);
      await asRequester.write.approve([market.address, amount]);
    }
    return { token, fot };
  }

  /** The seal the contract expects (JobMessages.seal); `contract` is the market (or the gas-floor probe). */
  function seal(jobId: bigint, nodeId: bigint, r: RevealInput, contract: Hex = market.address): Hex {
    return keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "uint256" },
          { type: "uint64" },
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "uint96" },
          { type: "bytes32" },
        ],
        [
          BigInt(chainId),
          contract,
          jobId,
          nodeId,
          r.digest,
          keccak256(toBytes(r.resultURI)),
          r.invoice,
          r.salt,
        ],
      ),
    );
  }

  /** A reveal preimage for `label`'s digest with a fresh salt. */
  function revealOf(label: string, invoice = 0n, resultURI = `ipfs://result/${label}`): RevealInput {
    return {
      digest: digestOf(label),
      salt: keccak256(toBytes(generatePrivateKey())),
      invoice,
      resultURI,
      usage: { wallMs: 1200n, cpuMs: 1100n, peakMemory: 64n * 1024n * 1024n },
      receiptSignature: "0x",
    };
  }

  async function signCommit(node: TestNode, jobId: bigint, sealHex: Hex, signer = node.signer, dom = domain) {
    return await signer.signTypedData({
      domain: dom,
      types: EIP712_TYPES,
      primaryType: "Commit",
      message: { jobId, nodeId: node.id, seal: sealHex },
    });
  }

  async function signReport(node: TestNode, jobId: bigint, digest: Hex, invoice: bigint, resultURI: string) {
    return await node.signer.signTypedData({
      domain,
      types: EIP712_TYPES,
      primaryType: "Report",
      message: { jobId, nodeId: node.id, digest, resultURIHash: keccak256(toBytes(resultURI)), invoice },
    });
  }

  async function signReceipt(node: TestNode, jobId: bigint, specHash: Hex, runtime: number, r: RevealInput) {
    return await node.signer.signTypedData({
      domain,
      types: EIP712_TYPES,
      primaryType: "Receipt",
      message: {
        jobId,
        specHash,
        runtime,
        digest: r.digest,
        resultURIHash: keccak256(toBytes(r.resultURI)),
        ...r.usage,
      },
    });
  }

  /** Node `i` (0-based) of the fixture. */
  function node(i: number): TestNode {
    return at(nodes, i);
  }

  return {
    ...connection,
    node,
    registry,
    pools,
    market,
    arbiter,
    publicClient,
    chainId,
    admin,
    requester,
    treasury,
    carrier,
    other,
    nodes,
    domain,
    createPool,
    request,
    post,
    asWallet,
    requesterTokens,
    seal,
    revealOf,
    signCommit,
    signReport,
    signReceipt,
  };
}

export type Market = Awaited<ReturnType<typeof deployMarket>>;

export interface JobRequestInput {
  poolId: bigint;
  specHash: Hex;
  runtime: number;
  strategy: number;
  redundancy: number;
  resources: bigint;
  token: Address;
  pricePerNode: bigint;
  collateralPerNode: bigint;
  commitWindow: number;
  revealWindow: number;
  nodes: readonly bigint[];
  specURI: string;
  inlineSpec: Hex;
  encryptionKey: Hex;
}

/** Node-sent helpers bound to one deployment. */
export function nodeSteps(f: Market) {
  async function asNode(node: TestNode) {
    return await f.viem.getContractAt("JobMarket", f.market.address, { client: { wallet: node.owner } });
  }
  return {
    asNode,
    async report(node: TestNode, jobId: bigint, label: string, invoice = 0n) {
      const m = await asNode(node);
      return await m.write.report([jobId, node.id, digestOf(label), invoice, `ipfs://result/${label}`]);
    },
    async commit(node: TestNode, jobId: bigint, r: RevealInput) {
      const m = await asNode(node);
      return await m.write.commit([jobId, node.id, f.seal(jobId, node.id, r)]);
    },
    async reveal(node: TestNode, jobId: bigint, slot: number, r: RevealInput) {
      const m = await asNode(node);
      return await m.write.reveal([jobId, slot, r]);
    },
  };
}
