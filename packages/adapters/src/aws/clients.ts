import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { reportLocalDynamoErrors } from "./dynamodb-error-metrics.ts";
import { countThrottledAttempts } from "./dynamodb-throttle-metrics.ts";
import { metricNamespaces, metricServices } from "@cloudcafe/catalog";
import { createMetrics } from "@cloudcafe/observability";
import { applicationFaults } from "../chaos/application-faults.ts";
import { throttleDynamoDbUnderFault } from "../chaos/dynamodb-throttling.ts";

/**
 * AWS SDK clients, created once per process. Endpoints come from the SDK's own per-service variables
 * (AWS_ENDPOINT_URL_DYNAMODB, _SQS, _SNS, _KINESIS), so the same code talks to AWS or the local engines.
 * Kinesis gets an HTTP/1.1 handler: the SDK's default works on AWS, but local Kinesis engines speak HTTP/1.1 only.
 */
const requestHandler = () => new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 });

let dynamo: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let sns: SNSClient | undefined;
let kinesis: KinesisClient | undefined;

/**
 * The DynamoDB client every service shares: its throttled attempts counted, and the `dynamodb-throttling` fault's
 * middleware (inert unless injected).
 */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  if (dynamo) return dynamo;
  const client = new DynamoDBClient({ requestHandler: requestHandler(), maxAttempts: 3 });
  reportLocalDynamoErrors(client);
  countThrottledAttempts(client, createMetrics({ namespace: metricNamespaces.platform, service: metricServices.dynamoDbClientService }));
  throttleDynamoDbUnderFault(client, { faults: applicationFaults() });
  dynamo = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return dynamo;
}

export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({ requestHandler: requestHandler(), maxAttempts: 3 });
  return sqs;
}

export function snsClient(): SNSClient {
  sns ??= new SNSClient({ requestHandler: requestHandler(), maxAttempts: 3 });
  return sns;
}

export function kinesisClient(): KinesisClient {
  kinesis ??= new KinesisClient({ requestHandler: requestHandler(), maxAttempts: 3 });
  return kinesis;
}
