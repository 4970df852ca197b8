import { randomUUID } from "node:crypto";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { dynamoDocumentClient, snsClient, sqsClient } from "@cloudcafe/adapters";
import { deadLetterRetentionSeconds, queues, tables, topics } from "@cloudcafe/catalog";
import { readLocalConfig } from "@cloudcafe/local/config";
import { startDynamoDb } from "@cloudcafe/local/engines/dynamodb";
import { startSqsSns } from "@cloudcafe/local/engines/sqs-sns";

/**
 * Real DynamoDB Local and fauxqs (SQS + SNS) for the payment tests. When the environment already points the SDK
 * at engines (AWS_ENDPOINT_URL_*), those are used; otherwise they are started here on ports of their own, so
 * this suite neither collides with `npm start` nor with other suites.
 */
export async function useLocalAws(): Promise<{ stop(): Promise<void> }> {
  process.env.AWS_REGION ??= "us-east-1";
  process.env.AWS_ACCESS_KEY_ID ??= "local";
  process.env.AWS_SECRET_ACCESS_KEY ??= "local";
  if (process.env.AWS_ENDPOINT_URL_DYNAMODB && process.env.AWS_ENDPOINT_URL_SQS && process.env.AWS_ENDPOINT_URL_SNS) {
    return { stop: async () => {} };
  }
  const local = readLocalConfig();
  const config = { ...local, ports: { ...local.ports, dynamodb: 18_100, sqsSns: 18_101 } };
  const [dynamodb, sqsSns] = await Promise.all([startDynamoDb({ config, daemon: false }), startSqsSns({ config, daemon: false })]);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
  process.env.AWS_ENDPOINT_URL_SQS = sqsSns.url;
  process.env.AWS_ENDPOINT_URL_SNS = sqsSns.url;
  return {
    stop: async () => {
      await Promise.all([dynamodb.stop(), sqsSns.stop()]);
    },
  };
}

export interface QueueRef {
  url: string;
  arn: string;
}

export interface PaymentResources {
  tableName: string;
  paymentQueue: QueueRef;
  deadLetterQueue: QueueRef;
  topicArn: string;
  /** A raw-delivery subscriber of the results topic, standing in for the order service's queue. */
  resultsQueue: QueueRef;
}

async function createQueue(name: string, attributes: Record<string, string>): Promise<QueueRef> {
  const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  const { Attributes } = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  if (!Attributes?.QueueArn) throw new Error(`Queue ${name} has no ARN`);
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/**
 * The payment processor's resources from the catalog, under names unique to this run so reruns and parallel
 * suites never share a queue or table.
 */
export async function createPaymentResources(): Promise<PaymentResources> {
  const run = randomUUID().slice(0, 8);
  const spec = queues.paymentProcessing;
  const fifo = (name: string) => `${name.replace(/\.fifo$/, "")}-${run}.fifo`;

  const tableName = `${tables.paymentTransactions.name}-${run}`;
  const key = tables.paymentTransactions.partitionKey;
  await dynamoDocumentClient().send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
      KeySchema: [{ AttributeName: key.name, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );

  const fifoAttributes = { FifoQueue: "true", ContentBasedDeduplication: String(spec.contentBasedDeduplication) };
  const deadLetterQueue = await createQueue(fifo(spec.deadLetter.queueName), {
    ...fifoAttributes,
    MessageRetentionPeriod: String(deadLetterRetentionSeconds),
  });
  const paymentQueue = await createQueue(fifo(spec.name), {
    ...fifoAttributes,
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: spec.deadLetter.maxReceiveCount }),
  });

  const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `${topics.paymentResults.name}-${run}` }));
  if (!TopicArn) throw new Error("CreateTopic returned no ARN");
  const resultsQueue = await createQueue(`${queues.paymentResults.name}-${run}`, {});
  await snsClient().send(
    new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: resultsQueue.arn, Attributes: { RawMessageDelivery: "true" } }),
  );

  return { tableName, paymentQueue, deadLetterQueue, topicArn: TopicArn, resultsQueue };
}
