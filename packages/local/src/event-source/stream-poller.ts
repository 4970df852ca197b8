import { randomUUID } from "node:crypto";
import type { Callback, Context, KinesisStreamBatchResponse as StreamsEventResponse } from "aws-lambda";
import { streamEventSourceMappingError } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { createLogger, type Logger } from "@cloudcafe/observability";
import { callHandler, lambdaContext } from "./lambda-context.ts";
import { InvalidParameterValueException } from "./sqs-poller.ts";
import { memoryCheckpoints, type CheckpointStore } from "./stream-checkpoints.ts";
import type { ShardInfo, ShardPosition, SourceRecord, StreamSource } from "./stream-sources.ts";

/**
 * A Lambda stream handler (Kinesis or DynamoDB Streams): async, or callback style. Declared as a method so a handler
 * typed for its own event (`KinesisStreamHandler`, `DynamoDBStreamHandler`) is accepted.
 */
export type StreamEventHandler = {
  handle(event: { Records: unknown[] }, context: Context, callback: Callback<StreamsEventResponse | void>): void | Promise<StreamsEventResponse | void>;
}["handle"];

/** What the on-failure destination receives for a batch the mapping gave up on (AWS's invocation record). */
export interface StreamBatchFailure {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: "RetryAttemptsExhausted" | "RecordAgeExceeded";
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly statusCode: number; readonly executedVersion: "$LATEST"; readonly functionError: string };
  readonly version: "1.0";
  readonly timestamp: string;
  readonly [batchInfo: string]: unknown;
}

export interface StreamPollerOptions {
  readonly source: StreamSource;
  readonly functionName: string;
  readonly handler: StreamEventHandler;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly startingPosition: "TRIM_HORIZON" | "LATEST";
  readonly bisectBatchOnFunctionError: boolean;
  /** -1: until the record expires (or, with `maximumRecordAgeSeconds`, ages out). */
  readonly maximumRetryAttempts: number;
  /** -1: no limit. */
  readonly maximumRecordAgeSeconds: number;
  /** Checked like Lambda checks it; batches of a shard still run one at a time here (order per shard holds). */
  readonly parallelizationFactor?: number;
  readonly reportBatchItemFailures: boolean;
  /** The on-failure destination: receives the description of every batch given up on. */
  readonly onFailure: (failure: StreamBatchFailure) => Promise<void>;
  readonly functionTimeoutSeconds?: number;
  readonly memoryLimitMb?: number;
  /** How long an idle shard waits before the next GetRecords (Lambda reads each shard about once a second). */
  readonly idlePollMs?: number;
  /** How often the shard list is read again to find the children of a split or merge. */
  readonly shardDiscoveryMs?: number;
  /**
   * Once the mapping has seen neither a record nor `wake()` for `quietAfterMs` (default 10 s), idle reads and shard
   * discovery slow down, to a quarter of the quiet time and at most this (default: no slowing down). `wake()` puts
   * them back at once, so a platform that knows work is coming (a request at its gateway) loses no latency.
   */
  readonly maxIdlePollMs?: number;
  readonly quietAfterMs?: number;
  /** Backoff before retrying a failed batch: `retryBackoffMs * 2^(attempt-1)`, at most 5 s. */
  readonly retryBackoffMs?: number;
  readonly checkpoints?: CheckpointStore;
  readonly region?: string;
  readonly logger?: Logger;
}

export interface StreamPoller {
  /** Resolves once every open shard has been read up to its current end and nothing is in flight. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Work may be coming: reads at the idle poll interval again, now (a no-op unless it had slowed down). */
  wake(): void;
  /** Stops reading, finishes the batch in hand and resolves when idle; the checkpoints keep the position. */
  stop(): Promise<void>;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retryFrom: number };

interface ShardState {
  readonly info: ShardInfo;
  /** Read to its end (a closed parent) or given up: children may start. */
  finished: boolean;
  /** When the latest read that found nothing new started; cleared when records arrive. */
  emptyReadStartedAt?: number;
}

