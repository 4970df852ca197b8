import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ShardPosition } from "@cloudcafe/core";

/**
 * The KCL-style lease table of a stream consumer: one item per shard saying which worker owns it until when, and where
 * it has checkpointed (sequence number, the window watermark there, and through when the windows that closed are
 * written final). Every write by an owner is conditional on still owning the lease, so a worker that lost its lease
 * (expired, taken over) can neither renew nor checkpoint.
 */

export interface ShardLease {
  shardId: string;
  parentShardIds: string[];
  owner?: string;
  expiresAtMs: number;
  /** Bumped by every take: a take is conditional on the counter seen, so two workers cannot both win. */
  counter: number;
  checkpoint: ShardPosition;
  /** The shard has ended and everything in it is written (SHARD_END): its children may start. */
  finished: boolean;
}

export class LeaseLostError extends Error {
  constructor(shardId: string, owner: string) {
    super(`Lease of shard ${shardId} is no longer held by ${owner}`);
    this.name = "LeaseLostError";
  }
}

export interface ShardLeases {
  all(): Promise<ShardLease[]>;
  /** Creates the lease of a newly discovered shard (no-op when it exists). */
  ensure(shardId: string, parentShardIds: readonly string[], start: ShardPosition): Promise<void>;
  /** Takes a free, expired or own lease; false when another worker got it first. */
  take(lease: ShardLease, owner: string, durationMs: number): Promise<boolean>;
  renew(shardId: string, owner: string, durationMs: number): Promise<void>;
  checkpoint(shardId: string, owner: string, position: ShardPosition, finished?: boolean): Promise<void>;
  /** Gives the lease up at once (graceful shutdown), so another worker need not wait for it to expire. */
  release(shardId: string, owner: string): Promise<void>;
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === "ConditionalCheckFailedException";

export function dynamoShardLeases(client: DynamoDBDocumentClient, tableName: string, clock: () => number = Date.now): ShardLeases {
  const owned = async (shardId: string, owner: string, update: string, values: Record<string, unknown>, names: Record<string, string> = {}) => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { leaseKey: shardId },
          UpdateExpression: update,
          ConditionExpression: "leaseOwner = :owner",
          ExpressionAttributeValues: { ":owner": owner, ...values },
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(shardId, owner);
      throw error;
    }
  };

  return {
    async all() {
      const leases: ShardLease[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
        for (const item of page.Items ?? []) leases.push(leaseOf(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return leases;
    },

    async ensure(shardId, parentShardIds, start) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              leaseKey: shardId,
              parentShardIds: [...parentShardIds],
              expiresAtMs: 0,
              counter: 0,
              checkpointWatermarkMs: start.watermarkMs,
              checkpointClosedThroughMs: start.closedThroughMs ?? 0,
              finished: false,
              ...(start.afterSequenceNumber ? { checkpoint: start.afterSequenceNumber } : {}),
            },
            ConditionExpression: "attribute_not_exists(leaseKey)",
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async take(lease, owner, durationMs) {
      const now = clock();
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { leaseKey: lease.shardId },
            UpdateExpression: "SET leaseOwner = :owner, expiresAtMs = :expires, #counter = :next",
            ConditionExpression: "#counter = :seen AND (attribute_not_exists(leaseOwner) OR leaseOwner = :owner OR expiresAtMs < :now)",
            ExpressionAttributeNames: { "#counter": "counter" },
            ExpressionAttributeValues: { ":owner": owner, ":expires": now + durationMs, ":next": lease.counter + 1, ":seen": lease.counter, ":now": now },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    renew: (shardId, owner, durationMs) => owned(shardId, owner, "SET expiresAtMs = :expires", { ":expires": clock() + durationMs }),

    checkpoint: (shardId, owner, position, finished = false) =>
      owned(
        shardId,
        owner,
        position.afterSequenceNumber
          ? "SET #checkpoint = :sequence, checkpointWatermarkMs = :watermark, checkpointClosedThroughMs = :closedThrough, finished = :finished"
          : "SET checkpointWatermarkMs = :watermark, checkpointClosedThroughMs = :closedThrough, finished = :finished",
        {
          ":watermark": position.watermarkMs,
          ":closedThrough": position.closedThroughMs ?? 0,
          ":finished": finished,
          ...(position.afterSequenceNumber ? { ":sequence": position.afterSequenceNumber } : {}),
        },
        position.afterSequenceNumber ? { "#checkpoint": "checkpoint" } : {},
      ),

    release: (shardId, owner) => owned(shardId, owner, "REMOVE leaseOwner SET expiresAtMs = :zero", { ":zero": 0 }),
  };
}

function leaseOf(item: Record<string, unknown>): ShardLease {
  const checkpoint = typeof item.checkpoint === "string" ? item.checkpoint : undefined;
  return {
    shardId: String(item.leaseKey),
    parentShardIds: Array.isArray(item.parentShardIds) ? item.parentShardIds.map(String) : [],
    ...(typeof item.leaseOwner === "string" ? { owner: item.leaseOwner } : {}),
    expiresAtMs: Number(item.expiresAtMs ?? 0),
    counter: Number(item.counter ?? 0),
    checkpoint: {
      ...(checkpoint ? { afterSequenceNumber: checkpoint } : {}),
      watermarkMs: Number(item.checkpointWatermarkMs ?? 0),
      closedThroughMs: Number(item.checkpointClosedThroughMs ?? 0),
    },
    finished: item.finished === true,
  };
}
