import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createDatabase, dynamoDocumentClient } from "@cloudcafe/adapters";
import { afterAll, describe, expect, it } from "vitest";
import { createOrderRuntime } from "../src/runtime.ts";
import { startMenuService } from "./menu-service.ts";
import { anOrder } from "./support.ts";

/**
 * The container answers a write right after its commit and delivers the outbox rows in the background. Closing the
 * runtime (SIGTERM) must wait for those deliveries: a task that stops right after answering still projects the
 * order, publishes its event and submits it, instead of leaving that to another task's relay loop.
 */
const menu = await startMenuService();
const runtime = createOrderRuntime(undefined, { outboxDispatch: "background" });
const database = createDatabase(runtime.config.database, { max: 1 });

afterAll(async () => {
  await database.end();
  await menu.stop();
});

describe("background outbox dispatch (container entry)", () => {
  it("delivers every outbox row of a write before close() returns, with no relay loop running", async () => {
    const { order } = await runtime.service.placeOrder(anOrder());
    await runtime.close();

    const rows = await database.query<{ kind: string; delivered: boolean }>(
      "SELECT kind, delivered_at IS NOT NULL AS delivered FROM outbox WHERE message::text LIKE $1 ORDER BY id",
      [`%${order.orderId}%`],
    );
    expect(rows.map((row) => row.kind).sort()).toEqual(["active-order.project", "order-event.publish", "order.submit"]);
    expect(rows.every((row) => row.delivered)).toBe(true);
    const { Item } = await dynamoDocumentClient().send(new GetCommand({ TableName: runtime.config.activeOrdersTable, Key: { orderId: order.orderId } }));
    expect(Item).toMatchObject({ orderId: order.orderId, status: "PENDING" });
  });
});