/**
 * Lambda's event-source mapping for a Kinesis stream or a DynamoDB stream, locally. Refuses the parameters
 * CreateEventSourceMapping refuses; reads every shard in order (a child only once its parents are read to their end);
 * gathers a batch within the batching window; invokes the handler with the event AWS delivers; on a function error
 * retries (halving the batch first when `bisectBatchOnFunctionError`, which does not count as a retry, as on Lambda);
 * on `batchItemFailures` checkpoints before the lowest failed sequence number and retries from there; once
 * `maximumRetryAttempts` or `maximumRecordAgeSeconds` is spent, sends the batch's description to the on-failure
 * destination and moves on. Positions are checkpointed per shard, so a restart resumes after the last processed record.
 */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const refused = streamEventSourceMappingError({ parallelizationFactor: 1, ...options, reportBatchItemFailures: true });
  if (refused) throw new InvalidParameterValueException(`${options.functionName}: ${refused}`);
  const { source, functionName, batchSize } = options;
  const region = options.region ?? "us-east-1";
  const logger = options.logger ?? createLogger({ service: "local-event-source" });
  const checkpoints = options.checkpoints ?? memoryCheckpoints();
  const idlePollMs = options.idlePollMs ?? 1_000;
  const windowMs = options.maximumBatchingWindowSeconds * 1_000;
  const timeoutMs = (options.functionTimeoutSeconds ?? 60) * 1_000;
  const backoffMs = options.retryBackoffMs ?? 500;
  const functionArn = `arn:aws:lambda:${region}:000000000000:function:${functionName}`;
  const shards = new Map<string, ShardState>();
  const running: Promise<void>[] = [];
  let stopping = false;
  let streamArn = "";
  let discoveredOnce = false;
  let lastDiscoveryStartedAt: number | undefined;
  /** Shards listed whose parents are not read to their end yet. */
  let waitingShards = 0;
  let discoverNow: (() => void) | undefined;
  const wake = new Set<() => void>();
  /** The naps of idle reads and discovery, which `wake()` ends (retry backoffs keep theirs). */
  const idleNaps = new Set<() => void>();
  const maxIdlePollMs = options.maxIdlePollMs ?? idlePollMs;
  const quietAfterMs = options.quietAfterMs ?? 10_000;
  let lastActivityAt = Date.now();
  /** `base`, or longer while the mapping has been quiet: a quarter of the quiet time, at most `maxIdlePollMs`. */
  const idleDelay = (base: number) => {
    const quietFor = Date.now() - lastActivityAt;
    return quietFor < quietAfterMs ? base : Math.max(base, Math.min(maxIdlePollMs, quietFor / 4));
  };

  const nap = (ms: number, idle = false) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake.delete(done);
        idleNaps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.add(done);
      if (idle) idleNaps.add(done);
    });

  const checkpointKey = (shardId: string) => `${functionName}|${streamArn}|${shardId}`;

  async function invoke(records: readonly SourceRecord<unknown>[], shardId: string): Promise<Outcome> {
    const event = {
      Records: records.map((record) =>
        source.kind === "kinesis" ? { ...(record.eventRecord as object), eventID: `${shardId}:${record.sequenceNumber}` } : record.eventRecord,
      ),
    };
    const context = lambdaContext({ functionName, region, memoryLimitMb: options.memoryLimitMb ?? 512, timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    try {
      const response = await Promise.race([
        callHandler(options.handler, event, context),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs / 1_000} seconds`)), timeoutMs);
        }),
      ]);
      if (!options.reportBatchItemFailures) return { ok: true };
      return partialOutcome(response, records);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), retryFrom: 0 };
    } finally {
      clearTimeout(timer);
    }
  }

  function tooOld(records: readonly SourceRecord<unknown>[]): boolean {
    if (options.maximumRecordAgeSeconds === -1 || records.length === 0) return false;
    return Date.now() - records[0]!.arrival.getTime() > options.maximumRecordAgeSeconds * 1_000;
  }

  async function giveUp(records: readonly SourceRecord<unknown>[], shardId: string, condition: StreamBatchFailure["requestContext"]["condition"], invokeCount: number, error: string) {
    const failure: StreamBatchFailure = {
      requestContext: { requestId: randomUUID(), functionArn, condition, approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: error },
      version: "1.0",
      timestamp: new Date().toISOString(),
      [source.batchInfoKey]: {
        shardId,
        startSequenceNumber: records[0]!.sequenceNumber,
        endSequenceNumber: records.at(-1)!.sequenceNumber,
        approximateArrivalOfFirstRecord: records[0]!.arrival.toISOString(),
        approximateArrivalOfLastRecord: records.at(-1)!.arrival.toISOString(),
        batchSize: records.length,
        streamArn,
      },
    };
    // The destination must take it before the shard moves on: a failure to send is retried, never dropped.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.onFailure(failure);
        break;
      } catch (sendError) {
        logger.error("on-failure destination refused a batch description; retrying", { functionName, shardId, attempt, error: sendError });
        await nap(Math.min(5_000, backoffMs * attempt));
      }
    }
    logger.error("stream batch given up on; its description went to the on-failure destination", {
      functionName,
      shardId,
      condition,
      records: records.length,
      startSequenceNumber: records[0]!.sequenceNumber,
      endSequenceNumber: records.at(-1)!.sequenceNumber,
      error,
    });
  }

  /**
   * Delivers `records` until each is processed or given up on, committing the checkpoint as records are done.
   * Bisection splits a failing batch and delivers each half on its own (not counted as a retry, as on Lambda);
   * retries count per delivery, as Lambda counts them per batch.
   */
  async function deliver(records: readonly SourceRecord<unknown>[], shardId: string, commit: (sequenceNumber: string) => void): Promise<void> {
    let pending = records;
    let retries = 0;
    while (pending.length > 0) {
      if (stopping) throw new StoppedMidBatch();
      const outcome = await invoke(pending, shardId);
      if (outcome.ok) return commit(pending.at(-1)!.sequenceNumber);
      if (outcome.retryFrom > 0) commit(pending[outcome.retryFrom - 1]!.sequenceNumber);
      const failedRecords = pending.slice(outcome.retryFrom);
      if (options.bisectBatchOnFunctionError && failedRecords.length > 1) {
        const half = Math.ceil(failedRecords.length / 2);
        logger.warn("stream batch failed; bisecting", { functionName, shardId, records: failedRecords.length, error: outcome.error });
        await deliver(failedRecords.slice(0, half), shardId, commit);
        await deliver(failedRecords.slice(half), shardId, commit);
        return;
      }
      const exhausted = options.maximumRetryAttempts !== -1 && retries >= options.maximumRetryAttempts;
      if (tooOld(failedRecords) || exhausted) {
        await giveUp(failedRecords, shardId, exhausted ? "RetryAttemptsExhausted" : "RecordAgeExceeded", retries + 1, outcome.error);
        return commit(failedRecords.at(-1)!.sequenceNumber);
      }
      retries += 1;
      logger.warn("stream batch failed; retrying", { functionName, shardId, records: failedRecords.length, retry: retries, error: outcome.error });
      await nap(Math.min(5_000, backoffMs * 2 ** (retries - 1)));
      pending = failedRecords;
    }
  }

  /** Reads one batch: up to `batchSize` records, gathering within the batching window once the first is in. */
  async function readBatch(state: ShardState, iterator: string): Promise<{ batch: SourceRecord<unknown>[]; iterator?: string }> {
    const batch: SourceRecord<unknown>[] = [];
    let next: string | undefined = iterator;
    let gatheredSince: number | undefined;
    while (next && batch.length < batchSize) {
      const readStartedAt = Date.now();
      const read = await source.read(next, batchSize - batch.length);
      batch.push(...read.records);
      next = read.nextIterator;
      if (batch.length === 0) {
        state.emptyReadStartedAt = readStartedAt;
        break;
      }
      gatheredSince ??= Date.now();
      const left = windowMs - (Date.now() - gatheredSince);
      if (left <= 0 || stopping) break;
      if (read.records.length === 0) await nap(Math.min(idlePollMs, left));
    }
    return { batch, ...(next ? { iterator: next } : {}) };
  }

  async function readShard(state: ShardState): Promise<void> {
    const shardId = state.info.shardId;
    const key = checkpointKey(shardId);
    const commit = (sequenceNumber: string) => checkpoints.set(key, sequenceNumber);
    // Where this shard starts when nothing of it was processed yet: the mapping's starting position for the shards
    // there when it started; the start of any shard found later (a split's or merge's child), as on Lambda.
    const initial: ShardPosition = { type: discoveredOnce ? "TRIM_HORIZON" : options.startingPosition };
    const position = (): ShardPosition => {
      const saved = checkpoints.get(key);
      return saved ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: saved } : initial;
    };
    let iterator: string | undefined;
    while (!stopping) {
      try {
        iterator ??= await source.iterator(shardId, position());
        const read = await readBatch(state, iterator);
        iterator = read.iterator;
        if (read.batch.length > 0) {
          state.emptyReadStartedAt = undefined;
          lastActivityAt = Date.now();
          const started = Date.now();
          await deliver(read.batch, shardId, commit);
          logger.info("stream invocation finished", {
            functionName,
            shardId,
            records: read.batch.length,
            durationMs: Date.now() - started,
            // Lambda's IteratorAge: how old the batch's last record was when it was processed.
            iteratorAgeMs: Math.max(0, started - read.batch.at(-1)!.arrival.getTime()),
          });
        }
        if (!iterator) {
          // A closed shard read to its end: its children may start.
          state.finished = true;
          checkpoints.finish(key);
          discoverNow?.();
          return;
        }
        if (read.batch.length === 0) await nap(idleDelay(idlePollMs), true);
      } catch (error) {
        if (error instanceof StoppedMidBatch) return;
        const saved = checkpoints.get(key);
        if (!iterator && saved && isForeignSequenceNumber(error)) {
          // The stream was created again under its name and ARN (an engine restarted empty, a stack redeployed): the
          // saved position names a record it never had, and retrying it would stall the shard for ever.
          logger.warn("checkpoint is not from this stream (it was created again); the shard starts afresh", { functionName, shardId, checkpoint: saved });
          checkpoints.forget(key);
          continue;
        }
        // Engine unreachable, an expired iterator, throttling: back off, then read again after the checkpoint.
        logger.error("stream polling failed; resuming from the checkpoint", { functionName, shardId, error });
        iterator = undefined;
        await nap(1_000);
      }
    }
  }

  function parentsFinished(info: ShardInfo, known: Set<string>): boolean {
    return [info.parentShardId, info.adjacentParentShardId].every((parent) => {
      if (!parent || !known.has(parent)) return true; // trimmed from the stream, or never seen: nothing to wait for
      return shards.get(parent)?.finished === true || checkpoints.isFinished(checkpointKey(parent));
    });
  }

  async function discover(): Promise<void> {
    const startedAt = Date.now();
    const listed = await source.listShards();
    const known = new Set(listed.map((shard) => shard.shardId));
    let waiting = 0;
    for (const info of listed) {
      if (shards.has(info.shardId)) continue;
      if (checkpoints.isFinished(checkpointKey(info.shardId))) {
        shards.set(info.shardId, { info, finished: true });
        continue;
      }
      if (!parentsFinished(info, known)) {
        waiting += 1;
        continue;
      }
      const state: ShardState = { info, finished: false };
      shards.set(info.shardId, state);
      running.push(readShard(state));
    }
    waitingShards = waiting;
    discoveredOnce = true;
    lastDiscoveryStartedAt = startedAt;
  }

  const discovery = (async () => {
    while (!stopping) {
      try {
        streamArn ||= await source.arn();
        await discover();
      } catch (error) {
        logger.error("stream shard discovery failed", { functionName, error });
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          idleNaps.delete(done);
          resolve();
        };
        const timer = setTimeout(done, idleDelay(options.shardDiscoveryMs ?? 2_000));
        discoverNow = done;
        idleNaps.add(done);
      });
      discoverNow = undefined;
    }
  })();

  return {
    async caughtUp(timeoutMs = 30_000) {
      const since = Date.now();
      const deadline = since + timeoutMs;
      for (;;) {
        const states = [...shards.values()];
        const discoveredSince = lastDiscoveryStartedAt !== undefined && lastDiscoveryStartedAt >= since;
        if (discoveredSince && waitingShards === 0 && states.every((state) => state.finished || (state.emptyReadStartedAt ?? 0) >= since)) return;
        if (Date.now() > deadline) throw new Error(`${functionName} did not catch up with its stream within ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    wake() {
      const slowed = Date.now() - lastActivityAt >= quietAfterMs;
      lastActivityAt = Date.now();
      if (slowed) for (const done of [...idleNaps]) done();
    },
    async stop() {
      stopping = true;
      for (const done of [...wake]) done();
      discoverNow?.();
      await discovery;
      await Promise.all(running);
      checkpoints.flush();
    },
  };
}

/** Stopping between retries: the batch stays unprocessed after the checkpoint, for the next start. */
class StoppedMidBatch extends Error {}


/**
 * Lambda's reading of a partial batch response: no failures, success; otherwise resume from the lowest failed
 * sequence number. An entry that is empty or names no record of the batch fails the whole batch, as on Lambda.
 */
function partialOutcome(response: StreamsEventResponse | void, records: readonly SourceRecord<unknown>[]): Outcome {
  const reported = response?.batchItemFailures ?? [];
  if (reported.length === 0) return { ok: true };
  let lowest = records.length;
  for (const failure of reported) {
    const index = records.findIndex((record) => record.sequenceNumber === failure?.itemIdentifier);
    if (index === -1) return { ok: false, error: `batchItemFailures names no record of the batch: ${JSON.stringify(failure)}`, retryFrom: 0 };
    lowest = Math.min(lowest, index);
  }
  return { ok: false, error: `the handler reported ${reported.length} failed record(s)`, retryFrom: lowest };
}

/**
 * Kinesis's answer to GetShardIterator at a sequence number of another stream ("... is invalid because it did not come
 * from this stream"; kinesalite answers the same).
 */
function isForeignSequenceNumber(error: unknown): boolean {
  return error instanceof Error && error.name === "InvalidArgumentException" && /did not come from this stream/.test(error.message);
}
