import { beforeAll, describe, expect, it } from "vitest";
import { synthesize, type Synthesis } from "../offline/sst-runtime.ts";
import { ofType } from "./support/resources.ts";

/** `sst dev`: the same program with `$dev` on, as the SST CLI runs it for a live stage. */
describe("sst dev (dev stage)", () => {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesize("dev", { dev: true });
  });

  it("runs the order service locally instead of on ECS, and uses the local Redis", () => {
    expect(s.resources.filter((r) => r.type === "sst:sst:DevCommand").map((r) => r.name).sort()).toEqual([
      "CacheDev",
      "OrderServiceDev",
    ]);
    expect(ofType(s, "aws:ecs/service:Service")).toEqual([]);
    expect(ofType(s, "aws:elasticache/replicationGroup:ReplicationGroup")).toEqual([]);
  });

  it("runs the Menu service locally too: no image, no pods, and the order functions price from the laptop's gateway", () => {
    expect(s.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    expect(ofType(s, "docker-build:index:Image")).toEqual([]);
    const submission = ofType(s, "aws:lambda/function:Function").find((f) => f.inputs.name === "cloudcafe-dev-order-submission");
    expect(submission?.inputs.environment?.variables?.MENU_SERVICE_URL).toBe("http://127.0.0.1:3000");
  });

  it("still deploys the functions (as live bridges), alarms and chaos templates", () => {
    expect(ofType(s, "aws:lambda/function:Function").length).toBeGreaterThan(0);
    // The architecture's six, the guard of the Lambda delay experiment and the fault registry's six; every
    // experiment but the EKS and MemoryDB ones, which the lean profile (a personal stage's default) has no cluster for.
    expect(ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(14);
    expect(ofType(s, "aws:fis/experimentTemplate:ExperimentTemplate").map((t) => t.inputs.actions[0].actionId)).not.toContain(
      "aws:eks:terminate-nodegroup-instances",
    );
    expect(ofType(s, "aws:fis/experimentTemplate:ExperimentTemplate")).toHaveLength(9);
  });

  it("leaves FIS's Lambda extension off the payment processor, whose handler runs on the laptop", () => {
    const payment = ofType(s, "aws:lambda/function:Function").find((f) => f.inputs.name === "cloudcafe-dev-payment-processor");
    expect(payment?.inputs.layers).toBeUndefined();
    expect(Object.keys(payment?.inputs.environment?.variables ?? {}).filter((k) => k.startsWith("AWS_"))).toEqual([]);
    expect(payment?.inputs.environment?.variables?.PAYMENT_INIT_DELAY_MS).toBe("0");
  });
});
