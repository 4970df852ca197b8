import type { Context } from "aws-lambda";
import type { LambdaEvent } from "hono/aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { startMenuService } from "./menu-service.ts";
import { anOrder } from "./support.ts";

const menu = await startMenuService();
afterAll(() => menu.stop());

/** An API Gateway REST (v1) proxy event, as API Gateway hands a request to the order service's Lambda entry. */
function apiGatewayEvent(method: string, path: string, body?: unknown): LambdaEvent {
  return {
    version: "1.0",
    httpMethod: method,
    path,
    resource: "/{proxy+}",
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    headers: { "content-type": "application/json", host: "api.example.test" },
    multiValueHeaders: {},
    pathParameters: { proxy: path.slice(1) },
    requestContext: { httpMethod: method, path, stage: "dev", requestId: "req-1", identity: { sourceIp: "127.0.0.1" } } as Extract<LambdaEvent, { version: string; resource: string }>["requestContext"],
  };
}

describe("the order service's Lambda entry (hono/aws-lambda)", () => {
  it("serves the same app as the container: an order placed through an API Gateway event is read back", async () => {
    const { handler } = await import("../src/lambda.ts");
    const context = {} as Context;
    const placed = await handler(apiGatewayEvent("POST", "/api/orders", anOrder()), context);
    expect(placed.statusCode).toBe(201);
    const order = JSON.parse(placed.body) as { orderId: string; status: string };
    expect(order.status).toBe("PENDING");

    const read = await handler(apiGatewayEvent("GET", `/api/orders/${order.orderId}`), context);
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ orderId: order.orderId });

    const invalid = await handler(apiGatewayEvent("POST", "/api/orders", { customerId: "" }), context);
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});
