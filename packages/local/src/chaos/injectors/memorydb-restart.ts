import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { z } from "zod";
import { redisAnswers } from "../../engines/redis.ts";
import { runCommand } from "../../engines/system-packages.ts";
import { waitUntil } from "../../process/net.ts";
import type { FaultInjector } from "../injector.ts";

const parameters = z.object({
  /** How long the node stays down before it is back (MemoryDB's failover takes seconds). */
  downSeconds: z.coerce.number().min(0).max(60).default(2),
});

/**
 * `memorydb-restart` locally: the MemoryDB stand-in's own redis-server (never the cache's) is shut down and started
 * again after `downSeconds`, with the arguments it runs with. Its data survives, as MemoryDB's does (its transaction
 * log is durable): the server saves a snapshot as it shuts down (SHUTDOWN SAVE, to its configured dir and
 * dbfilename) and is started again on it. Its clients' connections drop, and reconnect once it answers.
 */
export function memoryDbRestartInjector(options: { readonly url: string; readonly serverArgs: readonly string[] }): FaultInjector {
  let persisted: { dir: string; dbfilename: string } | undefined;
  let restarting: Promise<void> | undefined;

  const start = async () => {
    if (await redisAnswers(options.url)) return;
    const files = persisted ? ["--dir", persisted.dir, "--dbfilename", persisted.dbfilename] : [];
    await runCommand("redis-server", ["--daemonize", "yes", ...options.serverArgs, ...files]);
    await waitUntil("MemoryDB's redis-server to answer PING after its restart", () => redisAnswers(options.url), 30_000, 100);
  };

  return {
    parameters,
    async inject({ parameters: raw, ttlSeconds }) {
      const { downSeconds } = parameters.parse(raw);
      const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
      await redis.connect();
      const [, dir] = (await redis.config("GET", "dir")) as [string, string];
      const [, dbfilename] = (await redis.config("GET", "dbfilename")) as [string, string];
      const keys = await redis.dbsize();
      persisted = { dir, dbfilename };
      // The server closes every connection as it stops, this one's included: its answer is the closed socket.
      await redis.call("SHUTDOWN", "SAVE").catch(() => undefined);
      redis.disconnect();
      await waitUntil("MemoryDB's redis-server to stop", async () => !(await redisAnswers(options.url, 300)), 10_000, 50);
      const stoppedAt = Date.now();
      restarting = sleep(Math.min(downSeconds, ttlSeconds) * 1_000).then(start);
      return {
        effect: { keysPersisted: keys, downSeconds },
        revert: async () => {
          await restarting?.catch(() => undefined);
          await start();
        },
        // Only for `recover`: the server is started again if the control plane died while it was down.
        record: { stoppedAt, ...persisted },
      };
    },
    async recover(record) {
      persisted = { dir: String(record.dir), dbfilename: String(record.dbfilename) };
      await start();
    },
  };
}
