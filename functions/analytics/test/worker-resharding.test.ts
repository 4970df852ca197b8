import { DescribeStreamSummaryCommand, ListShardsCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import { kinesisClient } from "@cloudcafe/adapters";
import type { AnalyticsEvent } from "@cloudcafe/core";
import type { ManagedChild } from "@cloudcafe/local/process/children";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerFixture, leasesOf, orderEvents, putEvents, startWorkerProcess, waitFor, type WorkerFixture } from "./support.ts";

useLocalEnv();
const { analyticsWarehouse } = await import("../src/runtime.ts");

const MINUTE = 60_000;

describe("analytics worker across a resharding", () => {
  let fixture: WorkerFixture;
  let worker: ManagedChild | undefined;
  let reader: ReturnType<typeof analyticsWarehouse>;

  beforeAll(async () => {
    fixture = await createWorkerFixture(1);
    reader = analyticsWarehouse({ workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME!, schema: fixture.schema });
  });
  afterAll(async () => {
    await worker?.stop(2_000);
    reader?.close();
    await fixture?.remove();
  });

  it("finishes the parent shard before reading its children, and a minute counted on both adds up", async () => {
    const storeId = `store-split-${Date.now().toString(36)}`;
    const base = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
    const at = (minute: number, second: number) => base + minute * MINUTE + second * 1_000;
    const beforeSplit: AnalyticsEvent[] = [];
    for (let i = 0; i < 6; i++) beforeSplit.push(...orderEvents(storeId, i, at(Math.floor(i / 4), i * 7), at(Math.floor(i / 4), i * 7 + 3)));
    const afterSplit: AnalyticsEvent[] = [];
    for (let i = 6; i < 12; i++) afterSplit.push(...orderEvents(storeId, i, at(1 + Math.floor((i - 6) / 4), 30 + i), at(1 + Math.floor((i - 6) / 4), 31 + i)));
    const sentinel = orderEvents(storeId, 12, at(8, 0), at(8, 1));

    worker = startWorkerProcess(fixture, "worker-split");
    await putEvents(fixture.streamName, beforeSplit);
    await waitFor("the events before the split", async () => {
      const windows = await reader.warehouse.storeWindows(storeId, base, base + 2 * MINUTE);
      return windows.reduce((sum, window) => sum + window.ordersPlaced, 0) === 6 ? windows : undefined;
    });

    const kinesis = kinesisClient();
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: fixture.streamName }));
    const parent = Shards[0]!;
    const middle = (BigInt(parent.HashKeyRange!.StartingHashKey!) + BigInt(parent.HashKeyRange!.EndingHashKey!)) / 2n;
    await kinesis.send(new SplitShardCommand({ StreamName: fixture.streamName, ShardToSplit: parent.ShardId!, NewStartingHashKey: middle.toString() }));
    await waitFor("the split", async () => {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: fixture.streamName }));
      return StreamDescriptionSummary?.StreamStatus === "ACTIVE" ? true : undefined;
    });
    await putEvents(fixture.streamName, [...afterSplit, ...sentinel]);
    await waitFor("the sentinel's window", async () => {
      const windows = await reader.warehouse.storeWindows(storeId, at(8, 0), at(9, 0));
      return windows.length > 0 ? windows : undefined;
    });

    const windows = await reader.warehouse.storeWindows(storeId, base, base + 10 * MINUTE);
    const placedAndPaid = windows.map((window) => [(window.windowStartMs - base) / MINUTE, window.ordersPlaced, window.ordersPaid]);
    expect(placedAndPaid).toEqual([
      [0, 4, 4],
      [1, 6, 6],
      [2, 2, 2],
      [8, 1, 1],
    ]);
    const revenue = [...beforeSplit, ...afterSplit, ...sentinel].filter((event) => event.type === "OrderPaid").reduce((sum, event) => sum + event.totalCents, 0);
    expect(windows.reduce((sum, window) => sum + window.revenueCents, 0)).toBe(revenue);

    const leases = await leasesOf(fixture);
    const parentLease = leases.find((lease) => lease.leaseKey === parent.ShardId)!;
    expect(parentLease.finished).toBe(true);
    const children = leases.filter((lease) => (lease.parentShardIds as string[]).includes(parent.ShardId!));
    expect(children).toHaveLength(2);
  });
});
