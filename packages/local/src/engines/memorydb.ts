import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { memoryDb } from "@cloudcafe/catalog";
import type { Engine, EngineStartOptions } from "./engine.ts";
import { waitUntil } from "../process/net.ts";
import { redisAnswers, setRedisHz } from "./redis.ts";
import { ensureCommand, isRoot, runCommand } from "./system-packages.ts";

/**
 * Background tasks a second (Redis's `hz`, 10 by default): its housekeeping was most of an idle server's CPU (0.12% of
 * a core with no client at all). One a second still expires keys nobody reads again (Redis samples keys with a TTL each
 * cycle, and a read of an expired key never sees it), and a blocked command's timeout does not depend on it.
 */
export const MEMORYDB_HZ = 1;

/**
 * How the stand-in's redis-server runs (the MemoryDB restart fault starts it again with the same arguments). With
 * `stateDir`, its snapshots go to `<stateDir>/memorydb`, not to the working directory the daemon was started from
 * (which was the repository, where the restart fault's SHUTDOWN SAVE left a `dump.rdb`).
 */
export function memoryDbServerArgs(host: string, port: number, stateDir?: string): string[] {
  const args = ["--bind", host, "--port", String(port), "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction", "--hz", String(MEMORYDB_HZ)];
  if (!stateDir) return args;
  const dir = join(stateDir, "memorydb");
  mkdirSync(dir, { recursive: true });
  return [...args, "--dir", dir];
}

/**
 * MemoryDB's stand-in: a redis-server of its own (the inventory counters must not share the cache's server, whose
 * eviction policy may drop keys; MemoryDB never evicts). Like Redis, a system daemon: reused when it answers,
 * otherwise started and never stopped. MEMORYDB_URL points at another server instead.
 */
export async function startMemoryDb(options: EngineStartOptions): Promise<Engine> {
  const explicit = process.env.MEMORYDB_URL;
  const stop = async () => {};
  if (explicit) {
    if (!(await redisAnswers(explicit))) throw new Error("MEMORYDB_URL is set but no Redis answers PING there");
    return { name: "MemoryDB (redis-server)", url: explicit, reused: true, health: () => redisAnswers(explicit), stop };
  }
  const { host } = options.config;
  const port = options.config.ports.memoryDb;
  const url = `redis://${host}:${port}`;
  const engine = (reused: boolean): Engine => ({ name: "MemoryDB (redis-server)", url, reused, health: () => redisAnswers(url), stop });
  if (await redisAnswers(url)) {
    // A daemon an earlier run started (they are never stopped) gets today's housekeeping rate too.
    await setRedisHz(url, MEMORYDB_HZ);
    return engine(true);
  }
  if (!isRoot()) {
    throw new Error(
      `MemoryDB's stand-in does not answer on ${host}:${port}. Start one, e.g.: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port ${port} --save "" --appendonly no --maxmemory-policy noeviction (or set MEMORYDB_URL).`,
    );
  }
  await ensureCommand("redis-server", "redis-server");
  console.error(`[local] starting redis-server for MemoryDB on ${port} ...`);
  await runCommand("redis-server", ["--daemonize", "yes", ...memoryDbServerArgs(host, port, options.config.stateDir)]);
  await waitUntil("MemoryDB's redis-server to answer PING", () => redisAnswers(url), 30_000, 200);
  return engine(false);
}

export const memoryDbLocalPort = memoryDb.localPort;
