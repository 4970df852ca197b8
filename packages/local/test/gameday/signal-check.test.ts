/**
 * The game day's signal check against the real metrics sink and ops API (over HTTP, through the game day's platform
 * client): each registry signal metric is read by its own dimensions, so a fault aimed at one service is judged on
 * that service's series, not on every series of the metric merged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faults, LOCAL_PERIOD_SECONDS, type ServiceKey, serviceOrchestration } from "@cloudcafe/catalog";
import { createLogger } from "@cloudcafe/observability";
import { platformClient } from "../../src/gameday/platform-client.ts";
import { localSignalSelector, signalLabel, signalMoved } from "../../src/gameday/scenario.ts";
import { startOpsServer, type RunningOpsServer } from "../../src/observability/serve-ops.ts";
import { createMetricsSink } from "../../src/observability/sink.ts";

const PERIOD_MS = LOCAL_PERIOD_SECONDS * 1000;
const quiet = createLogger({ service: "signal-check-test", level: "ERROR" });
const serviceKeys = Object.keys(serviceOrchestration) as ServiceKey[];
const copies = (service: ServiceKey) => serviceOrchestration[service].localReplicas;

describe("the game day's signal check, per dimension", () => {
  // A clock the test moves a second at a time, starting on a period boundary, as the sink repeats its gauges.
  let now = Math.ceil(Date.now() / PERIOD_MS) * PERIOD_MS;
  const sink = createMetricsSink({ now: () => now });
  const client = () => platformClient(ops.url, "not-checked-by-the-ops-api");
  let ops: RunningOpsServer;

  beforeAll(async () => {
    ops = await startOpsServer(sink, { port: 0, logger: quiet, now: () => now });
  });
  afterAll(async () => {
    await ops?.stop();
  });

  /** `seconds` of what `npm start` reports each second: every service's running copies and its NLB/ALB targets' health. */
  const report = (seconds: number, running: (service: ServiceKey) => number = copies, unhealthy: (service: ServiceKey) => number = () => 0) => {
    for (let second = 0; second < seconds; second++) {
      for (const service of serviceKeys) {
        sink.recordRunning(service, running(service), copies(service));
        sink.recordTargetHealth(service, running(service) - unhealthy(service), unhealthy(service));
      }
      now += 1_000;
    }
  };

  /** A scenario's 10 s baseline, `fault` for 6 s from the injection, then 6 s of recovery: its start, injection and end. */
  const scenario = (fault: { running?: (service: ServiceKey) => number; unhealthy?: (service: ServiceKey) => number }) => {
    const startedAt = now;
    report(10);
    const injectedAt = now;
    report(6, fault.running, fault.unhealthy);
    report(6);
    return { startedAt, injectedAt, endedAt: now };
  };

  it("sees ecs-task-termination halve the order service's copies, which its RunningTaskCount merged with the single-copy services' hides", async () => {
    expect(copies("order")).toBe(2);
    const { startedAt, injectedAt, endedAt } = scenario({ running: (service) => (service === "order" ? 1 : copies(service)) });
    const [signal] = faults["ecs-task-termination"].signals.metrics;
    const selector = localSignalSelector(signal);
    expect(signalLabel(selector)).toBe("ECS/ContainerInsights RunningTaskCount ClusterName=local,ServiceName=order");

    const merged = await client().metricPeriods({ namespace: signal.namespace, name: signal.name }, startedAt);
    expect(merged.filter((period) => period.t + PERIOD_MS > injectedAt && period.t < endedAt).map((period) => [period.min, period.max])).toContainEqual([1, 2]);
    expect(signalMoved(merged, injectedAt, endedAt)).toBe(false);

    const own = await client().metricPeriods(selector, startedAt);
    expect(Math.min(...own.map((period) => period.min))).toBe(1);
    expect(signalMoved(own, injectedAt, endedAt)).toBe(true);
  });

  it("reads eks-node-drain's menu and inventory copies apart: an eviction of one moves its own signal only", async () => {
    const { startedAt, injectedAt, endedAt } = scenario({ running: (service) => (service === "menu" ? 0 : copies(service)) });
    const moved = await Promise.all(
      faults["eks-node-drain"].signals.metrics
        .filter((metric) => metric.name === "RunningTaskCount")
        .map(async (metric) => {
          const selector = localSignalSelector(metric);
          return [signalLabel(selector), signalMoved(await client().metricPeriods(selector, startedAt), injectedAt, endedAt)];
        }),
    );
    expect(moved).toEqual([
      ["ECS/ContainerInsights RunningTaskCount ServiceName=menu", true],
      ["ECS/ContainerInsights RunningTaskCount ServiceName=inventory", false],
    ]);
  });

  it("does not credit ec2-instance-termination with another NLB target group's unhealthy host, as the merged series does", async () => {
    // The analytics API is behind the NLB locally too; the fault kills loyalty (and the worker, which has no target).
    const { startedAt, injectedAt, endedAt } = scenario({ unhealthy: (service) => (service === "analytics" ? 1 : 0) });
    const [signal] = faults["ec2-instance-termination"].signals.metrics;
    expect(signalMoved(await client().metricPeriods({ namespace: signal.namespace, name: signal.name }, startedAt), injectedAt, endedAt)).toBe(true);
    expect(signalMoved(await client().metricPeriods(localSignalSelector(signal), startedAt), injectedAt, endedAt)).toBe(false);

    const failing = scenario({ unhealthy: (service) => (service === "loyalty" ? 1 : 0) });
    expect(signalMoved(await client().metricPeriods(localSignalSelector(signal), failing.startedAt), failing.injectedAt, failing.endedAt)).toBe(true);
  });
});
