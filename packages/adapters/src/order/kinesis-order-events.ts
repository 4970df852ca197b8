import { PutRecordCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import type { OrderEvent } from "@cloudcafe/core";
import { traceparentNow } from "../aws/trace-attributes.ts";

/** Kinesis `order-events` record: the event plus its traceparent, partitioned by customer. */
export interface OrderEventRecord extends OrderEvent {
  traceparent: string;
}

export function kinesisOrderEvents(client: KinesisClient, streamName: string) {
  return {
    async publish(event: OrderEvent): Promise<void> {
      const record: OrderEventRecord = { ...event, traceparent: traceparentNow() };
      await client.send(
        new PutRecordCommand({
          StreamName: streamName,
          PartitionKey: event.order.customerId,
          Data: Buffer.from(JSON.stringify(record)),
        }),
      );
    },
  };
}
