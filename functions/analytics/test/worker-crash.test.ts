import { readFileSync } from "node:fs";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { metricNamespaces } from "@cloudcafe/catalog";
import { sqsClient } from "@cloudcafe/adapters";
import type { AnalyticsEvent, StoreWindow } from "@cloudcafe/core";
import { localPlatform, useLocalEnv } from "@cloudcafe/local/testing/env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ManagedChild } from "@cloudcafe/local/process/children";
import { createWorkerFixture, workerLogFile, leasesOf, orderEvents, putEvents, putRaw, startWorkerProcess, waitFor, type WorkerFixture } from "./support.ts";

useLocalEnv();
const { analyticsWarehouse } = await import("../src/runtime.ts");

const MINUTE = 60_000;

/** What a store's windows must hold, summed here from the events themselves, without the worker's code. */
function expectedWindows(events: readonly AnalyticsEvent[]): Map<number, Omit<StoreWindow, "storeId" | "windowStartMs">> {
  const windows = new Map<number, Omit<StoreWindow, "storeId" | "windowStartMs">>();
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const start = Math.floor(Date.parse(event.occurredAt) / MINUTE) * MINUTE;
    const window = windows.get(start) ?? { ordersPlaced: 0, ordersPaid: 0, revenueCents: 0, items: [] };
    windows.set(start, window);
    if (event.type === "OrderPlaced") window.ordersPlaced += 1;
    if (event.type !== "OrderPaid") continue;
    window.ordersPaid += 1;
    window.revenueCents += event.totalCents;
    for (const item of event.items) {
      const sales = window.items.find((each) => each.sku === item.sku);
      if (sales) {
        sales.quantity += item.quantity;
        sales.revenueCents += item.amountCents;
      } else window.items.push({ sku: item.sku, category: item.category, quantity: item.quantity, revenueCents: item.amountCents });
    }
  }
  for (const window of windows.values()) window.items.sort((a, b) => a.sku.localeCompare(b.sku));
  return windows;
}

