import { describe, expect, it } from "vitest";
import { type AlarmKey, alarmDefinitions, alarmMetrics } from "../src/alarms.ts";
import { applicationFaults, faultIds, faults, fisFaults } from "../src/faults.ts";

/** The architecture's "Failure Scenarios" list, as it names them (the document lives outside this repository). */
const ARCHITECTURE_SCENARIOS = `ALB routing rule deletion; Security group ingress revocation; NAT Gateway failure simulation;
ECS task termination (50% capacity loss); EKS node drain; EC2 instance termination; Lambda throttling;
RDS Aurora failover; DynamoDB capacity throttling; DocumentDB connection exhaustion;
ElastiCache flush (cache miss storm); MemoryDB restart; Redis eviction pressure`;

describe("fault registry", () => {
  it("has one entry per failure scenario of the architecture, by the ids the game day and the console use", () => {
    expect(faultIds).toEqual([
      "alb-rule-deletion",
      "sg-ingress-revocation",
      "nat-gateway-failure",
      "ecs-task-termination",
      "eks-node-drain",
      "ec2-instance-termination",
      "lambda-throttling",
      "aurora-failover",
      "dynamodb-throttling",
      "documentdb-connection-exhaustion",
      "elasticache-flush",
      "memorydb-restart",
      "redis-eviction-pressure",
    ]);
    // Each title names a scenario listed under "Failure Scenarios" (ignoring the parenthesised detail).
    const scenarios = ARCHITECTURE_SCENARIOS;
    for (const id of faultIds) {
      const title = faults[id].title.replace(/ \(.*\)$/, "");
      expect(scenarios.toLowerCase(), id).toContain(title.toLowerCase().split(" ").slice(0, 2).join(" "));
    }
  });

  it("caps every fault: a default within its maximum, and a maximum of minutes, not hours", () => {
    for (const id of faultIds) {
      const spec = faults[id];
      expect(spec.defaultDurationSeconds, id).toBeGreaterThan(0);
      expect(spec.defaultDurationSeconds, id).toBeLessThanOrEqual(spec.maxDurationSeconds);
      expect(spec.maxDurationSeconds, id).toBeLessThanOrEqual(300);
    }
  });

  it("takes the architecture's expected recovery where its table has the row", () => {
    expect(faults["ecs-task-termination"].expectedRecovery.awsSeconds).toEqual([60, 90]);
    expect(faults["aurora-failover"].expectedRecovery.awsSeconds).toEqual([30, 60]);
    expect(faults["elasticache-flush"].expectedRecovery.awsSeconds).toEqual([300, 600]);
    expect(faults["alb-rule-deletion"].expectedRecovery.awsSeconds).toBe("manual");
    expect(faults["dynamodb-throttling"].expectedRecovery.awsSeconds).toEqual([120, 300]);
  });

  it("splits the scenarios between FIS (an action or a runbook it runs) and faults the deployed code reads", () => {
    expect([...fisFaults, ...applicationFaults].sort()).toEqual([...faultIds].sort());
    // FIS has no DynamoDB throttling action (the issue; FIS actions reference): the SDK layer injects it.
    expect(applicationFaults).toContain("dynamodb-throttling");
    expect(fisFaults).toEqual(expect.arrayContaining(["ecs-task-termination", "aurora-failover", "eks-node-drain", "ec2-instance-termination"]));
  });

  it("reads a signal metric by the dimensions its scenario's alarm reads it by, so the game day judges the alarm's series", () => {
    const shared = faultIds.flatMap((id) => {
      const read = Object.values(alarmMetrics(alarmDefinitions[faults[id].signals.alarm as AlarmKey]));
      return faults[id].signals.metrics.flatMap((metric) => {
        const alarmMetric = read.find((one) => one.namespace === metric.namespace && one.metricName === metric.name);
        return alarmMetric && "dimensions" in metric ? [{ signal: `${id} ${metric.name}`, dimensions: metric.dimensions, alarms: alarmMetric.dimensions }] : [];
      });
    });
    for (const { signal, dimensions, alarms } of shared) expect(dimensions, signal).toEqual(alarms);
    expect(shared.map(({ signal }) => signal)).toEqual([
      "nat-gateway-failure ApproximateAgeOfOldestMessage",
      "ecs-task-termination RunningTaskCount",
      "ec2-instance-termination UnHealthyHostCount",
      "lambda-throttling ApproximateAgeOfOldestMessage",
    ]);
  });
});
