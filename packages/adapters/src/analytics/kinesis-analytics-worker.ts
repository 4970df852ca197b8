import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  type Shard,
} from "@aws-sdk/client-kinesis";
import { analyticsEventSchema, ShardWindows, type AnalyticsWarehousePort, type ShardPosition, type ShardWindow, type WindowSettings } from "@cloudcafe/core";
import { sleep } from "@cloudcafe/core/sleep";
import type { Logger, Metrics } from "@cloudcafe/observability";
import type { AnalyticsDeadLetters } from "./sqs-analytics-dead-letters.ts";
import { LeaseLostError, type ShardLease, type ShardLeases } from "./dynamo-shard-leases.ts";

/**
 * The Analytics worker: a KCL-style consumer of `analytics-events`. It discovers the shards (ListShards) and keeps a
 * lease per shard in the lease table; it takes free or expired leases, a child shard only once its parents are
 * finished, renews what it holds, reads each held shard in order and counts its records into per-store windows,
 * writes changed windows to the warehouse every flush, and only then checkpoints each shard (see ShardWindows for
 * why that checkpoint is safe to resume from). On stop it writes what it holds, checkpoints and releases its leases.
 */

export interface AnalyticsWorkerOptions {
  kinesis: KinesisClient;
  streamName: string;
  leases: ShardLeases;
  warehouse: AnalyticsWarehousePort;
  deadLetters: AnalyticsDeadLetters;
  workerId: string;
  windows: WindowSettings;
  leaseDurationMs: number;
  flushIntervalMs: number;
  /**
   * Pause between GetRecords calls on one shard. Kinesis allows 5 GetRecords per second per shard
   * (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html), so at least 200 ms.
   */
  pollIntervalMs: number;
  /**
   * Once no shard has returned a record for 10 s, the pause between reads grows to a quarter of that quiet time, at
   * most this (KCL's idle time between reads is a second); the first record read puts it back. Default: no growth.
   */
  maxIdlePollIntervalMs?: number;
  /** How often the shard list and the lease table are looked at for new shards and free leases. */
  discoveryIntervalMs: number;
  maxRecordsPerRead: number;
  logger: Logger;
  metrics: Metrics;
  clock?: () => number;
}

export interface RunningAnalyticsWorker {
  /** Graceful stop: stop reading, write and checkpoint what is held, release the leases. */
  stop(): Promise<void>;
  /** Settles when the worker stops (after `stop`, or on a fatal error, which it rejects with). */
  readonly stopped: Promise<void>;
}

interface ShardConsumer {
  shardId: string;
  windows: ShardWindows;
  iterator?: string;
  /** The shard has no more records; once its windows are written it is checkpointed as finished. */
  ended: boolean;
  lost: boolean;
  reading?: Promise<void>;
  /** The position last written to the lease: an idle shard's flush does not write the same one again. */
  checkpointed?: string;
}

const MIN_POLL_INTERVAL_MS = 200;
/** How long no shard may return a record before reads slow down (`maxIdlePollIntervalMs`). */
const QUIET_AFTER_MS = 10_000;

