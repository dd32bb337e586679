import { expect } from "chai";
import { describe, it } from "mocha";
import { main as basic } from "../../scripts/examples/basic-node-registration.ts";
import { main as fleet } from "../../scripts/examples/node-fleet.ts";
import { main as professional } from "../../scripts/examples/professional-node-setup.ts";

describe("the original design's node operation patterns, run as examples", () => {
  it("Basic Node Registration", async () => {
    const r = await basic();
    expect(r.id).to.equal("1");
    expect(r.gpu).to.deep.include({ type: "rtx4090", memory: 24, count: 2 });
    expect(r.prices).to.deep.equal({
      currency: "ETH",
      gpu: { perHour: "0.5" },
      cpu: { perCoreHour: "0.02" },
    });
    expect(r.publicKey).to.match(/^0x04[0-9a-f]{128}$/);
    expect(r.listening).to.equal("needs-worker"); // until the worker module is attached
  });

  it("Professional Node Setup: bonded, insured, monitored; alerts and payments arrive", async () => {
    const r = await professional();
    expect(r.alerts).to.deep.equal([`Low gpu on node ${r.id}`]);
    expect(r.received).to.deep.equal(["Received 0.1485 ETH"]); // 0.15 invoice less the 1% fee
    expect(r.earnings.total).to.equal("0.1485");
  });

  it("Node Pool Management (NodeFleet): fleet status and rebalancing", async () => {
    const r = await fleet();
    expect(r.before).to.deep.include({ totalNodes: 3, activeNodes: 3, totalEarnings: "0" });
    expect(r.moves).to.deep.equal({ overloaded: ["1"], underutilized: ["2", "3"] });
    expect(r.after.avgUtilization).to.equal(0.5);
  });
});
