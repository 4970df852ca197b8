import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** Credentials the local engines accept (they never validate them). */
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" } as const;
export const localRegion = "us-east-1";

/**
 * SDK clients aimed at explicit local endpoints. The platform itself uses these (it knows the endpoints before
 * any environment is exported); application code keeps using @cloudcafe/adapters, which reads AWS_ENDPOINT_URL_*.
 * HTTP/1.1 everywhere because kinesalite does not speak HTTP/2.
 */
function base(endpoint: string) {
  return {
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 25_000 }),
  };
}

export const dynamoClientFor = (endpoint: string) => new DynamoDBClient(base(endpoint));
export const sqsClientFor = (endpoint: string) => new SQSClient(base(endpoint));
export const snsClientFor = (endpoint: string) => new SNSClient(base(endpoint));
export const kinesisClientFor = (endpoint: string) => new KinesisClient(base(endpoint));
/** DynamoDB Local serves the Streams API on its main endpoint. */
export const dynamoStreamsClientFor = (endpoint: string) => new DynamoDBStreamsClient(base(endpoint));
