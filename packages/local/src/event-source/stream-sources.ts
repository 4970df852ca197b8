/**
 * The two kinds of stream a Lambda stream mapping reads, behind one shard-reading interface: Kinesis Data Streams
 * (kinesalite locally) and DynamoDB Streams (DynamoDB Local serves the Streams API on its own endpoint). Each turns
 * what GetRecords returns into the records of the Lambda event AWS delivers for it.
 */
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  GetRecordsCommand as GetStreamRecordsCommand,
  GetShardIteratorCommand as GetStreamShardIteratorCommand,
  type AttributeValue,
  type DynamoDBStreamsClient,
  type _Record as DynamoStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from "@aws-sdk/client-kinesis";
import type { DynamoDBRecord, KinesisStreamRecord } from "aws-lambda";

export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly adjacentParentShardId?: string;
}

/** Where to start reading a shard: its oldest or newest record, or just after one already processed. */
export type ShardPosition = { readonly type: "TRIM_HORIZON" | "LATEST" } | { readonly type: "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string };

/** One record as read, with what the mapping needs to order, age and describe it, and its Lambda event form. */
export interface SourceRecord<EventRecord> {
  readonly sequenceNumber: string;
  readonly arrival: Date;
  readonly eventRecord: EventRecord;
}

export interface ShardRead<EventRecord> {
  readonly records: readonly SourceRecord<EventRecord>[];
  /** Absent once a closed shard (a parent after a split or merge) has been read to its end. */
  readonly nextIterator?: string;
}

export interface StreamSource<EventRecord = unknown> {
  readonly kind: "kinesis" | "dynamodb";
  /** The stream's ARN (the records' `eventSourceARN`), resolved once per start. */
  arn(): Promise<string>;
  listShards(): Promise<ShardInfo[]>;
  iterator(shardId: string, position: ShardPosition): Promise<string>;
  read(iterator: string, limit: number): Promise<ShardRead<EventRecord>>;
  /** The key of the batch description sent to the on-failure destination (`KinesisBatchInfo` / `DDBStreamBatchInfo`). */
  readonly batchInfoKey: "KinesisBatchInfo" | "DDBStreamBatchInfo";
}

/** GetRecords' limit per call on both services. */
const maxRecordsPerRead = 10_000;
/** DynamoDB Streams returns at most 1 000 records a call. */
const maxDynamoRecordsPerRead = 1_000;

export function kinesisStreamSource(client: KinesisClient, streamName: string, region: string): StreamSource<KinesisStreamRecord> {
  let streamArn: string | undefined;
  const arn = async () => {
    streamArn ??= (await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamARN;
    if (!streamArn) throw new Error(`No ARN for Kinesis stream ${streamName}`);
    return streamArn;
  };
  return {
    kind: "kinesis",
    batchInfoKey: "KinesisBatchInfo",
    arn,
    async listShards() {
      const shards: ShardInfo[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
        for (const shard of page.Shards ?? []) {
          shards.push({
            shardId: shard.ShardId!,
            ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
            ...(shard.AdjacentParentShardId ? { adjacentParentShardId: shard.AdjacentParentShardId } : {}),
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return shards;
    },
    async iterator(shardId, position) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...("sequenceNumber" in position ? { StartingSequenceNumber: position.sequenceNumber } : {}),
        }),
      );
      if (!ShardIterator) throw new Error(`No iterator for ${streamName}/${shardId}`);
      return ShardIterator;
    },
    async read(iterator, limit) {
      const response = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, maxRecordsPerRead) }));
      const source = await arn();
      return {
        records: (response.Records ?? []).map((record) => kinesisRecord(record, source, region)),
        ...(response.NextShardIterator ? { nextIterator: response.NextShardIterator } : {}),
      };
    },
  };
}

function kinesisRecord(record: KinesisRecord, streamArn: string, region: string): SourceRecord<KinesisStreamRecord> {
  const arrival = record.ApproximateArrivalTimestamp ?? new Date();
  const sequenceNumber = record.SequenceNumber!;
  return {
    sequenceNumber,
    arrival,
    eventRecord: {
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: record.PartitionKey!,
        sequenceNumber,
        data: Buffer.from(record.Data ?? new Uint8Array()).toString("base64"),
        approximateArrivalTimestamp: arrival.getTime() / 1_000,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      // The shard id is not in a GetRecords record; Lambda's eventID is `<shardId>:<sequenceNumber>`, filled in by the poller.
      eventID: sequenceNumber,
      eventName: "aws:kinesis:record",
      invokeIdentityArn: "arn:aws:iam::000000000000:role/local-event-source",
      awsRegion: region,
      eventSourceARN: streamArn,
    },
  };
}

