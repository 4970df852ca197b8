import type { AnalyticsEvent } from "@cloudcafe/core";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { describe, expect, it } from "vitest";
import { leasesOf, minutesFrom, orderEvents, putEvents, startWorkerProcess, useWorkerFixture, waitFor } from "./support.ts";

useLocalEnv();

/**
 * A store's events reach `analytics-events` through several `order-events` shards, so the last payments of a minute
 * can follow the first order of the next one on the stream. A restart replays from the checkpoint, which by then may
 * have moved past the first records of a minute already written final: the replay meets only that minute's stragglers.
 */
describe("analytics worker: a restart whose replay meets the last records of a minute already written final", () => {
  const test = useWorkerFixture(1);

  it("leaves the minute as it was written: its stragglers are not counted again, nor do they replace it", async () => {
    const storeId = `store-replay-${Date.now().toString(36)}`;
    const { at } = minutesFrom(30);

    // Minute 0: a burst of 8 paid orders, the last one's payment on the stream after minute 1's first order.
    const burst = Array.from({ length: 8 }, (_, i) => orderEvents(storeId, i, at(0, i * 5), at(0, 40 + i * 2)));
    const straggler = burst.at(-1)!.at(-1)!;
    const firstOfMinute1 = orderEvents(storeId, 8, at(1, 0), at(1, 20));
    const stream: AnalyticsEvent[] = [...burst.flat().filter((event) => event !== straggler), firstOfMinute1[0]!, straggler, firstOfMinute1[1]!];
    // Minutes 2 and 3 move the watermark past minute 0's lateness (it closes at minute 3), so minute 0 is written final
    // and let go while minute 1 is still held: the checkpoint is just before minute 1's first record.
    stream.push(...orderEvents(storeId, 9, at(2, 10), at(2, 15)), ...orderEvents(storeId, 10, at(3, 10), at(3, 15)));
    const sentinel = orderEvents(storeId, 11, at(9, 0), at(9, 5));

    test.worker = startWorkerProcess(test.fixture, "worker-a");
    await putEvents(test.fixture.streamName, stream);
    await waitFor("minute 0 written and the checkpoint past its first records, just before minute 1", async () => {
      const [lease] = await leasesOf(test.fixture);
      const minute0 = (await test.reader.warehouse.storeWindows(storeId, at(0, 0), at(1, 0)))[0];
      // Before minute 1's first record the watermark is the burst's latest event but the straggler.
      return minute0 && Number(lease?.checkpointWatermarkMs) >= at(0, 52) ? minute0 : undefined;
    });
    process.kill(-test.worker.pid, "SIGKILL");
    await test.worker.exited;

    test.worker = startWorkerProcess(test.fixture, "worker-a");
    await putEvents(test.fixture.streamName, sentinel);
    await waitFor("the sentinel's window", async () => {
      const windows = await test.reader.warehouse.storeWindows(storeId, at(9, 0), at(10, 0));
      return windows.length > 0 ? windows : undefined;
    });

    const [minute0, minute1] = await test.reader.warehouse.storeWindows(storeId, at(0, 0), at(2, 0));
    const burstRevenue = burst.reduce((sum, [, payment]) => sum + payment!.totalCents, 0);
    expect(minute0).toMatchObject({ windowStartMs: at(0, 0), ordersPlaced: 8, ordersPaid: 8, revenueCents: burstRevenue });
    expect(minute1).toMatchObject({ windowStartMs: at(1, 0), ordersPlaced: 1, ordersPaid: 1 });
  });
});
