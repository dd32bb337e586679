import { expect } from "chai";
import { describe, it } from "mocha";
import { InvalidUnitError, ValidationError } from "../../client/errors.ts";
import { TokenRegistry, defineToken, toBaseUnits } from "../../client/money/index.ts";
import { Capabilities } from "../../client/node/capabilities.ts";
import { planRegistration } from "../../client/node/config.ts";
import { canonicalJson, encodeMetadata, fetchMetadata } from "../../client/node/metadata.ts";
import { Prices } from "../../client/node/prices.ts";
import { parseSizeGB, parseSizeMB } from "../../client/node/units.ts";

const USDC = defineToken("USDC", "0x5FbDB2315678afecb367f032d93F642f64180aa3", 6);
const tokens = TokenRegistry.native().with(USDC);

const basicCaps = {
  gpu: { type: "rtx4090", memory: "24GB", count: 2 },
  cpu: { cores: 16, threads: 32, frequency: 3600 },
  memory: { total: 64, type: "ddr4" as const, speed: 3200 },
  storage: { type: "nvme" as const, capacity: 2000, iops: 100000 },
  network: { bandwidth: 1000, latency: 10 },
};

describe("node values: units", () => {
  it("reads sizes as the design writes them", () => {
    expect(parseSizeGB("24GB", "f")).to.equal(24);
    expect(parseSizeGB("80GB", "f")).to.equal(80);
    expect(parseSizeGB("4TB", "f")).to.equal(4000);
    expect(parseSizeGB("512MB", "f")).to.equal(0.512);
    expect(parseSizeGB(64, "f")).to.equal(64);
    expect(parseSizeMB("1.5 TB", "f")).to.equal(1_500_000n);
  });
  for (const bad of ["24XB", "GB", "-1GB", "1e3GB", "", {}, -5, Number.NaN])
    it(`refuses size ${JSON.stringify(bad)}`, () => {
      expect(() => parseSizeMB(bad, "gpu.memory"))
        .to.throw(InvalidUnitError)
        .with.property("field", "gpu.memory");
    });
});

describe("node values: capabilities", () => {
  it("encodes the Basic Node Registration capabilities with documented defaults", () => {
    const caps = Capabilities.from(basicCaps, "us-west-2");
    const s = caps.toStruct();
    expect(s).to.include({
      gpuCount: 2,
      gpuMemoryGB: 24,
      gpuComputeCapability: 0,
      gpuInterconnect: 0,
      cpuArch: 0,
      cpuCores: 16,
      cpuThreads: 32,
      cpuMHz: 3600,
      memoryGB: 64,
      memoryType: 0,
      memoryMHz: 3200,
      storageType: 1,
      storageGB: 2000,
      storageIOPS: 100000,
      bandwidthMbps: 1000,
      latencyMs: 10,
    });
    expect(Object.isFrozen(caps)).to.equal(true);
    expect(Object.isFrozen(caps.data.gpu)).to.equal(true);
    const back = Capabilities.fromStruct(s);
    expect(back.data).to.deep.equal(caps.data);
  });

  it("encodes compute capability in tenths exactly and interconnect, memory and storage enums", () => {
    const s = Capabilities.from({
      gpu: { type: "h100", memory: "80GB", count: 8, computeCapability: 8.9, interconnect: "infiniband" },
      cpu: { architecture: "arm64", cores: 128, threads: 256, frequency: 2400, features: ["avx2"] },
      memory: { total: "1TB", type: "hbm", speed: 4800 },
      storage: { type: "hdd", capacity: "4TB" },
    }).toStruct();
    expect(s.gpuComputeCapability).to.equal(89);
    expect([s.gpuInterconnect, s.cpuArch, s.memoryType, s.storageType]).to.deep.equal([2, 1, 2, 2]);
    expect(s.memoryGB).to.equal(1000);
    expect(s.storageGB).to.equal(4000);
  });

  it("reports every capability problem at once, field by field", () => {
    try {
      Capabilities.from(
        {
          gpu: {
            type: "RTX 4090!",
            memory: "512MB",
            count: 0,
            computeCapability: 8.95,
            interconnect: "pcie" as "nvlink",
          },
          cpu: { cores: 16, threads: 8, frequency: 70000 },
          memory: { total: "lots" },
          storage: { type: "tape" as "ssd", capacity: 1, iops: -1 },
          network: { bandwidth: 1.5, latency: 10 },
        },
        "US West",
      );
      expect.fail("should throw");
    } catch (e) {
      expect(e).to.be.instanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.field)).to.have.members([
        "gpu.type",
        "gpu.memory",
        "gpu.count",
        "gpu.computeCapability",
        "gpu.interconnect",
        "cpu.threads",
        "cpu.frequency",
        "memory.total",
        "storage.type",
        "storage.iops",
        "network.bandwidth",
        "region",
      ]);
    }
  });
});

