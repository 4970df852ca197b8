/**
 * The local metrics sink: EMF from a real child process reaches it (and not the terminal), the alarms follow
 * CloudWatch's evaluation over their local periods (a real gateway's 5XX rate takes the ALB alarm OK -> ALARM -> OK),
 * missing data is treated as each alarm says, and the ops API validates its queries.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alarmDefinitions, architectureAlarms, LOCAL_PERIOD_SECONDS } from "@cloudcafe/catalog";
import { createLogger } from "@cloudcafe/observability";
import { startGateway, type RunningGateway } from "../src/gateway.ts";
import { createMetricsSink, type MetricsSink } from "../src/observability/sink.ts";
import { createOpsApp, opsGatewayRule } from "../src/observability/ops-app.ts";
import { startOpsServer, type RunningOpsServer } from "../src/observability/serve-ops.ts";
import { gatewayTraffic } from "../src/observability/collectors/gateway-traffic.ts";
import { createTerminalOutput, prettyLogLine } from "../src/observability/terminal-output.ts";
import { parseMetricMath } from "../src/observability/metric-math.ts";
import { spawnChild } from "../src/process/children.ts";
import { tsxCommand } from "../src/process/tsx-node.ts";

const quiet = createLogger({ service: "metrics-sink-test", level: "ERROR" });
const PERIOD_MS = LOCAL_PERIOD_SECONDS * 1000;

/** A clock the test moves, starting on a period boundary. */
function testClock() {
  let now = Math.ceil(Date.now() / PERIOD_MS) * PERIOD_MS;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const stateOf = (sink: MetricsSink, key: string) => sink.alarms().find((alarm) => alarm.key === key)!;

describe("EMF from the platform's processes", () => {
  it("records the EMF documents a child process writes through the real emitter and prints only its log lines", async () => {
    const sink = createMetricsSink();
    const printed: string[] = [];
    const terminal = createTerminalOutput({ format: "pretty", ingestMetrics: sink.ingestLine, write: (text) => printed.push(text) });
    const child = spawnChild({
      name: "emf child",
      ...tsxCommand(new URL("./support/emit-emf.ts", import.meta.url), ["4"]),
      // The test run silences metrics (CLOUDCAFE_METRICS_DISABLED); this child is the platform, where they are on.
      env: { ...process.env, CLOUDCAFE_METRICS_DISABLED: "false", LOG_LEVEL: "INFO" },
      onLine: (line, stream) => terminal.line(line, "emf-child", stream),
    });
    expect(await child.exited).toBe(0);
    // The pipe may hand over its last lines just after the exit.
    await expect.poll(() => sink.store.list().length, { timeout: 5_000 }).toBe(1);

    const [series] = sink.store.select({ namespace: "CloudCafe/SinkTest", name: "Probe" });
    expect(series).toEqual({ namespace: "CloudCafe/SinkTest", name: "Probe", dimensions: { service: "sink-test-child", route: "/probe" }, unit: "Milliseconds" });
    const selector = { namespace: "CloudCafe/SinkTest", name: "Probe", dimensions: { route: "/probe" } };
    expect(sink.store.aggregate(selector, "SampleCount", Date.now() - 60_000, Date.now() + 1_000)).toBe(4);
    expect(sink.store.aggregate(selector, "Sum", Date.now() - 60_000, Date.now() + 1_000)).toBe(10);
    expect(sink.store.aggregate(selector, "p99", Date.now() - 60_000, Date.now() + 1_000)).toBe(4);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  sink-test-child +child started count=4 trace=0af76519\n$/);
  });

  it("prints JSON lines when asked, wrapping a plain text line as a log entry of its process", () => {
    const printed: string[] = [];
    const terminal = createTerminalOutput({ format: "json", ingestMetrics: () => false, write: (text) => printed.push(text) });
    terminal.line('{"timestamp":"2026-12-02T10:00:00.000Z","level":"INFO","service":"order-service","trace_id":null,"message":"listening"}', "order-service");
    terminal.line("Debugger listening", "order-service", "stderr");
    expect(printed[0]).toBe('{"timestamp":"2026-12-02T10:00:00.000Z","level":"INFO","service":"order-service","trace_id":null,"message":"listening"}\n');
    expect(JSON.parse(printed[1]!)).toMatchObject({ level: "WARN", service: "order-service", trace_id: null, message: "Debugger listening" });
    expect(prettyLogLine({ timestamp: "2026-12-02T10:00:00.123Z", level: "ERROR", service: "payment", message: "failed", error: { message: "boom" } }, false)).toBe(
      '00:00.123 ERROR payment            failed error="boom"'.replace(/^/, "10:"),
    );
  });
});

