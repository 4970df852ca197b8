import { describe, expect, it } from "vitest";
import { cacheTtlSeconds } from "@cloudcafe/catalog";
import { loadLoyaltyServiceConfig } from "../src/config.ts";

const links = (host: string) => ({
  Database: { host, port: 5432, username: "u", password: "p", database: "cloudcafe" },
  Cache: { host, port: 6379 },
  OperatorToken: { value: "a-long-enough-operator-token" },
});

describe("the Loyalty service's configuration", () => {
  it("defaults to 1 point per dollar, tiers at 500/2,000/5,000, the catalog's session TTL and an hourly local batch", () => {
    const config = loadLoyaltyServiceConfig({}, links("127.0.0.1"));
    expect(config).toMatchObject({
      pointsPerDollar: 1,
      thresholds: { BRONZE: 0, SILVER: 500, GOLD: 2_000, PLATINUM: 5_000 },
      sessionTtlSeconds: cacheTtlSeconds.userSessions,
      batch: { intervalMs: 3_600_000, chunkRows: 20_000 },
    });
  });

  it("seeds 100,000 users on a local database only, unless told", () => {
    expect(loadLoyaltyServiceConfig({}, links("127.0.0.1")).seedUsers).toBe(100_000);
    expect(loadLoyaltyServiceConfig({}, links("cluster.abc.us-east-1.rds.amazonaws.com")).seedUsers).toBe(0);
    expect(loadLoyaltyServiceConfig({ LOYALTY_SEED_USERS: "0" }, links("127.0.0.1")).seedUsers).toBe(0);
  });

  it("refuses thresholds that do not rise with the tier", () => {
    expect(() => loadLoyaltyServiceConfig({ LOYALTY_TIER_GOLD_POINTS: "400" }, links("127.0.0.1"))).toThrow(/GOLD must need more points than SILVER/);
  });

  it("exports aggregates only where a warehouse is named", () => {
    expect(loadLoyaltyServiceConfig({}, links("127.0.0.1")).warehouse).toBeUndefined();
    expect(loadLoyaltyServiceConfig({ ANALYTICS_WORKGROUP_NAME: "wg", ANALYTICS_DATABASE_NAME: "analytics" }, links("127.0.0.1")).warehouse).toEqual({
      workgroupName: "wg",
      database: "analytics",
    });
  });
});
