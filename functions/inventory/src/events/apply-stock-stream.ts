import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { type CounterChange, isInvalidInput, type StockCounters } from "@cloudcafe/core";
import { type Logger, type Metrics, newTraceId, withContext } from "@cloudcafe/observability";

export interface ApplyStockStreamDeps {
  counters: StockCounters;
  decode: (record: DynamoDBRecord) => CounterChange | undefined;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Applies a batch in shard order and stops at the first failure, reporting its sequence number: Lambda resumes the
 * shard from there (ReportBatchItemFailures), so nothing after a failed record is skipped. A record that cannot be
 * read fails the same way; after the mapping's retries its batch goes to the on-failure queue.
 */
export async function applyStockStream(event: DynamoDBStreamEvent, deps: ApplyStockStreamDeps): Promise<DynamoDBBatchResponse> {
  return withContext({ traceId: newTraceId() }, async () => {
    const counts = { applied: 0, stale: 0, skipped: 0 };
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
      try {
        const change = deps.decode(record);
        if (!change) {
          counts.skipped++;
          continue;
        }
        counts[await deps.counters.apply(change)]++;
      } catch (error) {
        deps.logger.error(isInvalidInput(error) ? "unreadable store-inventory stream record" : "stream record not applied; the shard resumes from it", {
          sequenceNumber,
          error,
        });
        deps.metrics.put("StockStreamFailures", 1, "Count");
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    for (const [outcome, count] of Object.entries(counts)) if (count > 0) deps.metrics.put("StockStreamRecords", count, "Count", { outcome });
    return { batchItemFailures: [] };
  });
}
