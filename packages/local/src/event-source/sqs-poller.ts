import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Callback, Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { sqsEventSourceMappingError } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { createLogger, createMetrics, type Logger, type Metrics } from "@cloudcafe/observability";
import { callHandler, lambdaContext } from "./lambda-context.ts";
import { sqsEvent } from "./sqs-event.ts";

/** What a Lambda SQS handler may look like: async (the norm) or callback style. */
export type SqsEventHandler = (
  event: SQSEvent,
  context: Context,
  callback: Callback<SQSBatchResponse | void>,
) => void | Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly functionName: string;
  readonly handler: SqsEventHandler;
  /** Messages per invocation (Lambda: 1-10 for FIFO, up to 10 000 for standard queues). */
  readonly batchSize?: number;
  /**
   * How long to keep gathering messages once the first one arrived (Lambda's MaximumBatchingWindowInSeconds). Refused
   * on a FIFO queue, as Lambda refuses it.
   */
  readonly maximumBatchingWindowSeconds?: number;
  /** Honour `batchItemFailures` in the handler's response (FunctionResponseTypes: ReportBatchItemFailures). */
  readonly reportBatchItemFailures?: boolean;
  readonly functionTimeoutSeconds?: number;
  readonly memoryLimitMb?: number;
  /**
   * Make failed messages visible again after this many seconds instead of the queue's visibility timeout, as a
   * short function timeout would. Lets tests watch retries and redrive in seconds rather than minutes.
   */
  readonly failedVisibilityTimeoutSeconds?: number;
  /**
   * Batches in flight at once, like Lambda's concurrent pollers (it starts with five). Safe for FIFO queues: SQS
   * hands out no further message of a group while one of it is in flight, so a group is never in two batches.
   * While the queue is empty a single long poll waits; the first receive that returns messages starts the others at
   * once, and each goes again after a long poll that found nothing (see `startSqsPoller`).
   */
  readonly concurrency?: number;
  readonly region?: string;
  readonly logger?: Logger;
  /** Where the invocation metrics Lambda itself publishes go (AWS/Lambda: Invocations, Errors, Duration). */
  readonly metrics?: Metrics;
  /**
   * Whether the function is throttled right now (the lambda-throttling fault; in AWS, reserved concurrency 0). While it
   * is, no invocation starts: the poller receives nothing, so the messages stay in the queue, visible, and wait, as
   * with Lambda, whose pollers back off while their function is throttled; `onThrottled` is told once per back-off.
   */
  readonly throttled?: () => Promise<boolean>;
  readonly onThrottled?: () => void;
  /** How long each receive waits for a message (Lambda's long poll, 20 s). Tests shorten it to watch idle pollers. */
  readonly longPollSeconds?: number;
}

export interface SqsPoller {
  /** Stops polling, finishes the batch in hand (invocation, deletes) and resolves when idle. */
  stop(): Promise<void>;
}

const maxMessagesPerReceive = 10;
/**
 * Lambda's own long polls: an idle queue costs one receive per 20 s per poller, and a message sent is handed to the
 * waiting receive at once. `stop()` gives up the receive in flight (the local fauxqs then takes no message for it,
 * `engines/servers/sqs-sns.ts`) rather than waiting up to 20 s.
 */
const longPollSeconds = 20;
/** How long a poller of a throttled function waits before it tries again. */
const throttledBackOffMs = 1_000;

interface Invocation {
  readonly failed: readonly Message[];
  readonly error?: unknown;
}

/** Lambda's refusal of a mapping's parameters, with the exception name its API answers with. */
export class InvalidParameterValueException extends Error {
  override readonly name = "InvalidParameterValueException";
}

