import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  paginateListSubscriptions,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type QueueAttributeName,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  analyticsWarehouse,
  deadLetterRetentionSeconds,
  memoryDb as catalogMemoryDb,
  operatorToken,
  postgres as catalogPostgres,
  queues,
  redis as catalogRedis,
  streams,
  tables,
  topics,
  type QueueSpec,
  type StreamSpec,
  type TableSpec,
} from "@cloudcafe/catalog";
import { createDocumentDatabase, documentDatabaseEnv, dropDocumentDatabase, type CreatedDocumentDatabase } from "./document-resources.ts";
import { dynamoClientFor, kinesisClientFor, localCredentials, localRegion, snsClientFor, sqsClientFor } from "./aws-clients.ts";
import { waitUntil } from "./process/net.ts";

export interface LocalEndpoints {
  readonly dynamodb: string;
  /** fauxqs serves SQS and SNS on the same endpoint. */
  readonly sqs: string;
  readonly sns: string;
  readonly kinesis: string;
  /** The Redshift Data API stand-in. */
  readonly redshiftData: string;
  /** The DocumentDB stand-in (or MONGODB_URL). */
  readonly documentDb: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** MemoryDB's stand-in. */
  readonly memoryDbUrl: string;
}

export interface CreateResourcesOptions {
  /**
   * Appended to every table, queue, topic and stream name (before `.fifo`), so parallel test runs sharing the
   * engines cannot see each other's messages. Empty for `npm start`: the catalog names as they are.
   */
  readonly nameSuffix?: string;
  readonly operatorTokenValue?: string;
}

/** Environment variables that point the AWS SDK, the SST `Resource` links and the data clients at the local engines. */
export type LocalEnvironment = Record<string, string>;

export interface CreatedQueue {
  readonly resource: string;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly dlq?: { readonly resource: string; readonly name: string; readonly url: string; readonly arn: string };
}

export interface LocalResources {
  readonly env: LocalEnvironment;
  readonly tables: Record<keyof typeof tables, string>;
  readonly queues: Record<keyof typeof queues, CreatedQueue>;
  readonly topics: Record<keyof typeof topics, { readonly name: string; readonly arn: string }>;
  readonly streams: Record<keyof typeof streams, string>;
  readonly documents: CreatedDocumentDatabase;
}

/** `order-queue` + `-t1` -> `order-queue-t1`; FIFO names keep their mandatory `.fifo` ending. */
export function localName(name: string, suffix = ""): string {
  return name.endsWith(".fifo") ? `${name.slice(0, -".fifo".length)}${suffix}.fifo` : `${name}${suffix}`;
}

/** Creates every catalog resource on the local engines. Idempotent: existing resources are kept and completed. */
export async function createResources(endpoints: LocalEndpoints, options: CreateResourcesOptions = {}): Promise<LocalResources> {
  const suffix = options.nameSuffix ?? "";
  const dynamo = dynamoClientFor(endpoints.dynamodb);
  const sqs = sqsClientFor(endpoints.sqs);
  const sns = snsClientFor(endpoints.sns);
  const kinesis = kinesisClientFor(endpoints.kinesis);
  try {
    const tableNames = await mapValues(tables, (spec) => ensureTable(dynamo, spec, localName(spec.name, suffix)));
    const createdQueues = await mapValues(queues, (spec) => ensureQueue(sqs, spec, suffix));
    const createdTopics = await mapValues(topics, async (spec) => {
      const name = localName(spec.name, suffix);
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
      if (!TopicArn) throw new Error(`CreateTopic ${name} returned no ARN`);
      for (const subscriber of spec.subscribers) {
        await ensureSubscription(sns, TopicArn, createdQueues[subscriber.queue].arn, {
          // Subscribers read the publisher's message and attributes as sent, without the SNS envelope.
          RawMessageDelivery: "true",
          ...(subscriber.filterPolicy ? { FilterPolicy: JSON.stringify(subscriber.filterPolicy), FilterPolicyScope: "MessageAttributes" } : {}),
        });
      }
      return { name, arn: TopicArn };
    });
    const streamNames = await mapValues(streams, (spec) => ensureStream(kinesis, spec, localName(spec.name, suffix)));
    const documents = await createDocumentDatabase(endpoints.documentDb, suffix);
    const resources = { tables: tableNames, queues: createdQueues, topics: createdTopics, streams: streamNames, documents };
    return { ...resources, env: environmentFor(endpoints, resources, options.operatorTokenValue ?? "local-operator-token") };
  } finally {
    for (const client of [dynamo, sqs, sns, kinesis]) client.destroy();
  }
}