describe("node values: prices", () => {
  it("encodes a partial model (GPU and CPU only) with the rest 0", () => {
    const p = Prices.from({ gpu: { perHour: "0.5" }, cpu: { perCoreHour: "0.02" }, currency: "ETH" }, tokens);
    expect(p.toStruct()).to.deep.equal({
      gpuHour: toBaseUnits("0.5", 18),
      cpuCoreHour: toBaseUnits("0.02", 18),
      memoryGBHour: 0n,
      storageGBHour: 0n,
      networkGB: 0n,
      perJob: 0n,
      minimumJob: 0n,
      token: "0x0000000000000000000000000000000000000000",
    });
    expect(Prices.fromStruct(p.toStruct(), tokens).toPricingModel()).to.deep.equal({
      currency: "ETH",
      gpu: { perHour: "0.5" },
      cpu: { perCoreHour: "0.02" },
    });
  });

  it("takes discounts both at top level and inside gpu", () => {
    const p = Prices.from(
      {
        gpu: { perHour: "4.0", perJob: "0.1", discounts: { volume: [{ threshold: 100, discount: 0.1 }] } },
        discounts: { duration: [{ hours: 24, discount: 0.05 }] },
        currency: "ETH",
      },
      tokens,
    );
    expect(p.data.discounts).to.deep.equal({
      volume: [{ threshold: 100, discount: 0.1 }],
      duration: [{ hours: 24, discount: 0.05 }],
    });
    expect(p.data.items.perJob).to.equal(toBaseUnits("0.1", 18));
  });

  it("refuses prices that do not fit uint64 or the token's decimals", () => {
    try {
      Prices.from({ gpu: { perHour: "19" }, cpu: { perCoreHour: "0.0000001" }, currency: "ETH" }, tokens);
      expect.fail("should throw");
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.field)).to.deep.equal(["pricing.gpu.perHour"]);
    }
    try {
      Prices.from({ cpu: { perCoreHour: "0.0000001" }, currency: "USDC" }, tokens);
      expect.fail("should throw");
    } catch (e) {
      expect((e as ValidationError).issues[0]?.message).to.contain("more than 6 decimal");
    }
  });
});

describe("node values: validation", () => {
  it("reports every problem of a node configuration at once", () => {
    const { issues, plan } = planRegistration(
      {
        privateKey: "0x1234",
        alias: "bad alias with spaces",
        capabilities: { gpu: { type: "a100", memory: "80XB", count: 1 } },
        pricing: { gpu: { perHour: "-1" }, currency: "DOGE" },
        paymentMethods: ["ETH", "BTC"],
        bond: { amount: "1e3", token: "ETH" },
        availability: { schedule: "", plannedMaintenance: ["Christmas"] },
        insurance: { provider: "", coverage: "lots", currency: "ETH" },
        statusEndpoint: "ftp://x",
      },
      tokens,
    );
    expect(plan).to.equal(null);
    expect(issues.map((i) => i.field)).to.include.members([
      "identity",
      "alias",
      "capabilities.gpu.memory",
      "capabilities.cpu",
      "capabilities.memory.total",
      "pricing.currency",
      "pricing.gpu.perHour",
      "paymentMethods[1]",
      "bondAmount.amount",
      "availability.schedule",
      "availability.plannedMaintenance[0]",
      "insurance.provider",
      "insurance.coverage",
      "statusEndpoint",
    ]);
  });

  it("plans a valid professional node: signer from identity, bond, metadata with off-chain parts", () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const { issues, plan } = planRegistration(
      {
        privateKey: key,
        alias: "datacenter-a100-cluster",
        capabilities: { ...basicCaps, cpu: { ...basicCaps.cpu, features: ["avx2", "sse4"] } },
        region: "us-east-1",
        availability: { schedule: "24/7", plannedMaintenance: ["2024-12-25T00:00:00Z"] },
        bond: { amount: "10.0", token: "ETH" },
        insurance: { provider: "NodeGuard", coverage: "100.0", currency: "ETH" },
        pricing: {
          gpu: { perHour: "4.0", perJob: "0.1", discounts: { volume: [{ threshold: 100, discount: 0.1 }] } },
          currency: "ETH",
        },
      },
      tokens,
    );
    expect(issues).to.deep.equal([]);
    expect(plan!.signer!.address).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    expect(plan!.signer!.publicKey).to.match(/^0x04[0-9a-f]{128}$/);
    expect(plan!.bond.amount).to.equal(10n ** 19n);
    expect(plan!.document.cpuFeatures).to.deep.equal(["avx2", "sse4"]);
    expect(plan!.document.pricing?.discounts?.volume).to.deep.equal([{ threshold: 100, discount: 0.1 }]);
    expect(plan!.metadata.uri).to.match(/^data:application\/json;base64,/);
  });
});

describe("node values: metadata document", () => {
  it("serialises canonically, so equal documents hash equally", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined })).to.equal(
      '{"a":[2,{"c":4,"d":3}],"b":1}',
    );
    const a = encodeMetadata({ schema: "sandrun.node/1", alias: "x", paymentMethods: ["ETH"] });
    const b = encodeMetadata({ paymentMethods: ["ETH"], alias: "x", schema: "sandrun.node/1" });
    expect(a.hash).to.equal(b.hash);
  });

  it("reads a data URI back and checks its hash", async () => {
    const doc = { schema: "sandrun.node/1" as const, alias: "rig-ü" };
    const { uri, hash } = encodeMetadata(doc);
    expect(await fetchMetadata(uri, hash)).to.deep.equal(doc);
    const other = encodeMetadata({ schema: "sandrun.node/1", alias: "other" });
    await fetchMetadata(uri, other.hash).then(
      () => expect.fail("should reject"),
      (e: Error) => expect(e.name).to.equal("MetadataError"),
    );
  });
});
