import { loadAnalyticsWorkerConfig } from "@cloudcafe/analytics/config";
import { describe, expect, it } from "vitest";
import { localAnalyticsWorkerSettings } from "../src/event-source/stream-mappings.ts";

describe("npm start's settings for the analytics worker", () => {
  const links = { AnalyticsEvents: { name: "analytics-events" }, AnalyticsLeases: { name: "leases" }, AnalyticsDeadLetters: { url: "http://127.0.0.1:4566/000000000000/dl" } };
  const warehouse = { ANALYTICS_WORKGROUP_NAME: "local", ANALYTICS_DATABASE_NAME: "analytics" };

  it("are ones the worker's own configuration accepts: a quiet stream read every 8 s, 60 s leases, discovery every 30 s", () => {
    const config = loadAnalyticsWorkerConfig({ ...warehouse, ...localAnalyticsWorkerSettings({}) }, links);
    expect(config.maxIdlePollIntervalMs).toBe(8_000);
    expect(config.leaseDurationMs).toBe(60_000);
    expect(config.discoveryIntervalMs).toBe(30_000);
  });

  it("give way to values already in the environment", () => {
    expect(localAnalyticsWorkerSettings({ ANALYTICS_LEASE_DURATION_MS: "10000" }).ANALYTICS_LEASE_DURATION_MS).toBe("10000");
  });
});
