import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from "aws-lambda";

/** Stands in for the IAM principal id AWS reports as the sender. */
const localSenderId = "AIDALOCALCLOUDCAFE00";

function lambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString("base64")),
    dataType: value.DataType ?? "String",
  };
}

function recordAttributes(message: Message): SQSRecordAttributes {
  const system = message.Attributes ?? {};
  const optional = (key: "SequenceNumber" | "MessageGroupId" | "MessageDeduplicationId" | "AWSTraceHeader") =>
    system[key] !== undefined ? { [key]: system[key] } : {};
  return {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? "1",
    SentTimestamp: system.SentTimestamp ?? String(Date.now()),
    SenderId: system.SenderId ?? localSenderId,
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    ...optional("AWSTraceHeader"),
    ...optional("SequenceNumber"),
    ...optional("MessageGroupId"),
    ...optional("MessageDeduplicationId"),
  };
}

/** The record Lambda's SQS event source builds from a received message. */
export function sqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  if (!message.MessageId || !message.ReceiptHandle) throw new Error("Received an SQS message without id or receipt handle");
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? "",
    attributes: recordAttributes(message),
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, lambdaAttribute(value)])),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export function sqsEvent(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((message) => sqsRecord(message, queueArn, region)) };
}