describe("analytics worker: SIGKILL in the middle of a window, then a restart", () => {
  let fixture: WorkerFixture;
  let worker: ManagedChild | undefined;
  const { warehouse, close } = analyticsWarehouse({
    workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!,
    database: process.env.ANALYTICS_DATABASE_NAME!,
    schema: "placeholder",
  });
  let reader: typeof warehouse = warehouse;
  let closeReader = close;

  beforeAll(async () => {
    fixture = await createWorkerFixture(2);
    close();
    ({ warehouse: reader, close: closeReader } = analyticsWarehouse({
      workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!,
      database: process.env.ANALYTICS_DATABASE_NAME!,
      schema: fixture.schema,
    }));
  });

  afterAll(async () => {
    await worker?.stop(2_000);
    closeReader();
    await fixture?.remove();
  });

  it("ends every window with the totals of its events: none lost, none counted twice, too-late ones reported instead", async () => {
    const storeId = `store-crash-${Date.now().toString(36)}`;
    const base = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
    const at = (minute: number, second: number) => base + minute * MINUTE + second * 1_000;

    // Minutes 0-5 before the crash, 3 orders a minute; minute 5 is only half way through when the worker is killed,
    // by which time minutes 0-2 are past their lateness, written and checkpointed past.
    const beforeCrash: AnalyticsEvent[] = [];
    for (let i = 0; i < 17; i++) beforeCrash.push(...orderEvents(storeId, i, at(Math.floor(i / 3), (i % 3) * 15), at(Math.floor(i / 3), (i % 3) * 15 + 10)));
    // The rest of minute 5 and minute 6, a late event for minute 5 within the lateness, a duplicate, and an order whose
    // minute ended more than the allowed 2 minutes before the newest event seen.
    const afterCrash: AnalyticsEvent[] = [];
    for (let i = 17; i < 23; i++) afterCrash.push(...orderEvents(storeId, i, at(5 + Math.floor((i - 17) / 3), 40 + ((i - 17) % 3) * 5)));
    for (let i = 23; i < 26; i++) afterCrash.push(...orderEvents(storeId, i, at(7, i - 23), at(7, 30 + i - 23)));
    const lateWithinLateness = orderEvents(storeId, 26, at(5, 58), at(6, 50));
    const duplicate = beforeCrash[30]!;
    const tooLate = orderEvents(storeId, 27, at(0, 20), at(0, 30));
    const sentinel = orderEvents(storeId, 28, at(12, 0), at(12, 5));

    // Its EMF documents are kept (the test run silences metrics otherwise), to check what it reports.
    const emf = { CLOUDCAFE_METRICS_DISABLED: "false" };
    worker = startWorkerProcess(fixture, "worker-a", emf);
    await putEvents(fixture.streamName, beforeCrash);
    const minute5 = at(5, 0);
    await waitFor("minute 5 partly written and the shard checkpointed past minute 2", async () => {
      const windows = await reader.storeWindows(storeId, base, base + 10 * MINUTE);
      const checkpointed = (await leasesOf(fixture)).some((lease) => typeof lease.checkpoint === "string");
      return !checkpointed ? undefined : windows.find((window) => window.windowStartMs === minute5 && window.ordersPlaced > 0);
    });
    process.kill(-worker.pid, "SIGKILL");
    await worker.exited;

    worker = startWorkerProcess(fixture, "worker-a", emf);
    await putRaw(fixture.streamName, storeId, "this is not an analytics event");
    await putEvents(fixture.streamName, [...afterCrash, ...lateWithinLateness, duplicate, ...tooLate, ...sentinel]);
    await waitFor("the sentinel's window", async () => {
      const windows = await reader.storeWindows(storeId, at(12, 0), at(13, 0));
      return windows.length > 0 ? windows : undefined;
    });

    const counted = [...beforeCrash, ...afterCrash, ...lateWithinLateness, duplicate, ...sentinel];
    const expected = expectedWindows(counted);
    const written = await reader.storeWindows(storeId, base, base + 20 * MINUTE);
    expect(written.map((window) => window.windowStartMs)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const window of written) {
      const { storeId: _store, windowStartMs, ...totals } = window;
      expect({ windowStartMs, ...totals }).toEqual({ windowStartMs, ...expected.get(windowStartMs)! });
    }
    // The too-late order never reached a window: minute 0 holds exactly the orders placed before the crash.
    expect(written[0]!.ordersPlaced).toBe(3);

    // The poison record and the too-late events are in the dead letters with their reason.
    const deadLetters = new Map<string, string>();
    await waitFor("the dead letters", async () => {
      const { Messages = [] } = await sqsClient().send(
        new ReceiveMessageCommand({ QueueUrl: localPlatform().resources.queues.analyticsDeadLetters.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        const letter = JSON.parse(message.Body!) as { reason: string; data: string; source: { stream: string } };
        if (letter.source.stream === fixture.streamName) deadLetters.set(letter.data, letter.reason);
      }
      return deadLetters.size >= 3 ? deadLetters : undefined;
    });
    expect(deadLetters.get("this is not an analytics event")).toBe("poison");
    expect(tooLate.map((event) => deadLetters.get(JSON.stringify(event)))).toEqual(["too-late", "too-late"]);

    // The iterator age and the late events are reported as CloudWatch metrics (EMF) under the analytics namespace.
    const documents = readFileSync(workerLogFile(fixture), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("{") && line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    const metric = (name: string) => documents.filter((doc) => doc._aws.CloudWatchMetrics[0].Metrics[0].Name === name);
    expect(metric("IteratorAgeMilliseconds").length).toBeGreaterThan(0);
    expect(metric("IteratorAgeMilliseconds")[0]._aws.CloudWatchMetrics[0].Namespace).toBe(metricNamespaces.analytics);
    expect(metric("LateEvents").map((doc) => doc.store_id)).toEqual([storeId, storeId]);
    expect(metric("PoisonRecords")).toHaveLength(1);

    // A graceful stop writes and checkpoints what is held and hands every lease back.
    await worker.stop(20_000);
    worker = undefined;
    const leases = await leasesOf(fixture);
    expect(leases).toHaveLength(2);
    expect(leases.map((lease) => lease.leaseOwner)).toEqual([undefined, undefined]);
    expect(leases.some((lease) => typeof lease.checkpoint === "string")).toBe(true);
  });
});
