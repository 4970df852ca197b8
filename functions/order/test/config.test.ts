import { describe, expect, it } from "vitest";
import { loadOrderServiceConfig } from "../src/config.ts";
import { passwordFromSecret } from "@cloudcafe/adapters";

const links = (database: Record<string, unknown>) => ({
  ActiveOrders: { name: "active-orders" },
  OrderEvents: { name: "order-events" },
  OrderSubmissionQueue: { url: "https://sqs.us-east-1.amazonaws.com/1/order-submission-queue" },
  PaymentProcessingQueue: { url: "https://sqs.us-east-1.amazonaws.com/1/payment-processing-queue.fifo" },
  NotificationQueue: { url: "https://sqs.us-east-1.amazonaws.com/1/notification-queue" },
  CustomerNotifications: { name: "customer-notifications" },
  Cache: { host: "cache.example.internal", port: 6379 },
  Database: { host: "aurora.example.internal", port: 5432, username: "cloudcafe", database: "cloudcafe", ...database },
});

const env = { MENU_SERVICE_URL: "https://dev.cloudcafe.example" };

describe("order service config", () => {
  it("uses TLS towards deployed hosts and reads the Aurora password from its managed secret", () => {
    const config = loadOrderServiceConfig(env, links({ secretArn: "arn:aws:secretsmanager:us-east-1:1:secret:rds" }));
    expect(config.database.ssl).toBe(true);
    expect(config.cache.tls).toBe(true);
    expect(typeof config.database.password).toBe("function");
    expect(config.port).toBe(8080);
  });

  it("names what is wrong when a link is missing or the database has no credentials", () => {
    const { ActiveOrders: _gone, ...withoutTable } = links({ password: "x" });
    expect(() => loadOrderServiceConfig(env, withoutTable)).toThrow(/ActiveOrders/);
    expect(() => loadOrderServiceConfig(env, links({}))).toThrow(/password or a secretArn/);
    expect(() => loadOrderServiceConfig({ ...env, PORT: "99999" }, links({ password: "x" }))).toThrow();
    expect(() => loadOrderServiceConfig({}, links({ password: "x" }))).toThrow(/MENU_SERVICE_URL/);
  });

  it("runs the cache fault agent unless told it is someone else's (npm start's control plane causes those faults)", () => {
    expect(loadOrderServiceConfig(env, links({ password: "x" })).cacheFaultAgent).toBe(true);
    expect(loadOrderServiceConfig({ ...env, CACHE_FAULT_AGENT: "off" }, links({ password: "x" })).cacheFaultAgent).toBe(false);
    expect(() => loadOrderServiceConfig({ ...env, CACHE_FAULT_AGENT: "no" }, links({ password: "x" }))).toThrow(/CACHE_FAULT_AGENT/);
  });
});

describe("rotating database password", () => {
  it("reads the secret once per cache period and picks up a rotated value after it", async () => {
    let calls = 0;
    let current = "first";
    const client = { send: async () => (calls++, { SecretString: JSON.stringify({ username: "cloudcafe", password: current }) }) };
    const password = passwordFromSecret("arn:secret", 50, client as never);
    expect(await password()).toBe("first");
    current = "rotated";
    expect(await password()).toBe("first");
    await new Promise((r) => setTimeout(r, 60));
    expect(await password()).toBe("rotated");
    expect(calls).toBe(2);
  });
});
