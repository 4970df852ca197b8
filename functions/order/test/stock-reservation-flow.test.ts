import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoDocumentClient } from "@cloudcafe/adapters";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import type { SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { anOrder, bodyAt, orderClient, orderStatus, placeOrder, readOrder, waitFor } from "./support.ts";
import { flowQueuesOf, startFlowPollers } from "./pollers.ts";
import { startMenuService } from "./menu-service.ts";
import { startInventoryService } from "./inventory-service.ts";

Object.assign(process.env, { PAYMENT_DECLINE_RATE: "0", PAYMENT_FAILURE_RATE: "0", PAYMENT_GATEWAY_LATENCY_MS: "5", PAYMENT_GATEWAY_JITTER_MS: "0" });

const platform = localPlatform();
const menu = await startMenuService();
const inventory = await startInventoryService();
const { createOrderApp } = await import("../src/app.ts");
const { sharedOrderRuntime } = await import("../src/runtime.ts");
const runtime = sharedOrderRuntime();
const STAFF_TOKEN = "stock-flow-staff-token";
const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, operatorToken: STAFF_TOKEN });
const client = orderClient(app);
let pollers: SqsPoller[] = [];

const STORE = "store-chi-001";
const dynamo = dynamoDocumentClient();
const stock = async (sku: string) =>
  (await dynamo.send(new GetCommand({ TableName: inventory.table, Key: { storeId: STORE, sku }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  await purgeQueues(platform);
  // The starter store with little on the shelf: 3 espressos, no croissants.
  const rows = [
    { storeId: STORE, sku: "#store", status: "open", version: 1 },
    { storeId: STORE, sku: "ESP-003", onHand: 3, reserved: 0, available: 3, version: 1 },
    { storeId: STORE, sku: "BAK-001", onHand: 0, reserved: 0, available: 0, version: 1 },
  ];
  for (const Item of rows) await dynamo.send(new PutCommand({ TableName: inventory.table, Item }));
  runtime.relay.start(200);
  pollers = await startFlowPollers(
    flowQueuesOf(platform.resources),
    { failedVisibilityTimeoutSeconds: 1 },
  );
});

afterAll(async () => {
  await Promise.all(pollers.map((p) => p.stop()));
  await runtime.close();
  await inventory.stop();
  await menu.stop();
});

const settled = (orderId: string) =>
  waitFor(async () => ((await orderStatus(client, orderId)) === "PENDING" ? undefined : orderStatus(client, orderId)), `order ${orderId} to settle`);
/** The order's reservation once it has reached `status`. */
const reservationIn = (orderId: string, status: "released" | "returned") =>
  waitFor(async () => {
    const { Item } = await dynamo.send(new GetCommand({ TableName: inventory.table, Key: { storeId: `#reservation#${orderId}`, sku: "#reservation" }, ConsistentRead: true }));
    return Item?.status === status ? Item : undefined;
  }, `order ${orderId}'s reservation to be ${status}`);
const espresso = { sku: "ESP-003", quantity: 2, size: "grande" as const, options: [] };

describe("orders reserve stock before payment, end to end on the local engines", () => {
  it("rejects an order for a SKU the store has run out of, naming it, and holds none of its other lines", async () => {
    const order = await bodyAt(await placeOrder(client, anOrder({ storeId: STORE, items: [espresso, { sku: "BAK-001", quantity: 1, size: "single", options: [] }] })), 201);
    expect(await settled(order.orderId)).toBe("REJECTED");
    const rejected = await bodyAt(await readOrder(client, order.orderId), 200);
    expect(rejected.failureReason).toContain("out of stock: BAK-001");
    expect(await stock("ESP-003")).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
  });

  it("takes the stock of a paid order, once", async () => {
    const order = await bodyAt(await placeOrder(client, anOrder({ storeId: STORE, items: [espresso] })), 201);
    expect(await settled(order.orderId)).toBe("PAID");
    // The commit is delivered by the outbox after the order is PAID.
    const taken = await waitFor(async () => {
      const row = await stock("ESP-003");
      return row?.onHand === 1 ? row : undefined;
    }, "the paid order's stock to be taken");
    expect(taken).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it("gives back the stock of an order whose payment fails", async () => {
    const order = await bodyAt(
      await placeOrder(client, anOrder({ storeId: STORE, customerId: `test-decline-${Date.now()}`, items: [{ ...espresso, quantity: 1 }] })),
      201,
    );
    expect(await settled(order.orderId)).toBe("PAYMENT_FAILED");
    const reservation = await reservationIn(order.orderId, "released");
    expect(reservation).toMatchObject({ releaseReason: "payment failed" });
    expect(await stock("ESP-003")).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it("puts a paid order's stock back on the shelf, once, when the store cancels it before making it", async () => {
    const before = await stock("ESP-003");
    const order = await bodyAt(await placeOrder(client, anOrder({ storeId: STORE, items: [{ ...espresso, quantity: 1 }] })), 201);
    expect(await settled(order.orderId)).toBe("PAID");
    await waitFor(async () => ((await stock("ESP-003"))?.onHand === before!.onHand - 1 ? true : undefined), "the paid order's stock to be taken");
    const cancel = () =>
      app.request(`/api/orders/${order.orderId}/cancel`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${STAFF_TOKEN}` },
        body: JSON.stringify({ reason: "Milk ran out" }),
      });
    expect((await cancel()).status).toBe(200);
    expect((await cancel()).status).toBe(200);
    const reservation = await reservationIn(order.orderId, "returned");
    expect(reservation).toMatchObject({ releaseReason: "cancelled by the store: Milk ran out" });
    expect(await stock("ESP-003")).toMatchObject({ onHand: before!.onHand, reserved: 0, available: before!.available });
    // The refund completes the order; the stock stays where it is.
    await waitFor(async () => ((await orderStatus(client, order.orderId)) === "REFUNDED" ? true : undefined), "the refund");
    expect(await stock("ESP-003")).toMatchObject({ onHand: before!.onHand, available: before!.available });
  });
});
