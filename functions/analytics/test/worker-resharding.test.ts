import { DescribeStreamSummaryCommand, ListShardsCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import { kinesisClient } from "@cloudcafe/adapters";
import type { AnalyticsEvent } from "@cloudcafe/core";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { describe, expect, it } from "vitest";
import { leasesOf, MINUTE, minutesFrom, orderEvents, putEvents, startWorkerProcess, useWorkerFixture, waitFor } from "./support.ts";

useLocalEnv();

describe("analytics worker across a resharding", () => {
  const test = useWorkerFixture(1);

  it("finishes the parent shard before reading its children, and a minute counted on both adds up", async () => {
    const storeId = `store-split-${Date.now().toString(36)}`;
    const { base, at } = minutesFrom(30);
    const beforeSplit: AnalyticsEvent[] = [];
    for (let i = 0; i < 6; i++) beforeSplit.push(...orderEvents(storeId, i, at(Math.floor(i / 4), i * 7), at(Math.floor(i / 4), i * 7 + 3)));
    const afterSplit: AnalyticsEvent[] = [];
    for (let i = 6; i < 12; i++) afterSplit.push(...orderEvents(storeId, i, at(1 + Math.floor((i - 6) / 4), 30 + i), at(1 + Math.floor((i - 6) / 4), 31 + i)));
    const sentinel = orderEvents(storeId, 12, at(8, 0), at(8, 1));

    test.worker = startWorkerProcess(test.fixture, "worker-split");
    await putEvents(test.fixture.streamName, beforeSplit);
    await waitFor("the events before the split", async () => {
      const windows = await test.reader.warehouse.storeWindows(storeId, base, base + 2 * MINUTE);
      return windows.reduce((sum, window) => sum + window.ordersPlaced, 0) === 6 ? windows : undefined;
    });

    const kinesis = kinesisClient();
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: test.fixture.streamName }));
    const parent = Shards[0]!;
    const middle = (BigInt(parent.HashKeyRange!.StartingHashKey!) + BigInt(parent.HashKeyRange!.EndingHashKey!)) / 2n;
    await kinesis.send(new SplitShardCommand({ StreamName: test.fixture.streamName, ShardToSplit: parent.ShardId!, NewStartingHashKey: middle.toString() }));
    await waitFor("the split", async () => {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: test.fixture.streamName }));
      return StreamDescriptionSummary?.StreamStatus === "ACTIVE" ? true : undefined;
    });
    await putEvents(test.fixture.streamName, [...afterSplit, ...sentinel]);
    await waitFor("the sentinel's window", async () => {
      const windows = await test.reader.warehouse.storeWindows(storeId, at(8, 0), at(9, 0));
      return windows.length > 0 ? windows : undefined;
    });

    const windows = await test.reader.warehouse.storeWindows(storeId, base, base + 10 * MINUTE);
    const placedAndPaid = windows.map((window) => [(window.windowStartMs - base) / MINUTE, window.ordersPlaced, window.ordersPaid]);
    expect(placedAndPaid).toEqual([
      [0, 4, 4],
      [1, 6, 6],
      [2, 2, 2],
      [8, 1, 1],
    ]);
    const revenue = [...beforeSplit, ...afterSplit, ...sentinel].filter((event) => event.type === "OrderPaid").reduce((sum, event) => sum + event.totalCents, 0);
    expect(windows.reduce((sum, window) => sum + window.revenueCents, 0)).toBe(revenue);

    const leases = await leasesOf(test.fixture);
    const parentLease = leases.find((lease) => lease.leaseKey === parent.ShardId)!;
    expect(parentLease.finished).toBe(true);
    const children = leases.filter((lease) => (lease.parentShardIds as string[]).includes(parent.ShardId!));
    expect(children).toHaveLength(2);
  });
});
