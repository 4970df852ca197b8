import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { describe, expect, it } from "vitest";
import { leasesOf, minutesFrom, orderEvents, putEvents, startWorkerProcess, useWorkerFixture, waitFor } from "./support.ts";

useLocalEnv();

/**
 * With nothing counted since its last flush, the worker's tick sleeps until its next lease renewal (a third of the
 * lease), not one flush interval; the first records a read counts bring that wake-up forward to one flush interval.
 */
describe("analytics worker: records read while the tick sleeps until its next renewal", () => {
  const test = useWorkerFixture(1);

  it("are written within a flush interval and a read pause, not at the next renewal", async () => {
    const storeId = `store-quiet-${Date.now().toString(36)}`;
    const { at } = minutesFrom(10);
    test.worker = startWorkerProcess(test.fixture, "worker-quiet", {
      ANALYTICS_FLUSH_INTERVAL_MS: "300",
      // Renewed every 20 s, discovery every 60 s: an empty tick sleeps about 20 s.
      ANALYTICS_LEASE_DURATION_MS: "60000",
      ANALYTICS_DISCOVERY_INTERVAL_MS: "60000",
      ANALYTICS_MAX_IDLE_POLL_INTERVAL_MS: "1000",
    });
    await waitFor("the shard's lease taken", async () => {
      const [lease] = await leasesOf(test.fixture);
      return lease?.leaseOwner === "worker-quiet" ? lease : undefined;
    });
    // The tick that took the lease has flushed nothing and gone to sleep until the renewal, about 20 s away.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const putAt = performance.now();
    await putEvents(test.fixture.streamName, orderEvents(storeId, 0, at(0, 5), at(0, 10)));
    const [window] = await waitFor(
      "the order's window in the warehouse",
      async () => {
        const windows = await test.reader.warehouse.storeWindows(storeId, at(0, 0), at(1, 0));
        return windows.length > 0 ? windows : undefined;
      },
      30_000,
    );
    const writtenAfterMs = performance.now() - putAt;

    expect(window).toMatchObject({ ordersPlaced: 1, ordersPaid: 1 });
    // A read within 1 s, the flush 300 ms later, and the Data API write; the renewal was still about 18 s away.
    expect(writtenAfterMs).toBeLessThan(8_000);
  });

  it("stops at once when asked while its tick sleeps until the renewal, and releases its lease", async () => {
    const worker = test.worker!;
    const stoppedAt = performance.now();
    // SIGTERM, then SIGKILL after 15 s: a stop that waited for the sleeping tick would take about 20 s, and be killed.
    await worker.stop(15_000);
    expect(performance.now() - stoppedAt).toBeLessThan(5_000);
    const [lease] = await leasesOf(test.fixture);
    expect(lease?.leaseOwner).toBeUndefined();
    test.worker = undefined;
  });
});
