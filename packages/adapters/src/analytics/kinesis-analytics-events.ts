import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import type { AnalyticsEvent } from "@cloudcafe/core";

/**
 * The `analytics-events` stream, partitioned by store: a store's events stay in order on one shard. PutRecords is
 * not atomic: the answer says per record whether it failed, and those are returned for the caller to retry.
 */

/** PutRecords takes at most 500 records per call (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html). */
export const MAX_RECORDS_PER_PUT = 500;

export interface AnalyticsEventPublisher {
  /** Publishes the events; answers those that could not be (to retry), in their original order. */
  publish(events: readonly AnalyticsEvent[]): Promise<AnalyticsEvent[]>;
}

export function kinesisAnalyticsEvents(client: KinesisClient, streamName: string): AnalyticsEventPublisher {
  return {
    async publish(events) {
      const failed: AnalyticsEvent[] = [];
      for (let first = 0; first < events.length; first += MAX_RECORDS_PER_PUT) {
        const chunk = events.slice(first, first + MAX_RECORDS_PER_PUT);
        const entries: PutRecordsRequestEntry[] = chunk.map((event) => ({ PartitionKey: event.storeId, Data: Buffer.from(JSON.stringify(event)) }));
        const { Records = [] } = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
        chunk.forEach((event, index) => {
          if (!Records[index] || Records[index].ErrorCode) failed.push(event);
        });
      }
      return failed;
    },
  };
}