/** Removes what `createResources` made (test runs clean up their suffixed copies from the shared engines). */
export async function deleteResources(endpoints: LocalEndpoints, resources: Omit<LocalResources, "env">): Promise<void> {
  const dynamo = dynamoClientFor(endpoints.dynamodb);
  const sqs = sqsClientFor(endpoints.sqs);
  const sns = snsClientFor(endpoints.sns);
  const kinesis = kinesisClientFor(endpoints.kinesis);
  const queueUrls = Object.values(resources.queues).flatMap((queue) => [queue.url, ...(queue.dlq ? [queue.dlq.url] : [])]);
  try {
    await Promise.all([
      ...Object.values(resources.tables).map((name) => dynamo.send(new DeleteTableCommand({ TableName: name }))),
      ...Object.values(resources.topics).map((topic) => sns.send(new DeleteTopicCommand({ TopicArn: topic.arn }))),
      ...queueUrls.map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))),
      ...Object.values(resources.streams).map((name) => kinesis.send(new DeleteStreamCommand({ StreamName: name }))),
      dropDocumentDatabase(resources.documents),
    ]);
  } finally {
    for (const client of [dynamo, sqs, sns, kinesis]) client.destroy();
  }
}

async function mapValues<K extends string, V, R>(record: Record<K, V>, fn: (value: V) => Promise<R>): Promise<Record<K, R>> {
  const entries = await Promise.all(Object.entries(record).map(async ([key, value]) => [key, await fn(value as V)] as const));
  return Object.fromEntries(entries) as Record<K, R>;
}

function keySchema(spec: TableSpec): { keys: KeySchemaElement[]; attributes: AttributeDefinition[] } {
  const keys: KeySchemaElement[] = [{ AttributeName: spec.partitionKey.name, KeyType: "HASH" }];
  const attributes: AttributeDefinition[] = [{ AttributeName: spec.partitionKey.name, AttributeType: spec.partitionKey.type }];
  if (spec.sortKey) {
    keys.push({ AttributeName: spec.sortKey.name, KeyType: "RANGE" });
    attributes.push({ AttributeName: spec.sortKey.name, AttributeType: spec.sortKey.type });
  }
  return { keys, attributes };
}

async function ensureTable(client: DynamoDBClient, spec: TableSpec, name: string): Promise<string> {
  const { keys, attributes } = keySchema(spec);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: spec.billing,
        ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntil(
    `table ${name} to be ACTIVE`,
    async () => (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus === "ACTIVE",
    30_000,
    100,
  );
  if (spec.ttlAttribute) {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    if (TimeToLiveDescription?.TimeToLiveStatus !== "ENABLED") {
      await client.send(
        new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } }),
      );
    }
  }
  return name;
}

type QueueAttributes = Partial<Record<QueueAttributeName, string>>;

/**
 * SQS's answer to CreateQueue for a name taken with other attributes. Over the JSON protocol in query-compatible mode
 * (fauxqs, and SQS itself) the SDK names the error after the legacy code `AWS.SimpleQueueService.QueueNameExists`.
 */
function isQueueNameExists(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? "";
  return name === "QueueNameExists" || name === "AWS.SimpleQueueService.QueueNameExists";
}

/** CreateQueue with the wanted attributes; a queue left with other settings gets them applied instead. */
async function upsertQueue(client: SQSClient, name: string, attributes: QueueAttributes): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  } catch (error) {
    if (!isQueueNameExists(error)) throw error;
    url = (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    if (url) {
      const { FifoQueue: _immutable, ...mutable } = attributes;
      await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: mutable }));
    }
  }
  if (!url) throw new Error(`CreateQueue ${name} returned no URL`);
  const arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
  if (!arn) throw new Error(`Queue ${name} has no ARN`);
  return { url, arn };
}

async function ensureQueue(client: SQSClient, spec: QueueSpec, suffix: string): Promise<CreatedQueue> {
  const fifo: QueueAttributes = spec.fifo ? { FifoQueue: "true" } : {};
  let dlq: CreatedQueue["dlq"];
  if (spec.deadLetter) {
    const name = localName(spec.deadLetter.queueName, suffix);
    const created = await upsertQueue(client, name, { ...fifo, MessageRetentionPeriod: String(deadLetterRetentionSeconds) });
    dlq = { resource: `${spec.resource}Dlq`, name, ...created };
  }
  const name = localName(spec.name, suffix);
  const created = await upsertQueue(client, name, {
    ...fifo,
    ...(spec.fifo ? { ContentBasedDeduplication: String(spec.contentBasedDeduplication ?? false) } : {}),
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(spec.retentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(spec.receiveWaitSeconds),
    ...(dlq && spec.deadLetter
      ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.deadLetter.maxReceiveCount }) }
      : {}),
  });
  return { resource: spec.resource, name, ...created, ...(dlq ? { dlq } : {}) };
}

