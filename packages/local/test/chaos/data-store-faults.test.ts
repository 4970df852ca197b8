/**
 * Each data-store fault's local mechanism breaks what it claims, on real engines, and its revert mends it: the
 * platform's PostgreSQL server (a database of the test's own), redis-servers of the test's own (never the shared one's
 * settings), and a DocumentDB stand-in of the test's own.
 */
import { randomUUID } from "node:crypto";
import { MongoClient } from "mongodb";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, createDocumentDb } from "@cloudcafe/adapters";
import { createLogger } from "@cloudcafe/observability";
import { auroraFailoverInjector } from "../../src/chaos/injectors/aurora-failover.ts";
import { documentDbConnectionExhaustionInjector } from "../../src/chaos/injectors/documentdb-connection-exhaustion.ts";
import { elasticacheFlushInjector } from "../../src/chaos/injectors/elasticache-flush.ts";
import { memoryDbRestartInjector } from "../../src/chaos/injectors/memorydb-restart.ts";
import { redisEvictionPressureInjector, redisInfoField } from "../../src/chaos/injectors/redis-eviction-pressure.ts";
import type { FaultInjector, Injection } from "../../src/chaos/injector.ts";
import { DOCUMENTDB_STORAGE_DATABASE } from "../../src/engines/documentdb.ts";
import { memoryDbServerArgs } from "../../src/engines/memorydb.ts";
import { dropDatabase, ensureDatabase, withDatabase } from "../../src/engines/postgres.ts";
import { redisAnswers } from "../../src/engines/redis.ts";
import { waitUntil } from "../../src/process/net.ts";
import { collectCacheHitRate } from "../../src/observability/collectors/cache-hit-rate.ts";
import { createMetricsSink } from "../../src/observability/sink.ts";
import { createDocumentDbServer, type DocumentDbServer } from "../../src/stand-ins/documentdb/server.ts";
import { localPlatform } from "../../src/testing/env.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/testing/private-redis.ts";

const logger = createLogger({ service: "chaos-test", level: "ERROR" });
const inject = (injector: FaultInjector, parameters: Record<string, unknown> = {}, ttlSeconds = 30): Promise<Injection> =>
  injector.inject({ injectionId: randomUUID(), ttlSeconds, parameters: injector.parameters.parse(parameters), logger });

const serverUrl = localPlatform().endpoints.databaseUrl;

