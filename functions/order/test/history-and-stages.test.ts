import { afterAll, describe, expect, it } from "vitest";
import type { Order } from "@cloudcafe/core";
import { createOrderApp } from "../src/app.ts";
import { sharedOrderRuntime } from "../src/runtime.ts";
import { startMenuService } from "./menu-service.ts";
import { anOrder, bodyAt, bodyOf, eventsFor, orderClient, placeOrder, waitFor } from "./support.ts";

const STAFF_TOKEN = "history-and-stages-staff-token";
const menu = await startMenuService();
const runtime = sharedOrderRuntime();
const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, operatorToken: STAFF_TOKEN });
const client = orderClient(app);

afterAll(async () => {
  await runtime.close();
  await menu.stop();
});

const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

async function place(customerId: string, storeId = "store-sea-001"): Promise<Order> {
  return bodyAt(await placeOrder(client, anOrder({ customerId, storeId })), 201);
}

/** What the payment-results consumer does when the processor captured the payment. */
async function paid(order: Order): Promise<void> {
  const outcome = await runtime.service.applyPaymentResult({
    type: "PaymentResult",
    orderId: order.orderId,
    customerId: order.customerId,
    paymentId: `pay_${order.orderId}`,
    outcome: "CAPTURED",
    amountCents: order.totalCents,
    currency: "USD",
    processedAt: new Date().toISOString(),
  });
  expect(outcome).toBe("applied");
}

const history = (query: string) => app.request(`/api/orders?${query}`);
const stage = (orderId: string, body: unknown, token: string | null = STAFF_TOKEN) =>
  app.request(`/api/orders/${orderId}/stage`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe("GET /api/orders?customerId=", () => {
  it("pages a customer's orders newest first, and only theirs, until the last page", async () => {
    const customerId = unique("history");
    const placed: Order[] = [];
    for (let i = 0; i < 5; i += 1) placed.push(await place(customerId));
    await place(unique("someone-else"));
    const newestFirst = [...placed].reverse().map((order) => order.orderId);

    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const res = await history(`customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = (await bodyOf(res)) as { orders: Order[]; nextCursor?: string };
      pageSizes.push(page.orders.length);
      seen.push(...page.orders.map((order) => order.orderId));
      cursor = page.nextCursor;
    } while (cursor);

    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(newestFirst);
  });

  it("refuses a missing customer, a limit over 50 and a forged cursor with 400", async () => {
    for (const query of ["", "customerId=a&limit=51", "customerId=a&limit=0", "customerId=a&cursor=bm90LWEtY3Vyc29y", "customerId=bad%20id"]) {
      const res = await history(query);
      expect(res.status, query).toBe(400);
      expect((await bodyOf(res)).error.code, query).toBe("VALIDATION_FAILED");
    }
  });
});

describe("the barista's stages after payment", () => {
  it("moves a paid order PREPARING -> READY -> COLLECTED, each once, with its order event, and the queue follows", async () => {
    const storeId = "store-pdx-001";
    const order = await place(unique("barista"), storeId);
    await paid(order);
    const queued = async () => ((await bodyOf(await app.request(`/api/orders/stores/${storeId}/queue`))) as { orders: Order[] }).orders;
    expect((await queued()).find((o) => o.orderId === order.orderId)?.status).toBe("PAID");

    const preparing = await stage(order.orderId, { stage: "PREPARING" });
    expect(preparing.status).toBe(200);
    const first = (await bodyOf(preparing)) as Order;
    expect(first).toMatchObject({ status: "PREPARING", version: 3, paymentId: `pay_${order.orderId}` });
    const again = (await bodyOf(await stage(order.orderId, { stage: "PREPARING" }))) as Order;
    expect(again).toMatchObject({ status: "PREPARING", version: 3 });

    expect((await bodyOf(await stage(order.orderId, { stage: "READY" }))).status).toBe("READY");
    expect((await queued()).find((o) => o.orderId === order.orderId)?.status).toBe("READY");
    expect((await bodyOf(await stage(order.orderId, { stage: "COLLECTED" }))).status).toBe("COLLECTED");
    expect((await queued()).some((o) => o.orderId === order.orderId)).toBe(false);

    const backwards = await stage(order.orderId, { stage: "PREPARING" });
    expect(backwards.status).toBe(409);
    expect((await bodyOf(backwards)).error.code).toBe("CONFLICT");

    const events = await waitFor(async () => {
      const found = await eventsFor(runtime.config.orderEventsStream, order.orderId);
      return found.length >= 5 ? found : undefined;
    }, "the order's five events");
    expect(events.map((event) => event.type)).toEqual(["OrderCreated", "OrderPaid", "OrderPreparing", "OrderReady", "OrderCollected"]);
  });

  it("lists a store's queue oldest first", async () => {
    const storeId = "store-nyc-001";
    const orders = [await place(unique("queue"), storeId), await place(unique("queue"), storeId)];
    for (const order of orders) await paid(order);
    const ids = ((await bodyOf(await app.request(`/api/orders/stores/${storeId}/queue`))) as { orders: Order[] }).orders.map((o) => o.orderId);
    expect(ids.indexOf(orders[0]!.orderId)).toBeLessThan(ids.indexOf(orders[1]!.orderId));
  });

  it("refuses a stage without the staff token (401), with a wrong one (403), out of order (409), unknown orders (404) and bad stages (400)", async () => {
    const pending = await place(unique("refused"));
    expect((await stage(pending.orderId, { stage: "PREPARING" }, null)).status).toBe(401);
    expect((await stage(pending.orderId, { stage: "PREPARING" }, "wrong-token-wrong-token")).status).toBe(403);
    expect((await stage(pending.orderId, { stage: "READY" })).status).toBe(409);
    expect((await stage(pending.orderId, { stage: "PREPARING" })).status).toBe(409);
    expect((await stage("ord_0123456789abcdef0123456789abcdef", { stage: "PREPARING" })).status).toBe(404);
    for (const body of [{ stage: "CANCELLED" }, { stage: "PAID" }, {}, { stage: "READY", extra: 1 }]) {
      expect((await stage(pending.orderId, body)).status, JSON.stringify(body)).toBe(400);
    }
    const unchanged = (await bodyOf(await app.request(`/api/orders/${pending.orderId}`))) as Order;
    expect(unchanged).toMatchObject({ status: "PENDING", version: 1 });
  });
});
