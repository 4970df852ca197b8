import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "@cloudcafe/adapters";
import { loadOrderServiceConfig } from "../src/config.ts";
import { createOrderApp } from "../src/app.ts";
import { createOrderRuntime, type OrderRuntime } from "../src/runtime.ts";
import { startMenuService } from "./menu-service.ts";
import { anOrder, bodyAt, orderClient, placeOrder } from "./support.ts";

/*
 * The order service prices from the Menu service. These orders revalidate the menu on every order (MENU_REFRESH_MS 0),
 * so each one asks the Menu service, and it is stopped in the middle.
 */
const menu = await startMenuService();
const runtimes: OrderRuntime[] = [];
const orderApp = () => {
  const runtime = createOrderRuntime({ ...loadOrderServiceConfig(), menuRefreshMs: 0 });
  runtimes.push(runtime);
  return orderClient(createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks }));
};
const database = createDatabase(loadOrderServiceConfig().database, { max: 1 });
const countOrders = async () => (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM orders"))[0]!.n;

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.close()));
  await database.end();
  await menu.stop();
});

describe("ordering while the Menu service is down", () => {
  const client = orderApp();
  // A grande oat-milk latte twice (2 x 565) and a croissant (345) at the Seattle store (10.35%).
  const priced = { subtotalCents: 1475, taxCents: 153, totalCents: 1628 };

  it("prices from the Menu service while it answers", async () => {
    expect(await bodyAt(await placeOrder(client), 201)).toMatchObject(priced);
  });

  it("prices from the last menu known once it stops answering, and refuses what that menu does not know with 503", async () => {
    await menu.stop();
    expect(await bodyAt(await placeOrder(client), 201)).toMatchObject(priced);

    const before = await countOrders();
    const unknown = await placeOrder(client, anOrder({ items: [{ sku: "NEW-001", quantity: 1, size: "tall", options: [] }] }));
    expect(unknown.headers.get("retry-after")).toBe("1");
    const { error } = await bodyAt(unknown, 503);
    expect(error).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE" });
    expect(error.message).toContain("NEW-001");
    expect(await countOrders()).toBe(before);
  });

  it("refuses every order with 503 and Retry-After when no menu was ever known, never pricing it at zero", async () => {
    const fresh = orderApp();
    const before = await countOrders();
    const started = performance.now();
    const res = await placeOrder(fresh);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await bodyAt(res, 503)).error.code).toBe("DEPENDENCY_UNAVAILABLE");
    // Bounded: three attempts, each refused at once, 100 and 200 ms apart.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await countOrders()).toBe(before);
  });
});