describe("alarm evaluation over local periods", () => {
  it("uses the catalog's definitions: the six, the chaos guard, the fault registry's six, each with a local period a few seconds long", () => {
    expect(Object.keys(architectureAlarms)).toHaveLength(6);
    const sink = createMetricsSink();
    expect(sink.alarms().map((alarm) => [alarm.key, alarm.periodSeconds * alarm.evaluationPeriods])).toEqual([
      ["alb5xxRate", 10],
      ["databaseConnections", 20],
      ["dynamoUserErrors", 10],
      ["lambdaErrorRate", 10],
      ["ecsRunningBelowDesired", 6],
      ["cacheHitRate", 30],
      ["paymentDurationGuard", 6],
      ["alb4xxRate", 4],
      ["paymentQueueAge", 6],
      ["loyaltyUnhealthyHosts", 4],
      ["dynamoThrottledRequests", 4],
      ["memoryDbUnreachable", 2],
      ["cacheMissStorm", 4],
      ["documentDbErrors", 4],
    ]);
  });

  it("takes the payment error rate alarm OK -> ALARM -> OK as the rate crosses 2% for 5 periods and falls back", () => {
    const clock = testClock();
    const sink = createMetricsSink({ now: clock.now, definitions: { lambdaErrorRate: alarmDefinitions.lambdaErrorRate } });
    const invocations = (count: number, errors: number) => {
      const dimensions = { FunctionName: "payment-processor", service: "local-event-source" };
      for (let i = 0; i < count; i++) {
        sink.record({ namespace: "AWS/Lambda", name: "Invocations", value: 1, dimensions, timestamp: clock.now() });
        sink.record({ namespace: "AWS/Lambda", name: "Errors", value: i < errors ? 1 : 0, dimensions, timestamp: clock.now() });
      }
    };
    const period = (count: number, errors: number) => {
      invocations(count, errors);
      clock.advance(PERIOD_MS);
      return stateOf(sink, "lambdaErrorRate");
    };

    // Not evaluated before a whole period has passed; then no invocations: missing data is not breaching, so OK.
    expect(stateOf(sink, "lambdaErrorRate")).toMatchObject({ state: "INSUFFICIENT_DATA", reason: "Not evaluated yet" });
    clock.advance(PERIOD_MS);
    expect(stateOf(sink, "lambdaErrorRate").state).toBe("OK");
    for (let i = 0; i < 5; i++) expect(period(100, 1).state).toBe("OK");
    // 4 periods at 10% are not yet "for 5 minutes".
    for (let i = 0; i < 4; i++) expect(period(100, 10).state).toBe("OK");
    const alarm = period(100, 10);
    expect(alarm.state).toBe("ALARM");
    expect(alarm.reason).toBe("Threshold crossed: 5 of the last 5 datapoints [10, 10, 10, 10, 10] were greater than the threshold (2)");
    expect(alarm.stateChangedAt).toBe(new Date(clock.now()).toISOString());
    // One good period ends it.
    const recovered = period(100, 0);
    expect(recovered.state).toBe("OK");
    expect(recovered.history.map(({ from, to }) => `${from}->${to}`)).toEqual(["ALARM->OK", "OK->ALARM", "INSUFFICIENT_DATA->OK"]);
    expect(recovered.recent.slice(-11).map((point) => point.value)).toEqual([1, 1, 1, 1, 1, 10, 10, 10, 10, 10, 0]);
  });

  it("treats missing data as each alarm says: breaching for running tasks, INSUFFICIENT_DATA for connections, OK for the hit rate", () => {
    const clock = testClock();
    const { ecsRunningBelowDesired, databaseConnections, cacheHitRate } = alarmDefinitions;
    const sink = createMetricsSink({ now: clock.now, definitions: { ecsRunningBelowDesired, databaseConnections, cacheHitRate } });
    clock.advance(3 * PERIOD_MS);
    // Nobody reports tasks: that is the failure the alarm is for.
    expect(stateOf(sink, "ecsRunningBelowDesired")).toMatchObject({
      state: "ALARM",
      reason: "Threshold crossed: 3 of the last 3 datapoints [missing, missing, missing] were greater than the threshold (0) (missing data treated as breaching)",
    });
    expect(stateOf(sink, "databaseConnections")).toMatchObject({ state: "INSUFFICIENT_DATA", threshold: null });
    expect(stateOf(sink, "cacheHitRate").state).toBe("OK");

    // Reports arrive: 2 of 2 running, and 10 connections of 100.
    sink.setKnown("databaseMaxConnections", 100);
    for (let i = 0; i < 10; i++) {
      sink.recordRunning("order", 2, 2);
      sink.record({ namespace: "AWS/RDS", name: "DatabaseConnections", value: 10, dimensions: { DBClusterIdentifier: "local" }, timestamp: clock.now() });
      clock.advance(PERIOD_MS);
    }
    expect(stateOf(sink, "ecsRunningBelowDesired").state).toBe("OK");
    expect(stateOf(sink, "databaseConnections")).toMatchObject({ state: "OK", threshold: 80 });
    // One replica down for 3 periods.
    for (let i = 0; i < 3; i++) {
      sink.recordRunning("order", 1, 2);
      clock.advance(PERIOD_MS);
    }
    expect(stateOf(sink, "ecsRunningBelowDesired")).toMatchObject({ state: "ALARM", reason: "Threshold crossed: 3 of the last 3 datapoints [1, 1, 1] were greater than the threshold (0)" });
  });

  it("raises the fault registry's unhealthy loyalty target alarm from the target health the gateway reports", () => {
    const clock = testClock();
    const sink = createMetricsSink({ now: clock.now, definitions: { loyaltyUnhealthyHosts: alarmDefinitions.loyaltyUnhealthyHosts } });
    sink.recordTargetHealth("loyalty", 2, 0);
    sink.start();
    clock.advance(2 * PERIOD_MS);
    expect(stateOf(sink, "loyaltyUnhealthyHosts").state).toBe("OK");
    // Reported once, repeated every tick until it changes, as a load balancer reports every period.
    sink.recordTargetHealth("loyalty", 1, 1);
    for (let i = 0; i < 2; i++) {
      clock.advance(PERIOD_MS);
      sink.recordTargetHealth("loyalty", 1, 1);
    }
    sink.stop();
    expect(stateOf(sink, "loyaltyUnhealthyHosts")).toMatchObject({ state: "ALARM", reason: "Threshold crossed: 2 of the last 2 datapoints [1, 1] were greater than the threshold (0)" });
    expect(sink.store.select({ namespace: "AWS/NetworkELB", name: "UnHealthyHostCount" })[0]!.dimensions).toEqual({ LoadBalancer: "local-nlb", TargetGroup: "loyalty" });
  });

  it("looks a sampled level up as each period ends and before an evaluation asked for now, with no timer of its own", async () => {
    vi.useFakeTimers();
    try {
      const sink = createMetricsSink({ definitions: { loyaltyUnhealthyHosts: alarmDefinitions.loyaltyUnhealthyHosts } });
      let unhealthy = 0;
      let looks = 0;
      sink.sampleEachPeriod(() => {
        looks += 1;
        sink.recordTargetHealth("loyalty", 2 - unhealthy, unhealthy);
      });
      expect(looks).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
      const beforeStart = looks;
      sink.start();
      await vi.advanceTimersByTimeAsync(3 * PERIOD_MS);
      // The tick at start, then one a period.
      expect(looks - beforeStart).toBe(4);
      // A target goes unhealthy between ticks: the next ticks (and an evaluation now) see it.
      unhealthy = 1;
      expect(stateOf(sink, "loyaltyUnhealthyHosts").state).toBe("OK");
      await vi.advanceTimersByTimeAsync(3 * PERIOD_MS);
      expect(stateOf(sink, "loyaltyUnhealthyHosts").state).toBe("ALARM");
      sink.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("evaluates CloudWatch metric math: FILL, precedence, missing operands and division by zero", () => {
    const math = parseMetricMath("100 * (FILL(errors, 0) + FILL(targetErrors, 0)) / requests");
    expect(math.ids.sort()).toEqual(["errors", "requests", "targetErrors"]);
    expect(math.evaluate({ errors: 3, requests: 50 })).toBe(6);
    expect(math.evaluate({ errors: 3 })).toBeUndefined();
    expect(math.evaluate({ requests: 0 })).toBeUndefined();
    expect(parseMetricMath("desired - running").evaluate({ desired: 2, running: 1 })).toBe(1);
    expect(() => parseMetricMath("100 * (errors")).toThrow(/Expected \)/);
  });
});

describe("the ALB alarm on a real gateway", () => {
  let upstream: Server;
  let gateway: RunningGateway;
  let ops: RunningOpsServer;
  let failing = false;
  const sink = createMetricsSink({ definitions: { alb5xxRate: alarmDefinitions.alb5xxRate } });

  beforeAll(async () => {
    upstream = createServer((_request, response) => {
      response.writeHead(failing ? 500 : 200, { "content-type": "application/json", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
      response.end("{}");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    ops = await startOpsServer(sink, { port: 0, logger: quiet });
    const orderRule = { service: "order", pathPatterns: ["/api/orders", "/api/orders/*"], targets: [`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`] };
    const opsRule = opsGatewayRule(ops.url);
    gateway = await startGateway({ port: 0, rules: [orderRule, opsRule], observe: gatewayTraffic(sink, [orderRule], [opsRule]) });
    sink.start();
  });

  afterAll(async () => {
    sink.stop();
    await gateway?.stop();
    await ops?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  const alarmOverHttp = async () => {
    const body = (await (await fetch(`${gateway.url}/api/ops/alarms`)).json()) as { alarms: { key: string; state: string; reason: string }[] };
    return body.alarms.find((alarm) => alarm.key === "alb5xxRate")!;
  };

  /** Steady traffic, about 20 requests a second, until `until` says stop. */
  async function traffic(until: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await until())) {
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(await alarmOverHttp())}`);
      await Promise.all(Array.from({ length: 10 }, () => fetch(`${gateway.url}/api/orders/x`).then((response) => response.arrayBuffer())));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it("goes OK -> ALARM when the services answer 5XX for 5 local periods, and back to OK when they stop", { timeout: 60_000 }, async () => {
    await traffic(async () => (await alarmOverHttp()).state === "OK", 10_000);
    failing = true;
    const failingSince = Date.now();
    await traffic(async () => (await alarmOverHttp()).state === "ALARM", 30_000);
    // Not before 5 periods of failures: the first may have begun healthy, the other four failed whole.
    expect(Date.now() - failingSince).toBeGreaterThanOrEqual(4 * PERIOD_MS);
    expect((await alarmOverHttp()).reason).toMatch(/^Threshold crossed: 5 of the last 5 datapoints \[[\d.]+, 100, 100, 100, 100\] were greater than the threshold \(5\)$/);
    failing = false;
    await traffic(async () => (await alarmOverHttp()).state === "OK", 15_000);

    const answer = await fetch(`${gateway.url}/api/ops/metrics?namespace=AWS/ApplicationELB&name=HTTPCode_Target_5XX_Count&statistic=Sum&merge=true`);
    const { series } = (await answer.json()) as { series: { dimensions: Record<string, string>; points: { value: number }[] }[] };
    expect(series[0]!.points.reduce((total, point) => total + point.value, 0)).toBeGreaterThanOrEqual(50);
    // The console's calls to /api/ops are not the ALB's requests; an API path no rule routes is, answered by the
    // gateway itself (a 404 without the services' trace context: the ELB's 4XX).
    expect((await fetch(`${gateway.url}/api/nothing-here`)).status).toBe(404);
    const requests = sink.store.select({ namespace: "AWS/ApplicationELB", name: "RequestCount" });
    expect(requests.map((one) => one.dimensions)).toEqual([{ LoadBalancer: "local-gateway", TargetGroup: "order" }, { LoadBalancer: "local-gateway" }]);
    expect(sink.store.select({ namespace: "AWS/ApplicationELB", name: "HTTPCode_ELB_4XX_Count" }).map((one) => one.dimensions)).toEqual([{ LoadBalancer: "local-gateway" }]);
  });
});

describe("the ops API", () => {
  const clock = testClock();
  const sink = createMetricsSink({ now: clock.now });
  const app = createOpsApp(sink, { logger: quiet, now: clock.now });
  sink.record({ namespace: "CloudCafe/OrderService", name: "OrderCreationDuration", value: 40, unit: "Milliseconds", dimensions: { service: "order-service" }, timestamp: clock.now() - 1_000 });
  sink.record({ namespace: "CloudCafe/OrderService", name: "OrderCreationDuration", value: 80, unit: "Milliseconds", dimensions: { service: "order-service" }, timestamp: clock.now() - 1_000 });

  const get = async (query: string) => {
    const response = await app.request(`/api/ops/metrics?${query}`);
    return { status: response.status, body: (await response.json()) as any };
  };

  it("answers a metric's recent points per period for each series with the given dimensions", async () => {
    const { status, body } = await get("namespace=CloudCafe/OrderService&name=OrderCreationDuration&dimensions=service=order-service&statistic=Maximum&period=2");
    expect(status).toBe(200);
    expect(body.series).toEqual([
      { namespace: "CloudCafe/OrderService", name: "OrderCreationDuration", dimensions: { service: "order-service" }, unit: "Milliseconds", points: [{ t: new Date(clock.now() - 2_000).toISOString(), value: 80 }] },
    ]);
    expect((await get("namespace=CloudCafe/OrderService&name=OrderCreationDuration&dimensions=service=menu")).body.series).toEqual([]);
  });

  it("merges only the series with the given dimensions, which may have more", async () => {
    const probe = (value: number, dimensions: Record<string, string>) =>
      sink.record({ namespace: "CloudCafe/SinkTest", name: "Copies", value, unit: "Count", dimensions, timestamp: clock.now() - 1_000 });
    probe(2, { cluster: "c", service: "order" });
    probe(1, { cluster: "c", service: "menu" });
    const merged = async (filter: string) => (await get(`namespace=CloudCafe/SinkTest&name=Copies&statistic=Minimum&merge=true${filter}`)).body.series;
    expect((await merged("")).map((one: any) => [one.dimensions, one.points[0].value])).toEqual([[{}, 1]]);
    expect((await merged("&dimensions=service=order")).map((one: any) => [one.dimensions, one.points[0].value])).toEqual([[{ service: "order" }, 2]]);
    expect(await merged("&dimensions=service=order,cluster=other")).toEqual([]);
  });

  it.each([
    ["no namespace", "name=OrderCreationDuration"],
    ["dimensions that are not Name=Value pairs", "namespace=a&name=b&dimensions=service"],
    ["a dimension named twice", "namespace=a&name=b&dimensions=service=a,service=b"],
    ["an unknown statistic", "namespace=a&name=b&statistic=Median"],
    ["a period of 0", "namespace=a&name=b&period=0"],
    ["a since that is not a time", "namespace=a&name=b&since=yesterday"],
    ["a since in the future", `namespace=a&name=b&since=${new Date(Date.now() + 3_600_000).toISOString()}`],
  ])("refuses %s with 400 VALIDATION_FAILED", async (_, query) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
  });
});
