import { PutRecordCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OrderEvent, OrderSubmitted, PaymentRequestSender } from "@cloudcafe/core";
import { traceAttributes, traceparentNow } from "../aws/trace-attributes.ts";

export function sqsOrderSubmissions(client: SQSClient, queueUrl: string) {
  return {
    async submit(message: OrderSubmitted): Promise<void> {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), MessageAttributes: traceAttributes() }),
      );
    },
  };
}

/** Payment requests go to the FIFO queue grouped by customer; the deterministic body lets content-based dedup drop resends. */
export function sqsPaymentRequests(client: SQSClient, queueUrl: string): PaymentRequestSender {
  return {
    async send(request) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(request),
          MessageGroupId: request.customerId,
          MessageAttributes: traceAttributes(),
        }),
      );
    },
  };
}

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
