/**
 * What the local sink measures outside the code, on the real engines: PostgreSQL's connections and max_connections,
 * Redis's hit rate from INFO, SQS's age of the oldest message on fauxqs, and DynamoDB's UserErrors as the client
 * reports them against DynamoDB Local.
 */
import { connect } from "node:net";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@cloudcafe/observability";
import { collectCacheHitRate, redisInfoReader } from "../src/observability/collectors/cache-hit-rate.ts";
import { collectDatabaseConnections } from "../src/observability/collectors/database-connections.ts";
import { collectQueueAge } from "../src/observability/collectors/queue-age.ts";
import { createMetricsSink } from "../src/observability/sink.ts";
import { localPlatform } from "../src/testing/env.ts";
import { startPrivateRedis } from "../src/testing/private-redis.ts";

const quiet = createLogger({ service: "metrics-collectors-test", level: "ERROR" });
const { endpoints } = localPlatform();
const lastMinute = () => [Date.now() - 60_000, Date.now() + 1_000] as const;

/** Sends inline Redis commands on one connection and resolves once as many replies as commands came back. */
function redis(commands: readonly string[]): Promise<void> {
  const url = new URL(endpoints.redisUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) }, () => socket.write(commands.map((command) => `${command}\r\n`).join("")));
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString();
      // Each reply here is one line (+OK, $-1) or a bulk string ($n, then its line).
      const lines = received.split("\r\n").filter(Boolean);
      const replies = lines.filter((line, index) => !(index > 0 && lines[index - 1]!.startsWith("$") && lines[index - 1] !== "$-1")).length;
      if (replies >= commands.length) (socket.end(), resolve());
    });
    socket.once("error", reject);
  });
}