/**
 * Subscribes `queueArn` with exactly `attributes`. Subscribing again with the same attributes is a no-op; an engine
 * still holding the subscription with other attributes (started before the catalog changed) gets it replaced, so the
 * platform converges on the catalog instead of refusing to start.
 */
async function ensureSubscription(client: SNSClient, topicArn: string, queueArn: string, attributes: Record<string, string>): Promise<void> {
  const subscribe = () =>
    client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: attributes, ReturnSubscriptionArn: true }));
  try {
    await subscribe();
  } catch (error) {
    if (!(error instanceof Error && /already exists with different attributes/i.test(error.message))) throw error;
    for await (const page of paginateListSubscriptions({ client }, {})) {
      for (const existing of page.Subscriptions ?? []) {
        if (existing.TopicArn === topicArn && existing.Endpoint === queueArn && existing.SubscriptionArn) {
          await client.send(new UnsubscribeCommand({ SubscriptionArn: existing.SubscriptionArn }));
        }
      }
    }
    await subscribe();
  }
}

async function ensureStream(client: KinesisClient, spec: StreamSpec, name: string): Promise<string> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: spec.shards }));
  } catch (error) {
    if ((error as { name?: string }).name !== "ResourceInUseException") throw error;
  }
  await waitUntil(
    `stream ${name} to be ACTIVE`,
    async () => (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus === "ACTIVE",
    30_000,
    50,
  );
  return name;
}

const link = (value: unknown) => JSON.stringify(value);

/** The environment a process needs to run against the local platform, with SST links shaped as SST injects them. */
function environmentFor(
  endpoints: LocalEndpoints,
  resources: Omit<LocalResources, "env">,
  operatorTokenValue: string,
): LocalEnvironment {
  const database = new URL(endpoints.databaseUrl);
  const redis = new URL(endpoints.redisUrl);
  const memoryDb = new URL(endpoints.memoryDbUrl);
  const env: LocalEnvironment = {
    AWS_REGION: localRegion,
    AWS_DEFAULT_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    // DynamoDB Local serves the Streams API on its main endpoint.
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_REDSHIFT_DATA: endpoints.redshiftData,
    // What infra sets on the functions that use the warehouse (the workgroup is per stage).
    ANALYTICS_WORKGROUP_NAME: analyticsWarehouse.local.workgroupName,
    ANALYTICS_DATABASE_NAME: analyticsWarehouse.database,
    DATABASE_URL: endpoints.databaseUrl,
    REDIS_URL: endpoints.redisUrl,
    SST_RESOURCE_App: link({ name: "cloudcafe", stage: "local" }),
    [`SST_RESOURCE_${catalogPostgres.resource}`]: link({
      host: database.hostname,
      port: Number(database.port || catalogPostgres.port),
      username: decodeURIComponent(database.username),
      password: decodeURIComponent(database.password),
      database: database.pathname.slice(1) || catalogPostgres.database,
    }),
    [`SST_RESOURCE_${catalogRedis.resource}`]: link({ host: redis.hostname, port: Number(redis.port || catalogRedis.port) }),
    [`SST_RESOURCE_${catalogMemoryDb.resource}`]: link({ host: memoryDb.hostname, port: Number(memoryDb.port || catalogMemoryDb.localPort) }),
    [`SST_RESOURCE_${operatorToken.resource}`]: link({ value: operatorTokenValue }),
    ...documentDatabaseEnv(resources.documents),
  };
  for (const [key, name] of Object.entries(resources.tables)) env[`SST_RESOURCE_${tables[key as keyof typeof tables].resource}`] = link({ name });
  for (const queue of Object.values(resources.queues)) {
    env[`SST_RESOURCE_${queue.resource}`] = link({ url: queue.url });
    if (queue.dlq) env[`SST_RESOURCE_${queue.dlq.resource}`] = link({ url: queue.dlq.url });
  }
  for (const [key, topic] of Object.entries(resources.topics)) env[`SST_RESOURCE_${topics[key as keyof typeof topics].resource}`] = link({ arn: topic.arn });
  for (const [key, name] of Object.entries(resources.streams)) env[`SST_RESOURCE_${streams[key as keyof typeof streams].resource}`] = link({ name });
  return env;
}