/**
 * Lambda's SQS event source mapping, locally: refuses the parameters CreateEventSourceMapping refuses (a FIFO queue is
 * one whose URL ends in `.fifo`, as its name must), long-polls the queue, gathers a batch within the batching window,
 * invokes the handler with a real `SQSEvent`, deletes what succeeded and leaves the rest to the queue's
 * visibility timeout and redrive policy. Up to `concurrency` batches run at once; a FIFO group's order holds because
 * the queue never hands out a group's next message while an earlier one is in flight.
 * Lambda keeps its five long polls open on an empty queue; locally an empty queue keeps one, which a message wakes as
 * soon as it is sent, and the rest start with the first batch, so an idle platform's queues cost one receive each per
 * 20 s instead of five, and no message waits longer for it.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const batchSize = options.batchSize ?? 10;
  const refused = sqsEventSourceMappingError({
    fifo: options.queueUrl.endsWith(".fifo"),
    batchSize,
    maximumBatchingWindowSeconds: options.maximumBatchingWindowSeconds,
  });
  if (refused) throw new InvalidParameterValueException(`${options.functionName} <- ${options.queueUrl}: ${refused}`);
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1_000;
  const timeoutMs = (options.functionTimeoutSeconds ?? 30) * 1_000;
  const region = options.region ?? "us-east-1";
  const logger = options.logger ?? createLogger({ service: "local-event-source" });
  const metrics = options.metrics ?? createMetrics({ namespace: "AWS/Lambda", service: "local-event-source" });
  const { sqs, queueUrl, functionName } = options;
  let stopping = false;
  const stopped = new AbortController();

  async function receive(max: number, waitSeconds: number): Promise<Message[]> {
    if (stopping) return [];
    try {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(max, maxMessagesPerReceive),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        { abortSignal: stopped.signal },
      );
      return Messages ?? [];
    } catch (error) {
      if (stopping) return [];
      throw error;
    }
  }

  async function gatherBatch(): Promise<Message[]> {
    const batch = await receive(batchSize, options.longPollSeconds ?? longPollSeconds);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + windowMs;
    while (!stopping && batch.length < batchSize && Date.now() < deadline) {
      const waitSeconds = Math.floor((deadline - Date.now()) / 1_000);
      batch.push(...(await receive(batchSize - batch.length, waitSeconds)));
      // A zero-second wait is a single short poll: the window has less than a second left.
      if (waitSeconds === 0) break;
    }
    return batch;
  }

  async function invoke(batch: Message[], queueArn: string): Promise<Invocation> {
    const event = sqsEvent(batch, queueArn, region);
    const context = lambdaContext({ functionName, region, memoryLimitMb: options.memoryLimitMb ?? 512, timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const started = performance.now();
    let failed = false;
    try {
      const response = await Promise.race([
        callHandler(options.handler, event, context),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs / 1_000} seconds`)), timeoutMs);
        }),
      ]);
      if (options.reportBatchItemFailures === false) return { failed: [] };
      const failedIds = failedMessageIds(response, batch);
      return { failed: batch.filter((message) => failedIds.has(message.MessageId ?? "")) };
    } catch (error) {
      failed = true;
      return { failed: batch, error };
    } finally {
      clearTimeout(timer);
      // As Lambda counts them: a function error (a throw or a timeout) is an error, a partial batch failure is not.
      const dimensions = { FunctionName: functionName };
      metrics.put("Invocations", 1, "Count", dimensions);
      metrics.put("Errors", failed ? 1 : 0, "Count", dimensions);
      metrics.put("Duration", performance.now() - started, "Milliseconds", dimensions);
    }
  }

  async function settle(batch: Message[], outcome: Invocation): Promise<void> {
    const succeeded = batch.filter((message) => !outcome.failed.includes(message));
    for (const chunk of chunks(succeeded, maxMessagesPerReceive)) {
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
      if (result.Failed?.length) logger.warn("delete of processed messages failed", { functionName, failed: result.Failed });
    }
    if (options.failedVisibilityTimeoutSeconds === undefined) return;
    for (const chunk of chunks(outcome.failed, maxMessagesPerReceive)) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: options.failedVisibilityTimeoutSeconds,
          })),
        }),
      );
    }
  }

  const maxPollers = Math.max(1, options.concurrency ?? 1);
  /** Every poller loop still running (what `stop()` waits for). */
  const pollers = new Set<Promise<void>>();
  /**
   * Loops polling and not retiring. Changed synchronously (a loop's promise settles a tick after it returns), so two
   * loops whose long polls come back empty together cannot both see the other and both retire, leaving none.
   */
  let active = 0;
  let queueArn: string | undefined;
  const startPoller = () => {
    active++;
    const poller: Promise<void> = run().finally(() => pollers.delete(poller));
    pollers.add(poller);
  };
  /** Starts pollers up to `maxPollers`: work has arrived. */
  const scaleUp = () => {
    while (!stopping && active < maxPollers) startPoller();
  };

  async function run(): Promise<void> {
    while (!stopping) {
      try {
        queueArn ??= await arnOf(sqs, queueUrl);
        if (await options.throttled?.()) {
          options.onThrottled?.();
          await sleep(throttledBackOffMs);
          continue;
        }
        const batch = await gatherBatch();
        if (batch.length === 0) {
          // A whole long poll found nothing: the queue is idle, and one waiting receive is enough for it.
          if (active > 1) {
            active--;
            return;
          }
          continue;
        }
        scaleUp();
        const outcome = await invoke(batch, queueArn);
        await settle(batch, outcome);
        if (outcome.error) logger.error("invocation failed; batch left for retry", { functionName, records: batch.length, error: outcome.error });
        else logger.info("invocation finished", { functionName, records: batch.length, failed: outcome.failed.length });
      } catch (error) {
        // The queue engine is unreachable or rejected a call: back off like Lambda's pollers do, then retry.
        logger.error("event source polling failed", { functionName, queueUrl, error });
        await sleep(1_000);
      }
    }
  }

  // One long poll to start with, as on an idle queue.
  startPoller();
  return {
    async stop() {
      stopping = true;
      stopped.abort();
      while (pollers.size > 0) await Promise.all([...pollers]);
    },
  };
}


/**
 * The ids the handler reported as failed. As on Lambda, a malformed response (an entry without a known
 * itemIdentifier) fails the whole batch.
 */
function failedMessageIds(response: SQSBatchResponse | void, batch: readonly Message[]): Set<string> {
  const reported = response?.batchItemFailures ?? [];
  const ids = new Set(batch.map((message) => message.MessageId));
  const failed = new Set<string>();
  for (const failure of reported) {
    if (!failure?.itemIdentifier || !ids.has(failure.itemIdentifier)) {
      throw new Error(`batchItemFailures names an unknown message: ${JSON.stringify(failure)}`);
    }
    failed.add(failure.itemIdentifier);
  }
  return failed;
}

async function arnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  if (!Attributes?.QueueArn) throw new Error(`No ARN for queue ${queueUrl}`);
  return Attributes.QueueArn;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}