describe("collectors on the real engines", () => {
  const sink = createMetricsSink();
  const stops: (() => unknown)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it("measures this database's connections and learns max_connections for the 80% threshold", async () => {
    const collector = collectDatabaseConnections(sink, endpoints.databaseUrl, quiet);
    stops.push(() => collector.stop());
    const selector = { namespace: "AWS/RDS", name: "DatabaseConnections", dimensions: { DBClusterIdentifier: "local" } };
    await expect.poll(() => sink.store.aggregate(selector, "Maximum", ...lastMinute()), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const before = sink.store.aggregate(selector, "Maximum", ...lastMinute())!;
    // Five more connections to the same database show in the next samples.
    const extra = postgres(endpoints.databaseUrl, { max: 5 });
    stops.push(() => extra.end({ timeout: 1 }));
    await Promise.all(Array.from({ length: 5 }, () => extra`select pg_sleep(0.5)`));
    await expect.poll(() => sink.store.aggregate(selector, "Maximum", ...lastMinute()), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 5);
    const { threshold } = sink.alarms().find((alarm) => alarm.key === "databaseConnections")!;
    const [{ max_connections }] = (await extra`show max_connections`) as unknown as [{ max_connections: string }];
    expect(threshold).toBe(Math.floor(Number(max_connections) * 0.8));
  });

  it("derives the cache hit rate from the server's keyspace hits and misses", async () => {
    const collector = collectCacheHitRate(sink, endpoints.redisUrl, quiet);
    stops.push(() => collector.stop());
    const key = `metrics-collectors-test:${process.pid}`;
    await redis([`SET ${key} 1 EX 60`]);
    const rate = { namespace: "AWS/ElastiCache", name: "CacheHitRate", dimensions: { CacheClusterId: "local" } };
    const hits = { namespace: "AWS/ElastiCache", name: "CacheHits" };
    // Wait for the baseline sample, then read: 30 hits and 10 misses (other programs may read the shared server too).
    await expect.poll(() => sink.store.select(hits).length, { timeout: 10_000 }).toBe(1);
    await redis([...Array.from({ length: 30 }, () => `GET ${key}`), ...Array.from({ length: 10 }, (_, i) => `GET ${key}:missing:${i}`)]);
    await expect.poll(() => sink.store.aggregate(hits, "Sum", ...lastMinute()), { timeout: 10_000 }).toBeGreaterThanOrEqual(30);
    expect(sink.store.aggregate({ namespace: "AWS/ElastiCache", name: "CacheMisses" }, "Sum", ...lastMinute())).toBeGreaterThanOrEqual(10);
    const value = sink.store.aggregate(rate, "Minimum", ...lastMinute())!;
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(100);
  });

  it("reads INFO over one kept connection, and opens another when the server drops it", async () => {
    const server = await startPrivateRedis();
    stops.push(() => server.stop());
    const reader = redisInfoReader(server.url);
    stops.push(() => reader.close());
    const connectionsReceived = (info: string) => Number(/^total_connections_received:(\d+)/m.exec(info)?.[1]);
    const first = connectionsReceived(await reader.read());
    for (let read = 0; read < 5; read++) await reader.read();
    expect(connectionsReceived(await reader.read())).toBe(first);

    const admin = server.client();
    stops.push(() => admin.disconnect());
    await admin.client("KILL", "TYPE", "normal", "SKIPME", "yes");
    // The read that finds the connection gone may fail; the one after it opens a new connection.
    await reader.read().catch(() => undefined);
    const again = await reader.read();
    expect(connectionsReceived(again)).toBeGreaterThan(first);
    expect(again).toMatch(/^keyspace_hits:\d+/m);
  });

  it("measures the age of a queue's oldest message on fauxqs without receiving it, and 0 once it is deleted", async () => {
    const { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } = await import("@aws-sdk/client-sqs");
    const sqs = new SQSClient({ region: "us-east-1", endpoint: endpoints.sqs, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const name = `metrics-collectors-age-${process.pid}.fifo`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }));
    stops.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl })));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "oldest", MessageGroupId: "customer-1" }));
    const collector = collectQueueAge(sink, endpoints.sqs, [{ name, dimension: "payment-queue-under-test" }], quiet);
    stops.push(() => collector.stop());
    const age = { namespace: "AWS/SQS", name: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: "payment-queue-under-test" } };
    /** The age the last second's sample measured. */
    const latest = () => sink.store.aggregate(age, "Maximum", Date.now() - 1_000, Date.now() + 1_000);
    await expect.poll(latest, { timeout: 10_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    // Measuring never received it: its first receive is still to come.
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("1");
    // In flight it still counts; deleted, the queue is empty.
    await expect.poll(latest, { timeout: 5_000, interval: 250 }).toBeGreaterThanOrEqual(3);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle }));
    await expect.poll(latest, { timeout: 5_000, interval: 250 }).toBe(0);
  });

  it("counts DynamoDB's HTTP 400s other than throttles and failed conditions as UserErrors, against DynamoDB Local", async () => {
    const lines: string[] = [];
    const { routeStdoutLines } = await import("@cloudcafe/observability");
    process.env.AWS_ENDPOINT_URL_DYNAMODB = localPlatform().env.AWS_ENDPOINT_URL_DYNAMODB;
    const previous = process.env.CLOUDCAFE_METRICS_DISABLED;
    process.env.CLOUDCAFE_METRICS_DISABLED = "false";
    routeStdoutLines((line) => lines.push(line));
    try {
      const { DynamoDBClient, GetItemCommand } = await import("@aws-sdk/client-dynamodb");
      const { reportLocalDynamoErrors } = await import("@cloudcafe/adapters/aws/dynamodb-error-metrics");
      const client = new DynamoDBClient({ region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 });
      reportLocalDynamoErrors(client);
      await expect(client.send(new GetItemCommand({ TableName: `no-such-table-${process.pid}`, Key: { id: { S: "x" } } }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    } finally {
      routeStdoutLines(undefined);
      process.env.CLOUDCAFE_METRICS_DISABLED = previous;
    }
    for (const line of lines) sink.ingestLine(line);
    expect(sink.store.select({ namespace: "AWS/DynamoDB", name: "UserErrors" }).map((series) => series.dimensions)).toEqual([
      { service: "dynamodb-client", TableName: `no-such-table-${process.pid}` },
    ]);
  });
});
