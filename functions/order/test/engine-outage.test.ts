import { afterAll, expect, it } from "vitest";
import { createDatabase } from "@cloudcafe/adapters";
import { readLocalConfig } from "@cloudcafe/local/config";
import { startKinesis } from "@cloudcafe/local/engines/kinesis";
import { startSqsSns } from "@cloudcafe/local/engines/sqs-sns";
import type { SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { createResources, deleteResources } from "@cloudcafe/local/resources";
import { freePort } from "@cloudcafe/local/process/net";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { bodyAt, eventsFor, orderClient, orderStatus, placeOrder, waitFor } from "./support.ts";
import { flowQueuesOf, startFlowPollers } from "./pollers.ts";
import { startMenuService } from "./menu-service.ts";

/*
 * This suite stops engines, so it runs its own fauxqs (SQS+SNS) and kinesalite on free ports of its own instead of
 * the shared ones (so parallel test runs never share them). Both keep state in memory: after a restart the resources are created again, as `npm start`
 * would. What must survive is the order's pending work, which lives in the Postgres outbox, not in the engines.
 */
const shared = localPlatform();
const base = readLocalConfig();
const config = { ...base, ports: { ...base.ports, sqsSns: await freePort(), kinesis: await freePort() } };
const nameSuffix = `-outage${process.pid}`;

let sqsSns = await startSqsSns({ config, daemon: false });
let kinesis = await startKinesis({ config, daemon: false });
const endpoints = { ...shared.endpoints, sqs: sqsSns.url, sns: sqsSns.url, kinesis: kinesis.url };
const createAll = () => createResources(endpoints, { nameSuffix });
const resources = await createAll();
Object.assign(process.env, resources.env, {
  PAYMENT_DECLINE_RATE: "0",
  PAYMENT_FAILURE_RATE: "0",
  PAYMENT_GATEWAY_LATENCY_MS: "5",
  OUTBOX_MAX_BACKOFF_SECONDS: "1",
});

const menu = await startMenuService();
const { createOrderApp } = await import("../src/app.ts");
const { sharedOrderRuntime } = await import("../src/runtime.ts");
const runtime = sharedOrderRuntime();
const client = orderClient(createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks }));
const database = createDatabase(runtime.config.database, { max: 1 });
runtime.relay.start(200);
const pollers: SqsPoller[] = await startFlowPollers(
  flowQueuesOf(resources),
  { failedVisibilityTimeoutSeconds: 1 },
);

afterAll(async () => {
  await Promise.all(pollers.map((p) => p.stop()));
  await runtime.close();
  await database.end();
  const { env: _env, ...created } = resources;
  await deleteResources(endpoints, created).catch(() => undefined);
  await Promise.all([sqsSns.stop(), kinesis.stop()]);
  await menu.stop();
});

const statusOf = (orderId: string) => orderStatus(client, orderId);
const pendingOutbox = (orderId: string) =>
  database.query<{ kind: string; last_error: string | null }>(
    `SELECT kind, last_error FROM outbox
    WHERE delivered_at IS NULL AND (message->>'orderId' = $1 OR message->'event'->'order'->>'orderId' = $1)
    ORDER BY id`,
    [orderId],
  );

it("keeps an accepted order through an SQS/SNS and Kinesis outage and completes it once they are back", async () => {
  await Promise.all([sqsSns.stop(), kinesis.stop()]);

  const order = await bodyAt(await placeOrder(client), 201);

  // The submission and the OrderCreated event wait in the outbox with the failure recorded.
  const waiting = await waitFor(async () => {
    const rows = await pendingOutbox(order.orderId);
    return rows.length === 2 && rows.every((r) => r.last_error) ? rows : undefined;
  }, "failed deliveries recorded in the outbox");
  expect(waiting.map((r) => r.kind)).toEqual(["order-event.publish", "order.submit"]);
  expect(await statusOf(order.orderId)).toBe("PENDING");

  // SQS/SNS back (Kinesis still down): the relay submits the order and payment completes.
  sqsSns = await startSqsSns({ config, daemon: false });
  // Recreates tables, queues and the topic; only the stream step fails while Kinesis is down.
  await expect(createAll()).rejects.toThrow();
  expect(await waitFor(async () => ((await statusOf(order.orderId)) === "PAID" ? "PAID" : undefined), "the order to be paid")).toBe("PAID");
  // The paid order's cache invalidation goes out as soon as the relay reaches it (Redis is up); only the two events wait.
  const eventsWaiting = await waitFor(async () => {
    const kinds = (await pendingOutbox(order.orderId)).map((r) => r.kind);
    return kinds.every((kind) => kind === "order-event.publish") ? kinds : undefined;
  }, "only the order events left in the outbox");
  expect(eventsWaiting).toEqual(["order-event.publish", "order-event.publish"]);

  // Kinesis back: both events arrive, in the order they happened.
  kinesis = await startKinesis({ config, daemon: false });
  await createAll();
  const events = await waitFor(async () => {
    const found = await eventsFor(runtime.config.orderEventsStream, order.orderId);
    return found.length === 2 ? found : undefined;
  }, "OrderCreated and OrderPaid on the stream");
  expect(events.map((e) => e.type)).toEqual(["OrderCreated", "OrderPaid"]);
  expect(await pendingOutbox(order.orderId)).toEqual([]);
});