describe("aurora-failover", () => {
  const database = `cloudcafe_chaos_t${process.pid}`;
  let databaseUrl: string;
  beforeAll(async () => {
    await ensureDatabase(serverUrl, database);
    databaseUrl = withDatabase(serverUrl, database);
  });
  afterAll(async () => {
    await dropDatabase(serverUrl, database);
  });

  it("terminates the database's connections and refuses new ones until reverted, as a failover does to its clients", async () => {
    const adminUrl = withDatabase(serverUrl, "postgres");
    const injector = auroraFailoverInjector({ adminUrl, database });
    const pool = postgres(databaseUrl, { max: 2, connect_timeout: 3, onnotice: () => {} });
    try {
      await pool`select 1`;
      const injection = await inject(injector);
      expect(injection.effect.connectionsTerminated).toBeGreaterThanOrEqual(1);
      // The pool's connection was terminated (the client sees the admin shutdown or the reset socket, as at a
      // failover) and a new one is refused: the query fails.
      await expect(pool`select 1`).rejects.toThrow(/terminat|not currently accepting connections|ECONNRESET|CONNECTION_(CLOSED|ENDED)/i);
      const fresh = postgres(databaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
      await expect(fresh`select 1`).rejects.toThrow(/not currently accepting connections|does not allow connections/i);
      await fresh.end({ timeout: 1 });

      await injection.revert();
      expect((await pool`select 1 as one`)[0]!.one).toBe(1);
    } finally {
      await pool.end({ timeout: 1 });
    }
  });

  it("the services' database client rides it out: transactions in flight fail, none stops the process, all resume after", async () => {
    // The services' pool (node-postgres). postgres.js 3.4.9 stopped the process here: a transaction whose connection
    // was terminated between two statements wrote its rollback to the closed socket from a setImmediate (an uncaught
    // TypeError, porsager/postgres#1154), and this test then reported that error and died with it.
    const lost: Error[] = [];
    const pool = createDatabase(databaseUrl, { max: 8, onConnectionLost: (error) => lost.push(error) });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    await pool.query("create table if not exists failover_writes (id serial primary key, part text not null)");
    let committed = 0;
    let failed = 0;
    let running = true;
    const writer = async () => {
      while (running) {
        try {
          await pool.transaction(async (tx) => {
            await tx.execute("insert into failover_writes (part) values ('first')");
            // The application's own awaits between two statements: where a failover finds an idle transaction.
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
            await tx.execute("insert into failover_writes (part) values ('second')");
          });
          committed++;
        } catch {
          failed++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const writers = Array.from({ length: 16 }, writer);
    try {
      await waitUntil("transactions committing", async () => committed > 50, 10_000);
      const injector = auroraFailoverInjector({ adminUrl: withDatabase(serverUrl, "postgres"), database });
      const injection = await inject(injector);
      expect(injection.effect.connectionsTerminated).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await injection.revert();
      const afterRevert = committed;
      await waitUntil("transactions committing again after the revert", async () => committed > afterRevert + 50, 15_000);
    } finally {
      running = false;
      await Promise.all(writers);
      process.off("uncaughtException", onUncaught);
    }
    // Every connection came back to the pool or was dropped with its server end: none leaked by a failed BEGIN.
    const leaked = pool.pool.totalCount - pool.pool.idleCount;
    await pool.end();
    expect(leaked).toBe(0);
    expect(uncaught).toEqual([]);
    expect(failed).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThan(0);
    // Both statements or neither: a transaction cut by the failover left no half behind.
    const verify = createDatabase(databaseUrl, { max: 1 });
    try {
      const [parts] = await verify.query<{ first: number; second: number }>(
        "select count(*) filter (where part = 'first')::int as first, count(*) filter (where part = 'second')::int as second from failover_writes",
      );
      expect(parts!.first).toBe(parts!.second);
    } finally {
      await verify.end();
    }
  }, 60_000);

  it("is undone by recover after a control plane died with it in force", async () => {
    const injector = auroraFailoverInjector({ adminUrl: withDatabase(serverUrl, "postgres"), database });
    const injection = await inject(injector);
    await injector.recover!(injection.record!);
    const sql = postgres(databaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      expect((await sql`select 1 as one`)[0]!.one).toBe(1);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});

describe("the cache faults", () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("elasticache-flush empties the platform's cache database and no other", async () => {
    const cache = redis.client(3);
    const other = redis.client(4);
    await cache.mset("menu:items:v1", "{}", "order:1", "{}", "session:1", "x");
    await other.set("someone-else", "kept");
    const injection = await inject(elasticacheFlushInjector({ cacheUrl: `${redis.url}/3` }));
    expect(injection.effect).toMatchObject({ database: 3, keysFlushed: 3 });
    expect(await cache.dbsize()).toBe(0);
    expect(await other.get("someone-else")).toBe("kept");
  });

  it("redis-eviction-pressure makes Redis evict (INFO evicted_keys) and reverting restores maxmemory and policy", async () => {
    const admin = redis.client(0);
    await admin.config("SET", "maxmemory-policy", "volatile-lru");
    const cached = redis.client(5);
    for (let i = 0; i < 50; i++) await cached.set(`menu:item:${i}`, "v".repeat(1_000));
    const evictedBefore = await redisInfoField(admin, "stats", "evicted_keys");
    // The local sink's ElastiCache collector on this server: its Evictions is the fault's signal.
    const sink = createMetricsSink();
    const collector = collectCacheHitRate(sink, redis.url, logger);
    const evictions = () => sink.store.aggregate({ namespace: "AWS/ElastiCache", name: "Evictions" }, "Sum", Date.now() - 60_000, Date.now() + 1_000) ?? 0;
    await expect.poll(() => sink.store.select({ namespace: "AWS/ElastiCache", name: "Evictions" }).length, { timeout: 10_000 }).toBe(1);

    const injection = await inject(redisEvictionPressureInjector({ cacheUrl: redis.url }), { headroomBytes: 256 * 1024 });
    expect(await redisInfoField(admin, "stats", "evicted_keys")).toBeGreaterThan(evictedBefore);
    expect(injection.effect.keysEvicted).toBeGreaterThan(0);
    expect(await admin.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "allkeys-lru"]);
    // Every write now evicts: the cache's own entries go.
    for (let i = 0; i < 100; i++) await cached.set(`order:${i}`, "o".repeat(4_000));
    expect(await cached.exists(...Array.from({ length: 50 }, (_, i) => `menu:item:${i}`))).toBeLessThan(50);
    await expect.poll(evictions, { timeout: 10_000 }).toBeGreaterThan(0);
    collector.stop();
    // The ballast writer keeps the pressure on: a working set written back after every read is evicted between two
    // reads a second apart (with ballast written once, LRU would take the older ballast and spare it).
    const hot = Array.from({ length: 30 }, (_, i) => `order:hot:${i}`);
    await cached.mset(...hot.flatMap((key) => [key, "h".repeat(2_000)]));
    let lost = 0;
    for (let round = 0; round < 4; round++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      lost += (await cached.mget(...hot)).filter((value) => value === null).length;
      await cached.mset(...hot.flatMap((key) => [key, "h".repeat(2_000)]));
    }
    expect(lost).toBeGreaterThan(0);

    await injection.revert();
    expect(await admin.config("GET", "maxmemory")).toEqual(["maxmemory", "0"]);
    expect(await admin.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "volatile-lru"]);
    expect(await admin.keys("chaos:ballast:*")).toEqual([]);
  });
});

describe("memorydb-restart", () => {
  let memoryDb: PrivateRedis;
  beforeAll(async () => {
    memoryDb = await startPrivateRedis((port) => memoryDbServerArgs("127.0.0.1", port));
  });
  afterAll(async () => {
    await memoryDb?.stop();
  });

  it("stops the MemoryDB stand-in's redis-server, starts it again after downSeconds, and its data survives", async () => {
    const counters = memoryDb.client(0);
    await counters.set("stock:store-1:sku-1", "42");
    const injector = memoryDbRestartInjector({ url: memoryDb.url, serverArgs: memoryDb.args });
    const injection = await inject(injector, { downSeconds: 1 });
    expect(await redisAnswers(memoryDb.url, 300)).toBe(false);
    await waitUntil("the restarted server", () => redisAnswers(memoryDb.url), 15_000, 100);
    await injection.revert();
    const reconnected = memoryDb.client(0);
    expect(await reconnected.get("stock:store-1:sku-1")).toBe("42");
  });
});

describe("documentdb-connection-exhaustion", () => {
  let standIn: DocumentDbServer;
  let url: string;
  beforeAll(async () => {
    const storage = new URL(serverUrl);
    storage.pathname = `/${DOCUMENTDB_STORAGE_DATABASE}`;
    await ensureDatabase(serverUrl, DOCUMENTDB_STORAGE_DATABASE);
    standIn = await createDocumentDbServer({ databaseUrl: storage.toString() });
    await new Promise<void>((resolve) => standIn.server.listen(0, "127.0.0.1", resolve));
    url = `mongodb://127.0.0.1:${(standIn.server.address() as { port: number }).port}/`;
  });
  afterAll(async () => {
    await standIn?.close();
  });

  const client = () => new MongoClient(url, { directConnection: true, serverSelectionTimeoutMS: 1_500, connectTimeoutMS: 1_500 });

  it("closes the clients' idle connections and refuses new ones until reverted", async () => {
    const menu = client();
    try {
      await menu.db("menu").command({ ping: 1 });
      const injection = await inject(documentDbConnectionExhaustionInjector({ url }));
      expect(injection.effect.idleConnectionsClosed).toBeGreaterThanOrEqual(1);
      await expect(menu.db("menu").command({ ping: 1 })).rejects.toThrow();
      const fresh = client();
      await expect(fresh.db("menu").command({ ping: 1 })).rejects.toThrow();
      await fresh.close();

      await injection.revert();
      const after = client();
      try {
        expect((await after.db("menu").command({ ping: 1 })).ok).toBe(1);
      } finally {
        await after.close();
      }
    } finally {
      await menu.close();
    }
  });

  it("moves DocumentDbErrors while the menu runs no operation at all (its reads come from the cache): the driver's heartbeats fail", async () => {
    const errors: unknown[] = [];
    const documents = createDocumentDb({ url: `${url}?directConnection=true&heartbeatFrequencyMS=500`, database: "menu" }, { onError: (error) => errors.push(error) });
    try {
      await documents.run((db) => db.command({ ping: 1 }));
      const injection = await inject(documentDbConnectionExhaustionInjector({ url }));
      try {
        await waitUntil("a failed heartbeat counted", async () => errors.length > 0, 15_000, 100);
      } finally {
        await injection.revert();
      }
    } finally {
      await documents.close();
    }
  });

  it("moves the menu's DocumentDbErrors signal: the menu's document client fails and counts it, then recovers", async () => {
    const errors: unknown[] = [];
    const documents = createDocumentDb({ url: `${url}?directConnection=true&serverSelectionTimeoutMS=1500`, database: "menu" }, { onError: (error) => errors.push(error) });
    try {
      await documents.run((db) => db.command({ ping: 1 }));
      const injection = await inject(documentDbConnectionExhaustionInjector({ url }));
      await expect(documents.run((db) => db.command({ ping: 1 }))).rejects.toThrow();
      expect(errors.length).toBeGreaterThanOrEqual(1);
      await injection.revert();
      await waitUntil("the menu's client to reconnect", async () => (await documents.run((db) => db.command({ ping: 1 }))).ok === 1, 15_000, 200);
    } finally {
      await documents.close();
    }
  });
});
