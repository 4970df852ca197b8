/**
 * The sink's metric store: a query reads the series of its namespace and metric name whose dimensions include the
 * selector's, and a series dropped to make room for a new one (MAX_SERIES) is gone from every query.
 */
import { describe, expect, it } from "vitest";
import { createMetricStore, MAX_SERIES } from "../src/observability/metric-store.ts";

const at = Math.floor(Date.now() / 1000) * 1000;

describe("the metric store", () => {
  it("aggregates every series of a metric whose dimensions include the selector's, and no other metric's", () => {
    const store = createMetricStore({ now: () => at });
    store.record({ namespace: "CloudCafe/Order", name: "Latency", value: 10, dimensions: { service: "order", route: "a" }, timestamp: at });
    store.record({ namespace: "CloudCafe/Order", name: "Latency", value: 30, dimensions: { service: "order", route: "b" }, timestamp: at });
    store.record({ namespace: "CloudCafe/Order", name: "Latency", value: 500, dimensions: { service: "menu" }, timestamp: at });
    store.record({ namespace: "CloudCafe/Order", name: "Errors", value: 7, dimensions: { service: "order" }, timestamp: at });
    store.record({ namespace: "CloudCafe/Menu", name: "Latency", value: 900, dimensions: { service: "order" }, timestamp: at });

    const latency = { namespace: "CloudCafe/Order", name: "Latency", dimensions: { service: "order" } };
    expect(store.aggregate(latency, "Sum", at, at + 1000)).toBe(40);
    expect(store.aggregate(latency, "Maximum", at, at + 1000)).toBe(30);
    expect(store.aggregate({ namespace: "CloudCafe/Order", name: "Latency" }, "SampleCount", at, at + 1000)).toBe(3);
    expect(store.aggregate(latency, "Sum", at + 1000, at + 2000)).toBeUndefined();
    expect(store.select(latency).map((series) => series.dimensions.route)).toEqual(["a", "b"]);
  });

  it("drops the series written longest ago for a new one once full, from aggregates and selections alike", () => {
    let now = at;
    const store = createMetricStore({ now: () => now });
    const selector = { namespace: "CloudCafe/Test", name: "Filler" };
    for (let index = 0; index < MAX_SERIES; index++) {
      store.record({ namespace: "CloudCafe/Test", name: "Filler", value: 1, dimensions: { index: String(index) }, timestamp: at });
      now += 1; // the first one is the stalest
    }
    expect(store.aggregate(selector, "Sum", at, at + 1000)).toBe(MAX_SERIES);

    store.record({ namespace: "CloudCafe/Test", name: "Newcomer", value: 5, timestamp: at });
    expect(store.list()).toHaveLength(MAX_SERIES);
    expect(store.aggregate(selector, "Sum", at, at + 1000)).toBe(MAX_SERIES - 1);
    expect(store.select({ ...selector, dimensions: { index: "0" } })).toEqual([]);
    expect(store.aggregate({ namespace: "CloudCafe/Test", name: "Newcomer" }, "Sum", at, at + 1000)).toBe(5);

    // The dropped series comes back as a new one when it is written again.
    store.record({ namespace: "CloudCafe/Test", name: "Filler", value: 3, dimensions: { index: "0" }, timestamp: at });
    expect(store.aggregate({ ...selector, dimensions: { index: "0" } }, "Sum", at, at + 1000)).toBe(3);
  });
});