/**
 * A table's stream, read with the DynamoDB Streams API. The table must have its stream enabled (the catalog's
 * `stream` view type); the latest stream ARN is looked up once per start, so a recreated table is followed.
 */
export function dynamoStreamSource(dynamo: DynamoDBClient, streams: DynamoDBStreamsClient, tableName: string): StreamSource<DynamoDBRecord> {
  let streamArn: string | undefined;
  const arn = async () => {
    streamArn ??= (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${tableName} has no stream enabled`);
    return streamArn;
  };
  return {
    kind: "dynamodb",
    batchInfoKey: "DDBStreamBatchInfo",
    arn,
    async listShards() {
      const shards: ShardInfo[] = [];
      let exclusiveStartShardId: string | undefined;
      do {
        const { StreamDescription } = await streams.send(
          new DescribeStreamCommand({ StreamArn: await arn(), ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}) }),
        );
        for (const shard of StreamDescription?.Shards ?? []) {
          shards.push({ shardId: shard.ShardId!, ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}) });
        }
        exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId);
      return shards;
    },
    async iterator(shardId, position) {
      const { ShardIterator } = await streams.send(
        new GetStreamShardIteratorCommand({
          StreamArn: await arn(),
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...("sequenceNumber" in position ? { SequenceNumber: position.sequenceNumber } : {}),
        }),
      );
      if (!ShardIterator) throw new Error(`No iterator for ${tableName}'s stream shard ${shardId}`);
      return ShardIterator;
    },
    async read(iterator, limit) {
      const response = await streams.send(new GetStreamRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, maxDynamoRecordsPerRead) }));
      const source = await arn();
      return {
        records: (response.Records ?? []).map((record) => dynamoRecord(record, source)),
        ...(response.NextShardIterator ? { nextIterator: response.NextShardIterator } : {}),
      };
    },
  };
}

function dynamoRecord(record: DynamoStreamRecord, streamArn: string): SourceRecord<DynamoDBRecord> {
  const change = record.dynamodb ?? {};
  const arrival = change.ApproximateCreationDateTime ?? new Date();
  const image = (value: Record<string, AttributeValue> | undefined) => (value ? { ...attributeMapJson(value) } : undefined);
  const keys = image(change.Keys);
  const newImage = image(change.NewImage);
  const oldImage = image(change.OldImage);
  return {
    sequenceNumber: change.SequenceNumber!,
    arrival,
    eventRecord: {
      eventID: record.eventID!,
      eventName: record.eventName as DynamoDBRecord["eventName"],
      eventVersion: record.eventVersion ?? "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: record.awsRegion!,
      eventSourceARN: streamArn,
      ...(record.userIdentity ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
      dynamodb: {
        // The Lambda event carries epoch seconds where the SDK gives a Date.
        ApproximateCreationDateTime: Math.floor(arrival.getTime() / 1_000),
        ...(keys ? { Keys: keys } : {}),
        ...(newImage ? { NewImage: newImage } : {}),
        ...(oldImage ? { OldImage: oldImage } : {}),
        SequenceNumber: change.SequenceNumber!,
        SizeBytes: change.SizeBytes ?? 0,
        StreamViewType: change.StreamViewType as NonNullable<DynamoDBRecord["dynamodb"]>["StreamViewType"],
      },
    },
  };
}

type EventAttributeValue = NonNullable<NonNullable<DynamoDBRecord["dynamodb"]>["NewImage"]>[string];

/** An attribute map as it appears in the Lambda event's JSON: binary values base64-encoded, as JSON has no bytes. */
function attributeMapJson(map: Record<string, AttributeValue>): Record<string, EventAttributeValue> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, attributeJson(value)]));
}

function attributeJson(value: AttributeValue): EventAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((item) => Buffer.from(item).toString("base64")) };
  if (value.M !== undefined) return { M: attributeMapJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeJson) };
  return value as EventAttributeValue;
}
