import { describe, expect, it } from "vitest";
import { memoryDbServerArgs, MEMORYDB_HZ } from "../src/engines/memorydb.ts";
import { setRedisHz } from "../src/engines/redis.ts";
import { startPrivateRedis } from "../src/testing/private-redis.ts";
import { waitUntil } from "../src/process/net.ts";

describe("MemoryDB's redis-server: housekeeping once a second", () => {
  it("runs with hz 1 and still expires keys that nobody reads again, and never evicts", async () => {
    const server = await startPrivateRedis((port) => memoryDbServerArgs("127.0.0.1", port));
    try {
      const client = server.client();
      expect(await client.config("GET", "hz")).toEqual(["hz", String(MEMORYDB_HZ)]);
      expect(await client.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
      await client.set("reservation:expiring", "1", "PX", 100);
      await client.set("counter:kept", "5");
      // DBSIZE counts an expired key until the server's own expiry cycle removes it: nothing reads the key here.
      await waitUntil("the expired key removed by the server's cycle", async () => (await client.dbsize()) === 1, 5_000, 100);
      expect(await client.get("counter:kept")).toBe("5");
    } finally {
      await server.stop();
    }
  });

  it("sets the rate on a daemon an earlier run started with the default", async () => {
    const server = await startPrivateRedis();
    try {
      expect(await server.client().config("GET", "hz")).toEqual(["hz", "10"]);
      await setRedisHz(server.url, MEMORYDB_HZ);
      expect(await server.client().config("GET", "hz")).toEqual(["hz", "1"]);
    } finally {
      await server.stop();
    }
  });
});
