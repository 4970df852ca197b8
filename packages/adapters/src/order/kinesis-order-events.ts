import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from "@aws-sdk/client-kinesis";
import type { OrderEvent } from "@cloudcafe/core";
import { traceparentNow } from "../aws/trace-attributes.ts";
import { microBatcher } from "../aws/micro-batch.ts";

/** Kinesis `order-events` record: the event plus its traceparent, partitioned by customer. */
export interface OrderEventRecord extends OrderEvent {
  traceparent: string;
}

/** PutRecords takes up to 500 records ("Amazon Kinesis Data Streams API Reference", PutRecords). */
const MAX_RECORDS_PER_PUT = 500;

/**
 * Events published in the same turn of the event loop share one PutRecords; each publish resolves or fails with its
 * own record's result. The outbox never has two events of one order in flight (one row per ordering key at a time),
 * so an order's events keep their order: PutRecords does not promise order within a request, which is why the
 * same order's next event waits for this one.
 */
export function kinesisOrderEvents(client: KinesisClient, streamName: string) {
  const put = microBatcher<PutRecordsRequestEntry, void>(async (entries) => {
    const { Records = [] } = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: [...entries] }));
    return entries.map((_, i) => {
      const result = Records[i];
      if (!result) return { error: new Error("PutRecords answered without this record") };
      if (result.ErrorCode) return { error: Object.assign(new Error(`${result.ErrorCode}: ${result.ErrorMessage ?? ""}`), { name: result.ErrorCode }) };
      return { ok: undefined };
    });
  }, MAX_RECORDS_PER_PUT);
  return {
    async publish(event: OrderEvent): Promise<void> {
      const record: OrderEventRecord = { ...event, traceparent: traceparentNow() };
      await put({ PartitionKey: event.order.customerId, Data: Buffer.from(JSON.stringify(record)) });
    },
  };
}
