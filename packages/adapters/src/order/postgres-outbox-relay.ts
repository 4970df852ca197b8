import type { OutboxDispatcher, OutboxMessage } from "@cloudcafe/core";
import { type Logger, type Metrics, withContext } from "@cloudcafe/observability";
import type { Database } from "../postgres/client.ts";

export type DeliverOutboxMessage = (message: OutboxMessage) => Promise<void>;

export interface OutboxRelayOptions {
  database: Database;
  deliver: DeliverOutboxMessage;
  logger: Logger;
  metrics?: Metrics;
  /** How long a claimed row is hidden from other relays while it is being delivered. */
  leaseSeconds?: number;
  /** Cap of the exponential backoff between attempts of one row. */
  maxBackoffSeconds?: number;
  batchSize?: number;
  /**
   * How long a delivered row stays (for inspection) before `prune` deletes it: the outbox is a queue, not a log (the
   * order's history is its row and its events on the stream). Default one hour.
   */
  retentionSeconds?: number;
}

interface ClaimedRow {
  id: string;
  message: OutboxMessage;
  trace_id: string | null;
  attempts: number;
}

/** Delivered rows deleted per statement by `prune`. */
const PRUNE_BATCH = 5_000;

/** How long the relay loop must find nothing to do before its passes space out. */
const RELAY_QUIET_AFTER_MS = 10_000;

export interface DrainResult {
  delivered: number;
  failed: number;
}

/**
 * Delivers outbox rows at least once, one row per ordering key at a time (so an order's events reach the stream
 * in the order they happened, even across an outage). Rows are claimed with a lease (UPDATE … FOR UPDATE SKIP LOCKED), so
 * several relays (the request path, the container loop, the scheduled Lambda) can run at once without
 * holding a transaction open across network calls. A failed row backs off exponentially and is retried forever:
 * it stays visible (OutboxPending, OutboxOldestAgeSeconds) instead of being dropped.
 */
