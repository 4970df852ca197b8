import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { z } from "zod";
import { isInvalidInput, parseJsonOrThrow } from "@cloudcafe/core";
import { addToContext, type LogContext, type Logger, type Metrics, traceIdOfRecord, withContext } from "@cloudcafe/observability";

export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

export interface SqsBatchHandlerOptions<S extends z.ZodType> {
  /** What a message is, for logs (`payment request`). */
  readonly message: string;
  /** The message body's contract; a body that breaks it is final and goes to the dead-letter queue. */
  readonly schema: S;
  /**
   * A FIFO queue: the batch's message groups are handled concurrently, each group's messages one after another; a
   * failed message fails the rest of its group in the batch, so the group's order holds while other groups carry on.
   */
  readonly fifo?: boolean;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Log fields taken from the message (customer, order) once it is read. */
  readonly contextOf?: (message: z.output<S>) => LogContext;
  readonly handle: (message: z.output<S>, record: SQSRecord) => Promise<void>;
}

/**
 * The one way a CloudCafe function consumes an SQS batch: each record runs in its own trace context (from its
 * `traceparent` attribute), its body is validated by the domain's schema, and only the records that failed are
 * reported back (partial batch response), so SQS retries those alone and moves them to the dead-letter queue after
 * the queue's maxReceiveCount. A malformed message is logged once per receive with what is wrong with it.
 */
export function sqsBatchHandler<S extends z.ZodType>(options: SqsBatchHandlerOptions<S>): SqsBatchHandler {
  const { logger, metrics } = options;

  async function handleRecord(record: SQSRecord): Promise<void> {
    // A FIFO group is the customer, so even an unreadable body is logged against its customer.
    const group = record.attributes.MessageGroupId;
    await withContext({ traceId: traceIdOfRecord(record), messageId: record.messageId, ...(group ? { customerId: group } : {}) }, async () => {
      try {
        const message = parseJsonOrThrow(options.schema, record.body, options.message);
        if (options.contextOf) addToContext(options.contextOf(message));
        await options.handle(message, record);
      } catch (error) {
        reportFailure(error, record);
        throw error;
      }
    });
  }

  function reportFailure(error: unknown, record: SQSRecord): void {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    if (isInvalidInput(error)) {
      metrics.put("InvalidMessages", 1, "Count");
      // What is wrong with the message is the news here; a stack trace of the parser would only bury it.
      logger.error(`Unreadable ${options.message}; it will reach the dead-letter queue after its last receive`, {
        receiveCount,
        error: { code: error.code, message: error.message },
        details: error.details,
      });
      return;
    }
    logger.warn(`${options.message} failed; the message will be redelivered`, { error, receiveCount });
  }

  /** One message group's records, in their order, one after another: a failure fails the rest of the group. */
  const handleGroup = (records: SQSRecord[], context?: Context) =>
    // One processor per group: it holds the group's state, and a local poller may run batches concurrently.
    processPartialResponse({ Records: records }, handleRecord, new SqsFifoPartialProcessorAsync(), {
      ...(context ? { context } : {}),
      skipGroupOnError: true,
      // All-failed is reported item by item too: same retry effect as throwing, and one response shape.
      throwOnFullBatchFailure: false,
    });

  return async function handleBatch(event, context) {
    if (options.fifo) {
      // The batch's message groups run side by side, each in order: a batch of ten customers' payments takes one
      // gateway call's time, not ten, as Lambda itself runs up to one batch per active message group at once.
      const responses = await Promise.all([...recordsByGroup(event.Records).values()].map((records) => handleGroup(records, context)));
      return { batchItemFailures: responses.flatMap((response) => response.batchItemFailures) };
    }
    return processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      ...(context ? { context } : {}),
      throwOnFullBatchFailure: false,
    });
  };
}

/** A FIFO batch's records by message group, each group's in the batch's order (which is the queue's order). */
function recordsByGroup(records: readonly SQSRecord[]): Map<string, SQSRecord[]> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? "";
    const members = groups.get(group);
    if (members) members.push(record);
    else groups.set(group, [record]);
  }
  return groups;
}
