import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type { AnalyticsDeadLetters, AnalyticsEventPublisher } from "@cloudcafe/adapters";
import { orderEventRecordSchema, toAnalyticsEvent, type AnalyticsEvent, type CategoryOf } from "@cloudcafe/core";
import { type Logger, type Metrics, withContext } from "@cloudcafe/observability";

export interface OrderEventsHandlerDeps {
  publisher: AnalyticsEventPublisher;
  deadLetters: AnalyticsDeadLetters;
  /** The menu's SKU-to-category lookup as of now (refreshed by the menu source); throws when no menu is known. */
  categories: () => Promise<CategoryOf>;
  logger: Logger;
  metrics: Metrics;
}

const traceIdOf = (traceparent: string | undefined) => traceparent?.split("-")[1];

/**
 * The `order-events` consumer: each order event becomes an analytics event on `analytics-events` (partition key =
 * store id, same event id, items with their menu category). A record that is not an order event is final: it goes
 * to the analytics dead letters with the reason and the batch carries on. Records PutRecords could not take are
 * reported as batch item failures, so Lambda retries from the first of them (the worker dedupes on the event id);
 * any other failure fails the batch, which the mapping bisects, retries and finally sends to its on-failure queue.
 */
export function orderEventsHandler(deps: OrderEventsHandlerDeps) {
  const { logger, metrics } = deps;
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const categoryOf = await deps.categories();
    const converted: { event: AnalyticsEvent; record: KinesisStreamRecord }[] = [];
    for (const record of event.Records) {
      const text = Buffer.from(record.kinesis.data, "base64").toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = orderEventRecordSchema.safeParse(json);
      if (!parsed.success) {
        const detail = json === undefined ? "not JSON" : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
        await deadLetters(deps, record, detail, text);
        metrics.put("PoisonRecords", 1, "Count", { stream: "order-events" });
        logger.warn("order-events record is not an order event; sent to the dead letters", { sequenceNumber: record.kinesis.sequenceNumber, detail });
        continue;
      }
      const analyticsEvent = toAnalyticsEvent(parsed.data, categoryOf);
      withContext({ traceId: traceIdOf(parsed.data.traceparent) }, () =>
        logger.debug(analyticsEvent ? "order event read" : "order event not counted by analytics", { eventId: parsed.data.eventId, type: parsed.data.type }),
      );
      if (analyticsEvent) converted.push({ event: analyticsEvent, record });
    }
    const failed = new Set(await deps.publisher.publish(converted.map(({ event }) => event)));
    const batchItemFailures = converted.filter(({ event }) => failed.has(event)).map(({ record }) => ({ itemIdentifier: record.kinesis.sequenceNumber }));
    metrics.put("AnalyticsEventsPublished", converted.length - batchItemFailures.length, "Count");
    if (batchItemFailures.length > 0) logger.warn("analytics events not accepted by the stream; retried", { count: batchItemFailures.length });
    return { batchItemFailures };
  };
}

async function deadLetters(deps: OrderEventsHandlerDeps, record: KinesisStreamRecord, detail: string, text: string): Promise<void> {
  const stream = record.eventSourceARN.split("/").pop() ?? record.eventSourceARN;
  const shardId = record.eventID.split(":")[0] ?? "unknown";
  await deps.deadLetters.send({ reason: "poison", detail, source: { stream, shardId, sequenceNumber: record.kinesis.sequenceNumber }, data: text });
}
