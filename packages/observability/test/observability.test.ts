import { describe, expect, it } from "vitest";
import { addToContext, createLogger, createMetrics, traceIdFrom, traceIdOfRecord, traceparentFor, withContext } from "../src/index.ts";

describe("structured logger", () => {
  it("writes timestamp, level, service, trace_id, customer_id and message from the async context", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: "order-service", level: "INFO", write: (l) => lines.push(JSON.parse(l)) });
    await Promise.all([
      withContext({ traceId: "a".repeat(32) }, async () => {
        addToContext({ customerId: "cust-a" });
        await new Promise((r) => setTimeout(r, 5));
        logger.info("first");
      }),
      withContext({ traceId: "b".repeat(32) }, async () => logger.info("second", { order_id: "o-1" })),
    ]);
    logger.debug("filtered out");
    expect(lines).toHaveLength(2);
    const first = lines.find((l) => l.message === "first")!;
    expect(Object.keys(first).slice(0, 6)).toEqual(["timestamp", "level", "service", "trace_id", "customer_id", "message"]);
    expect(first).toMatchObject({ level: "INFO", service: "order-service", trace_id: "a".repeat(32), customer_id: "cust-a" });
    expect(lines.find((l) => l.message === "second")).toMatchObject({ trace_id: "b".repeat(32), customer_id: null, order_id: "o-1" });
  });
});

describe("EMF metrics", () => {
  it("emits a CloudWatch embedded metric document under the namespace", () => {
    const docs: Record<string, any>[] = [];
    createMetrics({ namespace: "CloudCafe/OrderService", service: "order-service", write: (l) => docs.push(JSON.parse(l)) }).put(
      "OrderCreationDuration",
      12.5,
      "Milliseconds",
      { store_id: "s-1" },
    );
    const [doc] = docs;
    expect(doc!._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: "CloudCafe/OrderService",
      Dimensions: [["service", "store_id"]],
      Metrics: [{ Name: "OrderCreationDuration", Unit: "Milliseconds" }],
    });
    expect(doc).toMatchObject({ service: "order-service", store_id: "s-1", OrderCreationDuration: 12.5 });
  });
});

describe("trace context", () => {
  it("round-trips the trace id through traceparent and SQS message attributes", () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const header = traceparentFor(traceId);
    expect(traceIdFrom(header)).toBe(traceId);
    expect(traceIdFrom("garbage")).toBeUndefined();
    expect(traceIdOfRecord({ messageAttributes: { traceparent: { stringValue: header } } })).toBe(traceId);
    expect(traceIdOfRecord({})).toMatch(/^[0-9a-f]{32}$/);
  });
});
