/**
 * The console's client against the real Order and Menu services: the Order app with the stress controls mounted as
 * the service mounts them and the Menu service it prices from, on the local engines the global setup prepared,
 * behind the local gateway's path rules, over real HTTP. What the unit tests assume of the API is checked here
 * against the servers themselves.
 */
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { sleep } from "@cloudcafe/core/sleep";
import { albRules, type RunningGateway, startGateway } from "@cloudcafe/local/gateway";
import { createOrderApp } from "@cloudcafe/order/app";
import { sharedOrderRuntime } from "@cloudcafe/order/runtime";
import { type StressRunView, createRunRegistry, createStressPool, fixedAllowance, stressRoutes } from "@cloudcafe/stress";
import { type ApiClient, createApiClient } from "../src/api/client.ts";
import { ApiError } from "../src/api/errors.ts";
import type { StressRun } from "../src/api/types.ts";
import { categories, createMenuBook, type MenuBook } from "../src/menu/menu-book.ts";
import { addToCart, emptyCart, previewSubtotalCents, toOrderRequest, type Cart } from "../src/cart/cart.ts";
import { newSubmission, submitOrder } from "../src/orders/submission.ts";
import { startMenuService } from "../../functions/order/test/menu-service.ts";

/** The stage's one operator token, which every service (the Menu service here too) is linked to. */
const OPERATOR_TOKEN = (JSON.parse(process.env.SST_RESOURCE_OperatorToken ?? "{}") as { value: string }).value;
const quiet = () => {};

const menu = await startMenuService();
const runtime = sharedOrderRuntime();
const pool = createStressPool({ allowance: fixedAllowance(1) });
const registry = createRunRegistry({ pool, write: quiet, maxDurationSeconds: 60 });
let server: ServerType;
let gateway: RunningGateway;
let baseUrl: string;
let token: string | undefined;
const sentTraceparents: string[] = [];

/** Real fetch, recording the traceparent each request carried. */
const recordingFetch: typeof fetch = (input, init) => {
  sentTraceparents.push(new Headers(init?.headers).get("traceparent") ?? "");
  return fetch(input, init);
};
const client = (): ApiClient => createApiClient({ baseUrl, fetch: recordingFetch, operatorToken: () => token });

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

/** The menu as the console reads it: the stores, then each category from the Menu service. */
async function readMenu(): Promise<MenuBook> {
  const book = createMenuBook((await client().stores()).data.stores);
  for (const category of categories) book.setCategory(category, (await client().menuItems(category)).data.items);
  return book;
}

function cartFrom(menuBook: MenuBook): Cart {
  let cart = emptyCart();
  for (const choice of [
    { sku: "ESP-003", size: "grande" as const, quantity: 2, options: ["oat-milk", "extra-shot"] },
    { sku: "BAK-001", size: "single" as const, quantity: 1, options: ["warmed"] },
  ]) {
    const change = addToCart(cart, choice, menuBook);
    if (!change.ok) throw new Error(change.reason);
    cart = change.cart;
  }
  return cart;
}

beforeAll(async () => {
  const routes = stressRoutes({ scenarios: ["morning-rush"], operatorToken: OPERATOR_TOKEN, registry });
  const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, stressRoutes: routes });
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  gateway = await startGateway({ port: 0, rules: albRules({ order: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, menu: menu.url }) });
  baseUrl = gateway.url;
  await pool.warm();
});

afterAll(async () => {
  await registry.close();
  await pool.close();
  await gateway.stop();
  await new Promise((resolve) => server.close(resolve));
  await runtime.close();
  await menu.stop();
});

describe("console client against the Order service", () => {
  it("reads the menu by category and the stores from the Menu service", async () => {
    const book = await readMenu();
    expect(book.stores.map((store) => store.storeId)).toContain("store-sea-001");
    for (const category of categories) {
      const items = book.items(category) ?? [];
      expect(items.length, category).toBeGreaterThan(0);
      expect(items.every((item) => item.category === category)).toBe(true);
    }
    expect(book.item("ESP-003")?.options.find((option) => option.code === "oat-milk")?.priceCents).toBe(70);
  });

  it("orders from the served menu; the server's subtotal matches the cart preview and its trace is the console's", async () => {
    const book = await readMenu();
    const cart = cartFrom(book);
    const submission = newSubmission(toOrderRequest(cart, "console-contract", book.stores[0]!.storeId));

    const placed = await submitOrder(client(), submission);

    expect(placed.status).toBe(201);
    expect(placed.replayed).toBe(false);
    expect(placed.data).toMatchObject({ status: "PENDING", customerId: "console-contract", subtotalCents: previewSubtotalCents(cart, book) });
    expect(placed.data.totalCents).toBe(placed.data.subtotalCents + placed.data.taxCents);
    expect(sentTraceparents.at(-1)).toContain(placed.traceId);

    const read = await client().getOrder(placed.data.orderId);
    expect(read.data.orderId).toBe(placed.data.orderId);
  });

  it("retrying a submit with its key returns the first order, marked replayed", async () => {
    const book = await readMenu();
    const submission = newSubmission(toOrderRequest(cartFrom(book), "console-contract", book.stores[0]!.storeId));
    const first = await submitOrder(client(), submission);
    const retry = await submitOrder(client(), submission);
    expect(retry.data.orderId).toBe(first.data.orderId);
    expect(retry.replayed).toBe(true);
  });

  it("maps a priced-order rejection to VALIDATION_FAILED with the failing path", async () => {
    const request = { customerId: "console-contract", storeId: "store-sea-001", items: [{ sku: "ESP-003", size: "single" as const, quantity: 1, options: [] }] };
    const error = await failure(submitOrder(client(), newSubmission(request)));
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", status: 400, retryable: false });
    expect(error.details.map((detail) => detail.path)).toContain("items.0.size");
  });

  it("maps an unknown order to NOT_FOUND", async () => {
    const error = await failure(client().getOrder(`ord_${"0".repeat(32)}`));
    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404 });
  });

  it("tells a missing operator token from a rejected one on the stress controls", async () => {
    token = undefined;
    expect(await failure(client().listStressRuns())).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    token = "not-the-token";
    expect(await failure(client().listStressRuns())).toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  it("declares the stress run as the registry serves it (checked by the type-check)", () => {
    expectTypeOf<StressRunView>().toExtend<StressRun>();
  });

  it("starts, follows, lists and cancels a morning-rush run with the operator token", async () => {
    token = OPERATOR_TOKEN;
    const body = { targetCpu: 0.2, durationSeconds: 30, runId: `contract-${Date.now()}` };
    const started = await client().startStressRun("morning-rush", body);
    expect(started.status).toBe(202);
    expect(started.data).toMatchObject({ id: body.runId, scenario: "morning-rush", status: "running", targetCpu: 0.2, durationSeconds: 30 });
    expect((await client().startStressRun("morning-rush", body)).data.id).toBe(body.runId);

    let run: StressRun = started.data;
    while (run.samples.length === 0) {
      await sleep(200);
      run = (await client().getStressRun("morning-rush", body.runId)).data;
    }
    expect(run.samples[0]).toMatchObject({ second: 1, cpu: expect.any(Number) });
    expect((await client().listStressRuns()).data.map((listed) => listed.id)).toContain(body.runId);

    const cancelled = await client().cancelStressRun("morning-rush", body.runId);
    expect(cancelled.data.status).toBe("cancelled");
    expect(cancelled.data.achievedCpu).toEqual(expect.any(Number));
  });
});
