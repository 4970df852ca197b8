import { spawn } from "node:child_process";
import { freePort } from "@cloudcafe/local/process/net";
import { Redis } from "ioredis";

/**
 * A redis-server of the test's own, for what counts server-wide (INFO's keyspace hits and misses): on the shared one,
 * other test runs' reads would count too. `keyspaceMisses` reads the counter; `stop` ends both.
 */
export async function ownRedis() {
  const port = await freePort();
  const server = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: (attempt) => (attempt > 50 ? null : 100) });
  // Refused until the server listens; the client retries.
  client.on("error", () => undefined);
  await client.ping();
  return {
    client,
    keyspaceMisses: async () => Number(/keyspace_misses:(\d+)/.exec(await client.info("stats"))![1]),
    stop() {
      client.disconnect();
      server.kill();
    },
  };
}
