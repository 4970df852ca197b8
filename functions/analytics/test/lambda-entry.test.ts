import type { Context } from "aws-lambda";
import type { LambdaEvent } from "hono/aws-lambda";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { describe, expect, it } from "vitest";
import { runSchema } from "./support.ts";

useLocalEnv();
process.env.ANALYTICS_SCHEMA = runSchema();

/** An API Gateway REST (v1) event for one of the read API's routes, as API Gateway hands it to the Lambda. */
function apiGatewayEvent(path: string, resource: string, query: Record<string, string> = {}): LambdaEvent {
  return {
    version: "1.0",
    httpMethod: "GET",
    path,
    resource,
    body: null,
    isBase64Encoded: false,
    headers: { host: "api.example.test" },
    multiValueHeaders: {},
    queryStringParameters: query,
    requestContext: { httpMethod: "GET", path, stage: "dev", requestId: "req-1", identity: { sourceIp: "127.0.0.1" } } as Extract<LambdaEvent, { version: string; resource: string }>["requestContext"],
  } as LambdaEvent;
}

describe("the analytics read API's Lambda entry (hono/aws-lambda)", () => {
  it("answers a store's windows written to the warehouse, and refuses a period over 24 hours", async () => {
    const { handler } = await import("../src/lambda.ts");
    const { sharedAnalyticsApiRuntime } = await import("../src/runtime.ts");
    const { warehouse } = sharedAnalyticsApiRuntime();
    const storeId = `store-lambda-${Date.now().toString(36)}`;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await warehouse.prepare();
    await warehouse.writeWindows([{ storeId, windowStartMs: minute, sourceShard: "shardId-0", ordersPlaced: 2, ordersPaid: 1, revenueCents: 450, items: [] }]);
    const context = {} as Context;

    // An explicit period around the written minute: the default (the hour up to now) depends on the clock of the read.
    const period = { from: new Date(minute - 60_000).toISOString(), to: new Date(minute + 120_000).toISOString() };
    const read = await handler(apiGatewayEvent(`/api/analytics/stores/${storeId}/minutes`, "/api/analytics/stores/{storeId}/minutes", period), context);
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toEqual({
      windows: [{ windowStart: new Date(minute).toISOString(), ordersPlaced: 2, ordersPaid: 1, revenueCents: 450, items: [], averageTicketCents: 450 }],
    });

    const tooLong = await handler(
      apiGatewayEvent(`/api/analytics/stores/${storeId}/minutes`, "/api/analytics/stores/{storeId}/minutes", { from: "2026-01-01T00:00:00Z", to: "2026-01-03T00:00:00Z" }),
      context,
    );
    expect(tooLong.statusCode).toBe(400);
    expect(JSON.parse(tooLong.body)).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});
