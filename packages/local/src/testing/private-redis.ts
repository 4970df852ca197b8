import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { redisAnswers } from "../engines/redis.ts";
import { runCommand } from "../engines/system-packages.ts";
import { freePort, waitUntil } from "../process/net.ts";

/**
 * A redis-server of the test's own on a free port: the cache and MemoryDB faults change server settings (maxmemory)
 * or stop the server, which must never happen to the shared Redis other runs use; and what a server counts for all
 * its clients (INFO's keyspace hits and misses) is a test's own only here.
 */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly args: readonly string[];
  client(database?: number): Redis;
  stop(): Promise<void>;
}

export async function startPrivateRedis(args: (port: number) => readonly string[] = (port) => ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"]): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cloudcafe-chaos-redis-"));
  const serverArgs = [...args(port), "--dir", dir];
  await runCommand("redis-server", ["--daemonize", "yes", ...serverArgs]);
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil(`private redis-server on ${port}`, () => redisAnswers(url), 15_000, 50);
  const clients: Redis[] = [];
  return {
    url,
    port,
    args: serverArgs,
    client(database = 0) {
      const client = new Redis(`${url}/${database}`, { maxRetriesPerRequest: 1 });
      // A client of a server the test restarts reconnects; its refused attempts are expected.
      client.on("error", () => undefined);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      const admin = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
      await admin.connect().catch(() => undefined);
      await admin.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
      admin.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
