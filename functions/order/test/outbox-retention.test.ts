import { createDatabase, postgresOutboxRelay } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { afterAll, describe, expect, it } from "vitest";
import { localPlatform } from "@cloudcafe/local/testing/env";

/**
 * The outbox is a queue: a delivered row is kept for the retention (to inspect what went out) and then deleted, a row
 * not delivered yet never is, however old, and every row still waiting is still delivered afterwards.
 */
const database = createDatabase(localPlatform().endpoints.databaseUrl, { max: 2 });
afterAll(() => database.end());

const key = `retention-${Date.now()}-${Math.random().toString(36).slice(2)}`;

async function insertRow(label: string, ageSeconds: number, delivered: boolean): Promise<string> {
  const [row] = await database.query<{ id: string }>(
    `INSERT INTO outbox (kind, message, ordering_key, created_at, delivered_at)
     VALUES ('order-cache.invalidate', $1::jsonb, $2, now() - make_interval(secs => $3), CASE WHEN $4::boolean THEN now() - make_interval(secs => $3) END)
     RETURNING id::text AS id`,
    [JSON.stringify({ kind: "order-cache.invalidate", orderId: label, version: 1 }), `${key}:${label}`, ageSeconds, delivered],
  );
  return row!.id;
}

describe("outbox retention", () => {
  it("deletes rows delivered longer ago than the retention, keeps recent ones and every row not yet delivered", async () => {
    const emitted: Record<string, unknown>[] = [];
    const delivered: string[] = [];
    const relay = postgresOutboxRelay({
      database,
      retentionSeconds: 3_600,
      logger: createLogger({ service: "test", level: "ERROR" }),
      metrics: createMetrics({ namespace: "CloudCafe/Test", service: "test", write: (line) => emitted.push(JSON.parse(line) as Record<string, unknown>) }),
      deliver: async (message) => {
        if (message.kind === "order-cache.invalidate") delivered.push(message.orderId);
      },
    });
    const old = await insertRow("delivered-2h-ago", 7_200, true);
    const recent = await insertRow("delivered-10min-ago", 600, true);
    const stuck = await insertRow("waiting-2h", 7_200, false);

    const pruned = await relay.prune();

    expect(pruned).toBeGreaterThanOrEqual(1);
    const left = await database.query<{ id: string }>("SELECT id::text AS id FROM outbox WHERE ordering_key LIKE $1 ORDER BY id", [`${key}:%`]);
    expect(left.map((row) => row.id)).toEqual([recent, stuck]);
    expect(left.map((row) => row.id)).not.toContain(old);
    expect(emitted.some((line) => typeof line.OutboxPruned === "number" && line.OutboxPruned >= 1)).toBe(true);

    // The row that waited two hours is still delivered, once (claimed by its id alone: a drain would take the rows of
    // the other test files running against this database too).
    await relay.dispatcher.dispatch([stuck]);
    expect(delivered.filter((orderId) => orderId === "waiting-2h")).toEqual(["waiting-2h"]);
  });
});
