import { connect } from "node:net";
import { Redis } from "ioredis";
import { redis as catalogRedis } from "@cloudcafe/catalog";
import type { Engine, EngineStartOptions } from "./engine.ts";
import { waitUntil } from "../process/net.ts";
import { ensureCommand, isRoot, runCommand } from "./system-packages.ts";

/** Sends an inline PING; a server that demands AUTH still proves it is Redis and alive. */
export function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

/** Redis is a system service here: reused when it answers, otherwise started as a daemon and never stopped. */
export async function startRedis(options: EngineStartOptions): Promise<Engine> {
  const explicit = process.env.REDIS_URL;
  const stop = async () => {};
  if (explicit) {
    if (!(await redisAnswers(explicit))) throw new Error("REDIS_URL is set but Redis does not answer PING there");
    return { name: "Redis", url: explicit, reused: true, health: () => redisAnswers(explicit), stop };
  }
  const { host } = options.config;
  const url = `redis://${host}:${catalogRedis.port}`;
  if (await redisAnswers(url)) return { name: "Redis", url, reused: true, health: () => redisAnswers(url), stop };
  if (!isRoot()) {
    throw new Error(
      `Redis does not answer on ${host}:${catalogRedis.port}. Install and start it, e.g.: sudo apt-get install -y redis-server && ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port ${catalogRedis.port} --save "" --appendonly no (or set REDIS_URL).`,
    );
  }
  await ensureCommand("redis-server", "redis-server");
  // The install may have started a server already.
  if (!(await redisAnswers(url))) {
    console.error("[local] starting redis-server ...");
    await runCommand("redis-server", [
      "--daemonize", "yes",
      "--bind", host,
      "--port", String(catalogRedis.port),
      "--save", "",
      "--appendonly", "no",
      "--maxmemory-policy", catalogRedis.evictionPolicy,
    ]);
  }
  await waitUntil("Redis to answer PING", () => redisAnswers(url), 30_000, 200);
  return { name: "Redis", url, reused: false, health: () => redisAnswers(url), stop };
}

/** Sets a running server's `hz` (CONFIG SET), for a daemon of the platform's own that an earlier run started. */
export async function setRedisHz(url: string, hz: number): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await client.connect();
    await client.config("SET", "hz", String(hz));
  } finally {
    client.disconnect();
  }
}
