/**
 * The control plane over HTTP as an operator reaches it: token required (401/403 as the stress controls answer),
 * inject with a TTL capped by the registry, one fault per target (409), revert, the TTL reverting a fault on its
 * own, shutdown reverting what is in force, and a killed control plane's faults undone by the next one; with real
 * mechanisms on engines of the test's own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { httpFaultControlPlane } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { type ChaosControlPlane, createChaosControlPlane } from "../../src/chaos/control-plane.ts";
import { localFaultInjectors } from "../../src/chaos/local-injectors.ts";
import { type RunningChaosServer, startChaosServer } from "../../src/chaos/server.ts";
import { waitUntil } from "../../src/process/net.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/testing/private-redis.ts";

const TOKEN = "chaos-test-operator-token";
const logger = createLogger({ service: "chaos-test", level: "ERROR" });
const emitted: Record<string, unknown>[] = [];
const metrics = createMetrics({ namespace: "CloudCafe/Chaos", service: "chaos-control-plane", write: (line) => emitted.push(JSON.parse(line)) });

let redis: PrivateRedis;
let stateDir: string;
let controlPlane: ChaosControlPlane;
let server: RunningChaosServer;

/** Only the cache faults and the application faults: the database is the run's own and is not failed over here. */
const injectorsFor = (cacheUrl: string) => {
  const all = localFaultInjectors({ databaseUrl: "postgres://unused@127.0.0.1:1/unused", cacheUrl });
  return { "elasticache-flush": all["elasticache-flush"], "redis-eviction-pressure": all["redis-eviction-pressure"], "nat-gateway-failure": all["nat-gateway-failure"], "dynamodb-throttling": all["dynamodb-throttling"] };
};

beforeAll(async () => {
  redis = await startPrivateRedis();
  stateDir = mkdtempSync(join(tmpdir(), "cloudcafe-chaos-state-"));
  controlPlane = createChaosControlPlane({ injectors: injectorsFor(redis.url), journalFile: join(stateDir, "journal.json"), logger, metrics });
  server = await startChaosServer({ controlPlane, operatorToken: TOKEN, logger, port: 0 });
});