export function startAnalyticsWorker(options: AnalyticsWorkerOptions): RunningAnalyticsWorker {
  const { kinesis, streamName, leases, warehouse, deadLetters, workerId, logger, metrics } = options;
  if (options.pollIntervalMs < MIN_POLL_INTERVAL_MS) throw new Error(`pollIntervalMs must be at least ${MIN_POLL_INTERVAL_MS} (5 GetRecords per second per shard)`);
  const clock = options.clock ?? Date.now;
  const consumers = new Map<string, ShardConsumer>();
  let stopping = false;
  // Real time, not `clock`: a test's clock may jump windows ahead without the stream having been quiet.
  let lastRecordAt = performance.now();
  const readPause = () => {
    const quietFor = performance.now() - lastRecordAt;
    const max = options.maxIdlePollIntervalMs ?? options.pollIntervalMs;
    return quietFor < QUIET_AFTER_MS ? options.pollIntervalMs : Math.max(options.pollIntervalMs, Math.min(max, quietFor / 4));
  };
  // The tick loop's nap. Nothing counted since the last flush leaves nothing to write, so the loop then sleeps until its
  // next lease renewal or discovery; a read that counts records (or finds its shard ended) calls `flushSoon`, which
  // brings that wake-up forward to one flush interval away: records are still written within a flush interval of
  // being read, in batches, and an idle worker wakes once a renewal, not every flush interval.
  let nap: { timer: NodeJS.Timeout; until: number; resolve: () => void } | undefined;
  let countedSinceFlush = false;
  // A stop asked for while the tick was busy (not asleep, so nothing to wake) must not wait out a whole renewal.
  const sleepUntilNextTick = (ms: number) =>
    stopping
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          nap = { timer: setTimeout(resolve, ms), until: performance.now() + ms, resolve };
        });
  const wake = (inMs = 0) => {
    if (!nap || nap.until <= performance.now() + inMs) return;
    const { resolve } = nap;
    clearTimeout(nap.timer);
    nap = { timer: setTimeout(resolve, inMs), until: performance.now() + inMs, resolve };
  };
  const flushSoon = () => {
    countedSinceFlush = true;
    wake(options.flushIntervalMs);
  };

  /**
   * Lists the stream's shards and creates a lease for each one that has none yet (as KCL's shard sync does); whether
   * it created any. A shard already leased costs no write: an idle worker's discovery is one ListShards and one Scan.
   */
  async function discoverShards(existing: readonly ShardLease[]): Promise<boolean> {
    const leased = new Set(existing.map((lease) => lease.shardId));
    let created = false;
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    for (const shard of shards) {
      if (leased.has(shard.ShardId!)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => Boolean(id));
      await leases.ensure(shard.ShardId!, parents, { watermarkMs: 0 });
      created = true;
    }
    return created;
  }

  async function takeLeases(all: readonly ShardLease[]): Promise<void> {
    const byShard = new Map(all.map((lease) => [lease.shardId, lease]));
    const now = clock();
    for (const lease of all) {
      if (lease.finished || consumers.has(lease.shardId)) continue;
      const free = !lease.owner || lease.owner === workerId || lease.expiresAtMs < now;
      // A parent whose lease is gone has expired from the stream (past retention): nothing of it is left to wait for.
      const parents = lease.parentShardIds.map((id) => byShard.get(id)).filter((parent): parent is ShardLease => parent !== undefined);
      if (!free || parents.some((parent) => !parent.finished)) continue;
      if (!(await leases.take(lease, workerId, options.leaseDurationMs))) continue;
      // A child shard starts with its parents' watermark, so lateness is judged as it was before the resharding.
      const inherited = Math.max(lease.checkpoint.watermarkMs, ...parents.map((parent) => parent.checkpoint.watermarkMs));
      const start: ShardPosition = { ...lease.checkpoint, watermarkMs: inherited };
      const consumer: ShardConsumer = { shardId: lease.shardId, windows: new ShardWindows(options.windows, start), ended: false, lost: false };
      consumers.set(lease.shardId, consumer);
      consumer.reading = readShard(consumer).catch((error: unknown) => {
        logger.error("shard reader failed; the lease is given up for a retry", { shardId: consumer.shardId, error });
        consumer.lost = true;
      });
      logger.info("lease taken", { shardId: lease.shardId, resumeAfter: start.afterSequenceNumber ?? "TRIM_HORIZON", watermarkMs: start.watermarkMs });
    }
  }

  async function renewLeases(): Promise<void> {
    for (const consumer of consumers.values()) {
      if (consumer.lost) continue;
      try {
        await leases.renew(consumer.shardId, workerId, options.leaseDurationMs);
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        logger.warn("lease lost; the shard's unwritten windows are left to its new owner", { shardId: consumer.shardId });
        consumer.lost = true;
      }
    }
    for (const [shardId, consumer] of consumers) if (consumer.lost) consumers.delete(shardId);
  }

  async function iteratorFor(consumer: ShardConsumer): Promise<string | undefined> {
    const { afterSequenceNumber } = consumer.windows.readPosition;
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: consumer.shardId,
        ...(afterSequenceNumber ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber: afterSequenceNumber } : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return ShardIterator;
  }

  async function readShard(consumer: ShardConsumer): Promise<void> {
    consumer.iterator = await iteratorFor(consumer);
    while (!stopping && !consumer.lost && !consumer.ended) {
      if (!consumer.iterator) {
        consumer.ended = true;
        consumer.windows.finish();
        flushSoon();
        logger.info("shard ended; its windows are final", { shardId: consumer.shardId });
        break;
      }
      let response;
      try {
        response = await kinesis.send(new GetRecordsCommand({ ShardIterator: consumer.iterator, Limit: options.maxRecordsPerRead }));
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        consumer.iterator = await iteratorFor(consumer);
        continue;
      }
      metrics.put("IteratorAgeMilliseconds", response.MillisBehindLatest ?? 0, "Milliseconds", { stream: streamName });
      for (const record of response.Records ?? []) {
        if (stopping || consumer.lost) return;
        await countRecord(consumer, record);
      }
      if ((response.Records?.length ?? 0) > 0) {
        lastRecordAt = performance.now();
        flushSoon();
        metrics.put("RecordsRead", response.Records!.length, "Count", { stream: streamName });
      }
      consumer.iterator = response.NextShardIterator;
      await sleep(readPause());
    }
  }

  async function countRecord(consumer: ShardConsumer, record: KinesisRecord): Promise<void> {
    const sequenceNumber = record.SequenceNumber!;
    const text = Buffer.from(record.Data ?? new Uint8Array()).toString("utf8");
    const source = { stream: streamName, shardId: consumer.shardId, sequenceNumber };
    let parsed;
    try {
      parsed = analyticsEventSchema.safeParse(JSON.parse(text));
    } catch (error) {
      parsed = { success: false as const, error };
    }
    if (!parsed.success) {
      const detail = parsed.error instanceof Error ? parsed.error.message : String(parsed.error);
      await deadLetters.send({ reason: "poison", detail, source, data: text });
      metrics.put("PoisonRecords", 1, "Count", { stream: streamName });
      logger.warn("record is not an analytics event; sent to the dead letters", { ...source, detail });
      consumer.windows.skip(sequenceNumber);
      return;
    }
    const watermarkMs = consumer.windows.watermarkMs;
    if (consumer.windows.isTooLate(parsed.data)) {
      // Sent before the shard moves past it: a crash in between replays it, it is never dropped unreported.
      await deadLetters.send({ reason: "too-late", detail: `event time ${parsed.data.occurredAt} is past the allowed lateness (watermark ${new Date(watermarkMs).toISOString()})`, source, data: text });
      metrics.put("LateEvents", 1, "Count", { stream: streamName, store_id: parsed.data.storeId });
    }
    const counted = consumer.windows.add(parsed.data, sequenceNumber);
    if (counted === "counted") metrics.put("EventsCounted", 1, "Count", { stream: streamName });
    if (counted === "duplicate") metrics.put("DuplicateEvents", 1, "Count", { stream: streamName });
  }

  /** Writes every held shard's changed windows in one go, then checkpoints each shard (finished ones as SHARD_END). */
  async function flush(): Promise<void> {
    const held = [...consumers.values()].filter((consumer) => !consumer.lost);
    const batches = held.map((consumer) => ({ consumer, changed: consumer.windows.changed() }));
    const windows: ShardWindow[] = batches.flatMap(({ consumer, changed }) => changed.map(({ window }) => ({ ...window, sourceShard: consumer.shardId })));
    if (windows.length > 0) {
      const started = performance.now();
      await warehouse.writeWindows(windows);
      metrics.put("WarehouseWriteDuration", performance.now() - started, "Milliseconds");
      metrics.put("WindowsWritten", windows.length, "Count");
    }
    for (const { consumer, changed } of batches) {
      consumer.windows.written(changed);
      const finished = consumer.ended && consumer.windows.openWindows === 0;
      const position = consumer.windows.checkpoint();
      const key = JSON.stringify(position);
      // Nothing moved since the last write (an idle stream): the lease already holds it, and renewLeases keeps it.
      if (!finished && key === consumer.checkpointed) continue;
      try {
        await leases.checkpoint(consumer.shardId, workerId, position, finished);
        consumer.checkpointed = key;
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        consumer.lost = true;
        continue;
      }
      if (finished) {
        await leases.release(consumer.shardId, workerId);
        consumers.delete(consumer.shardId);
        logger.info("shard finished and checkpointed", { shardId: consumer.shardId });
      }
    }
  }

  async function run(): Promise<void> {
    await warehouse.prepare();
    let nextDiscovery = 0;
    let nextRenewal = 0;
    while (!stopping) {
      const now = clock();
      try {
        if (now >= nextRenewal) {
          await renewLeases();
          nextRenewal = now + Math.floor(options.leaseDurationMs / 3);
        }
        if (now >= nextDiscovery) {
          let all = await leases.all();
          if (await discoverShards(all)) all = await leases.all();
          await takeLeases(all);
          nextDiscovery = now + options.discoveryIntervalMs;
        }
        const flushing = countedSinceFlush || [...consumers.values()].some((consumer) => consumer.ended);
        countedSinceFlush = false;
        if (flushing) await flush();
      } catch (error) {
        // Writes are idempotent and nothing is checkpointed past what was written: the next tick simply retries.
        logger.error("analytics worker tick failed; retrying", { error });
        metrics.put("WorkerErrors", 1, "Count");
        countedSinceFlush = true;
      }
      const untilDue = Math.min(nextRenewal, nextDiscovery) - clock();
      await sleepUntilNextTick(countedSinceFlush ? options.flushIntervalMs : Math.max(options.flushIntervalMs, untilDue));
    }
    // Graceful hand-over: readers stop after the record in hand, what they counted is written and checkpointed.
    await Promise.all([...consumers.values()].map((consumer) => consumer.reading));
    await flush();
    for (const consumer of consumers.values()) {
      await leases.release(consumer.shardId, workerId).catch((error: unknown) => {
        if (!(error instanceof LeaseLostError)) throw error;
      });
    }
    logger.info("analytics worker stopped; leases released", { shards: [...consumers.keys()] });
    consumers.clear();
  }

  const stopped = run();
  return {
    async stop() {
      stopping = true;
      wake();
      await stopped;
    },
    stopped,
  };
}