export function postgresOutboxRelay(options: OutboxRelayOptions) {
  const { database } = options;
  const lease = options.leaseSeconds ?? 30;
  const maxBackoff = options.maxBackoffSeconds ?? 300;
  const batchSize = options.batchSize ?? 50;
  const retention = options.retentionSeconds ?? 3_600;

  async function claim(ids?: readonly string[]): Promise<ClaimedRow[]> {
    const limit = ids ? Math.max(ids.length, batchSize) : batchSize;
    const rows = await database.query<ClaimedRow>(
      `UPDATE outbox SET leased_until = now() + make_interval(secs => $1), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM outbox
        WHERE delivered_at IS NULL AND available_at <= now() AND (leased_until IS NULL OR leased_until < now())
          AND ($3::bigint[] IS NULL OR id = ANY($3::bigint[]))
          AND NOT EXISTS (
            SELECT 1 FROM outbox earlier
            WHERE earlier.ordering_key = outbox.ordering_key AND earlier.id < outbox.id AND earlier.delivered_at IS NULL
          )
        ORDER BY id LIMIT $2
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id::text AS id, message, trace_id, attempts`,
      [lease, limit, ids ? ids.map(Number) : null],
    );
    return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Delivers one row; a failure is recorded on the row (backoff, last error) at once. Success is recorded by the caller. */
  async function deliverRow(row: ClaimedRow): Promise<boolean> {
    try {
      await withContext(row.trace_id ? { traceId: row.trace_id } : {}, () => options.deliver(row.message));
      return true;
    } catch (error) {
      const backoff = Math.min(maxBackoff, 2 ** Math.min(row.attempts, 16));
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await database
        .query("UPDATE outbox SET leased_until = NULL, last_error = $1, available_at = now() + make_interval(secs => $2) WHERE id = $3::bigint", [
          reason.slice(0, 1000),
          backoff,
          row.id,
        ])
        .catch(() => undefined);
      withContext(row.trace_id ? { traceId: row.trace_id } : {}, () =>
        options.logger.warn("outbox delivery failed; will retry", { outbox_id: row.id, kind: row.message.kind, attempts: row.attempts, retry_in_s: backoff, error }),
      );
      return false;
    }
  }

  /**
   * Delivers the claimed rows concurrently (one per ordering key, as claimed), then marks every delivered one in a
   * single statement. A crash between a delivery and that mark redelivers the row once its lease ends: at least once,
   * as before, with one round trip per batch instead of one per row.
   */
  async function deliverAll(rows: ClaimedRow[]): Promise<DrainResult> {
    const results = await Promise.all(rows.map(deliverRow));
    const delivered = rows.filter((_, i) => results[i]).map((row) => row.id);
    if (delivered.length > 0) {
      await database.query("UPDATE outbox SET delivered_at = now(), leased_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[])", [delivered.map(Number)]);
    }
    return { delivered: delivered.length, failed: results.length - delivered.length };
  }

  /**
   * Delivers what is due now, batch after batch (a delivered row may unblock the next of its ordering key),
   * until nothing more can be delivered or the pass has run `maxBatches` batches.
   */
  async function drain(maxBatches = 100): Promise<DrainResult> {
    const total = { delivered: 0, failed: 0 };
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows = await claim();
      if (rows.length === 0) break;
      const result = await deliverAll(rows);
      total.delivered += result.delivered;
      total.failed += result.failed;
      if (result.delivered === 0) break;
    }
    return total;
  }

  async function reportBacklog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row] = await database.query<{ pending: number; oldest: number | null }>(
      "SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float AS oldest FROM outbox WHERE delivered_at IS NULL",
    );
    const backlog = { pending: row?.pending ?? 0, oldestAgeSeconds: row?.oldest ?? 0 };
    options.metrics?.put("OutboxPending", backlog.pending, "Count");
    options.metrics?.put("OutboxOldestAgeSeconds", backlog.oldestAgeSeconds, "Seconds");
    return backlog;
  }

  /**
   * Deletes rows delivered more than the retention ago, oldest first, in batches of `PRUNE_BATCH` until none is left or
   * `maxBatches` ran; a row not delivered is never deleted, however old. Without it the table grows by every change
   * of every order, for ever (here: 134,690 rows, 202 MB after a day of benchmarks).
   */
  async function prune(maxBatches = 50): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows = await database.query<{ id: string }>(
        `DELETE FROM outbox WHERE id IN (
          SELECT id FROM outbox WHERE delivered_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2
        ) RETURNING id::text AS id`,
        [retention, PRUNE_BATCH],
      );
      deleted += rows.length;
      if (rows.length < PRUNE_BATCH) break;
    }
    if (deleted > 0) options.metrics?.put("OutboxPruned", deleted, "Count");
    return deleted;
  }

  /**
   * Rows written by writes that finish in the same turn of the event loop (a busy service's concurrent requests, a
   * batch of queue records) are claimed and marked together: one claim and one mark for all of them. Each caller
   * still waits for the delivery of its own rows.
   */
  let waiting: string[] = [];
  let flush: Promise<void> | undefined;
  function coalesced(ids: readonly string[]): Promise<void> {
    waiting.push(...ids);
    flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const batch = waiting;
      waiting = [];
      flush = undefined;
      await deliverAll(await claim(batch));
    });
    return flush;
  }

  /** When this process last wrote or delivered rows: the relay loop's interval grows only while it is quiet. */
  let lastWorkAt = performance.now();

  const dispatcher: OutboxDispatcher = {
    async dispatch(ids) {
      if (ids.length === 0) return;
      lastWorkAt = performance.now();
      try {
        await coalesced(ids);
      } catch (error) {
        // The rows are committed; the background relay delivers them once the database answers again.
        options.logger.warn("inline outbox dispatch failed; relay will deliver", { error });
      }
    },
  };

  /**
   * For long-running processes: returns at once and delivers in the background, so the request that wrote the rows
   * answers right after its commit. Rows a crash leaves undelivered are the relay loop's, as with any failure.
   * `settled()` waits for the deliveries in flight (graceful shutdown).
   */
  const inFlight = new Set<Promise<void>>();
  const backgroundDispatcher: OutboxDispatcher & { settled(): Promise<void> } = {
    async dispatch(ids) {
      if (ids.length === 0) return;
      const delivery = dispatcher.dispatch(ids).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },
    async settled() {
      await Promise.all([...inFlight]);
    },
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  /**
   * Background loop for long-running processes (the Fargate task): a pass every `intervalMs`, and the backlog metrics
   * and the prune of delivered rows every 60 intervals. After 10 s in which this process neither wrote nor delivered a row (the rows of its requests
   * go out inline; the loop is for what an outage or a crashed copy left behind), the passes space out to a quarter
   * of that quiet time, at most `maxIdleIntervalMs`, and are back at `intervalMs` from the next row written.
   */
  function start(intervalMs = 1_000, maxIdleIntervalMs = intervalMs): void {
    if (timer) return;
    let lastReportAt = performance.now();
    const nextPassIn = () => {
      const quietFor = performance.now() - lastWorkAt;
      return quietFor < RELAY_QUIET_AFTER_MS ? intervalMs : Math.max(intervalMs, Math.min(maxIdleIntervalMs, quietFor / 4));
    };
    const pass = () => {
      running = drain()
        .then(async (result) => {
          if (result.delivered + result.failed > 0) lastWorkAt = performance.now();
          if (performance.now() - lastReportAt >= 60 * intervalMs) {
            lastReportAt = performance.now();
            await reportBacklog();
            await prune();
          }
        })
        .catch((error: unknown) => options.logger.warn("outbox relay pass failed", { error }))
        .finally(() => {
          running = undefined;
          if (!timer) return;
          timer = setTimeout(pass, nextPassIn());
          timer.unref();
        });
    };
    timer = setTimeout(pass, intervalMs);
    timer.unref();
  }

  async function stop(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    await running;
  }

  return { dispatcher, backgroundDispatcher, drain, reportBacklog, prune, start, stop };
}

export type OutboxRelay = ReturnType<typeof postgresOutboxRelay>;