afterAll(async () => {
  await controlPlane?.close();
  await server?.stop();
  await redis?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const call = (method: string, path: string, options: { token?: string | null; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? TOKEN}` }),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });

/** A JSON answer, read loosely: the assertions say what it must hold. */
const body = async (response: Response): Promise<any> => response.json();

describe("the chaos API", () => {
  it("needs the operator token: 401 without one, 403 with a wrong one, in the platform's error shape", async () => {
    const missing = await call("GET", "/api/chaos/faults", { token: null });
    expect(missing.status).toBe(401);
    expect((await body(missing)).error.code).toBe("UNAUTHORIZED");
    const wrong = await call("POST", "/api/chaos/faults/elasticache-flush", { token: "nope", body: {} });
    expect(wrong.status).toBe(403);
    expect((await body(wrong)).error.code).toBe("FORBIDDEN");
  });

  it("lists the 13 registry entries with what they break, their recovery and whether they can run here", async () => {
    const response = await call("GET", "/api/chaos/faults");
    expect(response.status).toBe(200);
    const { faults } = (await body(response)) as { faults: { id: string; available: boolean; breaks: string; expectedRecovery: unknown }[] };
    expect(faults).toHaveLength(13);
    expect(faults.find((fault) => fault.id === "elasticache-flush")).toMatchObject({ available: true, breaks: expect.any(String), expectedRecovery: expect.any(Object) });
    expect(faults.find((fault) => fault.id === "ecs-task-termination")?.available).toBe(false);
  });

  it("refuses a TTL over the registry's maximum, unknown parameters, an unknown fault and one without a mechanism here", async () => {
    const tooLong = await call("POST", "/api/chaos/faults/elasticache-flush", { body: { ttlSeconds: 61 } });
    expect(tooLong.status).toBe(400);
    expect((await body(tooLong)).error.details[0].path).toBe("ttlSeconds");
    const badParameter = await call("POST", "/api/chaos/faults/dynamodb-throttling", { body: { parameters: { percent: 500 } } });
    expect(badParameter.status).toBe(400);
    expect((await call("POST", "/api/chaos/faults/no-such-fault", { body: {} })).status).toBe(404);
    expect((await call("POST", "/api/chaos/faults/ecs-task-termination", { body: {} })).status).toBe(503);
    expect((await call("DELETE", "/api/chaos/faults/elasticache-flush")).status).toBe(404);
  });

  it("injects, holds one fault per target (409), serves the active application faults, and reverts", async () => {
    await redis.client(0).set("menu:items", "cached");
    const injected = await call("POST", "/api/chaos/faults/elasticache-flush", { body: { ttlSeconds: 30 } });
    expect(injected.status).toBe(201);
    const { fault } = await body(injected);
    expect(fault).toMatchObject({ id: "elasticache-flush", target: "cache:elasticache", ttlSeconds: 30, effect: { keysFlushed: 1 } });
    expect(Date.parse(fault.expiresAt) - Date.parse(fault.startedAt)).toBe(30_000);
    expect(await redis.client(0).exists("menu:items")).toBe(0);

    // Same target (the ElastiCache cluster): refused while the flush is in force.
    const conflict = await call("POST", "/api/chaos/faults/redis-eviction-pressure", { body: {} });
    expect(conflict.status).toBe(409);
    expect((await body(conflict)).error.code).toBe("CONFLICT");

    const egress = await call("POST", "/api/chaos/faults/nat-gateway-failure", { body: { ttlSeconds: 20, parameters: { timeoutMs: 0 } } });
    expect(egress.status).toBe(201);
    const source = httpFaultControlPlane({ url: server.faultsDocumentUrl, cacheMs: 0 });
    expect(await source.active("nat-gateway-failure")).toMatchObject({ parameters: { timeoutMs: 0 } });
    expect(await source.active("dynamodb-throttling")).toBeUndefined();
    // A fault the control plane causes itself is not in the services' document: nobody flushes a second time.
    expect(await source.active("elasticache-flush")).toBeUndefined();

    expect((await call("DELETE", "/api/chaos/faults/elasticache-flush")).status).toBe(200);
    expect((await call("DELETE", "/api/chaos/faults/nat-gateway-failure")).status).toBe(200);
    expect(await source.active("nat-gateway-failure")).toBeUndefined();
    const listed = (await (await call("GET", "/api/chaos/faults")).json()) as { faults: { active?: unknown }[] };
    expect(listed.faults.filter((entry) => entry.active)).toEqual([]);
    const activeSeries = emitted.filter((line) => line.FaultId === "elasticache-flush" && "FaultActive" in line).map((line) => line.FaultActive);
    expect(activeSeries).toEqual([1, 0]);
  });

  it("reverts a fault on its own when its TTL ends", async () => {
    const admin = redis.client(0);
    const injected = await controlPlane.inject("redis-eviction-pressure", { ttlSeconds: 1, parameters: { headroomBytes: 256 * 1024 } });
    expect(injected.effect.keysEvicted).toBeGreaterThan(0);
    expect(await admin.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "allkeys-lru"]);
    await waitUntil("the TTL to revert the fault", async () => controlPlane.active().length === 0, 5_000, 50);
    expect(await admin.config("GET", "maxmemory")).toEqual(["maxmemory", "0"]);
    expect(emitted.some((line) => line.FaultId === "redis-eviction-pressure" && line.Reason === "ttl")).toBe(true);
  });
});

describe("shutdown and a killed control plane", () => {
  it("close() reverts every fault in force", async () => {
    const own = createChaosControlPlane({ injectors: injectorsFor(redis.url), logger, metrics });
    await own.inject("redis-eviction-pressure", { ttlSeconds: 60, parameters: { headroomBytes: 256 * 1024 } });
    expect(await redis.client(0).config("GET", "maxmemory")).not.toEqual(["maxmemory", "0"]);
    await own.close();
    expect(await redis.client(0).config("GET", "maxmemory")).toEqual(["maxmemory", "0"]);
    await expect(own.inject("elasticache-flush")).rejects.toThrow(/shutting down/);
  });

  it("the next control plane undoes what a killed one left in force, from its journal", async () => {
    const journalFile = join(stateDir, "killed.json");
    const killed = createChaosControlPlane({ injectors: injectorsFor(redis.url), journalFile, logger, metrics });
    await killed.inject("redis-eviction-pressure", { ttlSeconds: 60, parameters: { headroomBytes: 256 * 1024 } });
    // Killed: no revert ran (its TTL timer dies with it; here it is left to the next one).
    const next = createChaosControlPlane({ injectors: injectorsFor(redis.url), journalFile, logger, metrics });
    expect(await next.recoverAbandoned()).toEqual(["redis-eviction-pressure"]);
    expect(await redis.client(0).config("GET", "maxmemory")).toEqual(["maxmemory", "0"]);
    // The first one's timer would revert again: harmless, the same settings are restored.
    await killed.close();
  });
});

describe("stop alarms, as FIS stop conditions", () => {
  /** A control plane whose stop alarms are those in `firing`, polled every `pollMs`. */
  const guardedBy = (firing: ReadonlySet<string>, pollMs: number) =>
    createChaosControlPlane({ injectors: injectorsFor(redis.url), logger, metrics, alarmFiring: async (alarm) => firing.has(alarm), stopAlarmPollMs: pollMs });

  it("refuses a fault whose stop alarm is in ALARM, and reverts one in force as soon as its stop alarm fires", async () => {
    const firing = new Set<string>();
    const guarded = guardedBy(firing, 50);
    try {
      // nat-gateway-failure stops on the payment queue's age (packages/catalog faults.ts).
      firing.add("paymentQueueAge");
      await expect(guarded.inject("nat-gateway-failure", { ttlSeconds: 60 })).rejects.toThrow(/stop alarm paymentQueueAge is in ALARM/);
      expect(guarded.active()).toEqual([]);

      firing.clear();
      await guarded.inject("nat-gateway-failure", { ttlSeconds: 60 });
      expect(guarded.active().map((fault) => fault.id)).toEqual(["nat-gateway-failure"]);
      firing.add("paymentQueueAge");
      await waitUntil("the stop alarm to revert the fault", async () => guarded.active().length === 0, 5_000, 20);
      expect(emitted.some((line) => line.FaultId === "nat-gateway-failure" && line.Reason === "stop-alarm")).toBe(true);
    } finally {
      await guarded.close();
    }
  });

  it("runs its stop-alarm poll only while a fault is in force: an idle control plane sets no interval", async () => {
    // Only the intervals are faked (the fault's TTL is a setTimeout, and the injector talks to Redis for real).
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const firing = new Set<string>();
    const guarded = guardedBy(firing, 1_000);
    try {
      expect(vi.getTimerCount()).toBe(0);
      await guarded.inject("nat-gateway-failure", { ttlSeconds: 60 });
      expect(vi.getTimerCount()).toBe(1);
      firing.add("paymentQueueAge");
      await vi.advanceTimersByTimeAsync(1_000);
      await waitUntil("the stop alarm to revert the fault", async () => guarded.active().length === 0, 5_000, 20);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      await guarded.close();
      vi.useRealTimers();
    }
  });
});
