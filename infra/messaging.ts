/**
 * Queues (each with its dead-letter queue), the payment-results topic with its queue subscribers and the Kinesis
 * streams, all named and configured from the catalog the local platform uses.
 */
import {
  deadLetterRetentionSeconds,
  queues,
  streams,
  topics,
  type QueueKey,
  type QueueSpec,
  type StreamSpec,
  type TopicSpec,
} from "@cloudcafe/catalog";
import { physicalName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";

function queue(spec: QueueSpec, key: PlatformKey) {
  const encryption = { kmsMasterKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 300 };
  const deadLetter = spec.deadLetter
    ? new sst.aws.Queue(`${spec.resource}DeadLetter`, {
        fifo: spec.fifo,
        transform: {
          queue: (args) => {
            args.name = physicalName(spec.deadLetter!.queueName);
            args.messageRetentionSeconds = deadLetterRetentionSeconds;
            Object.assign(args, encryption);
          },
        },
      })
    : undefined;
  return new sst.aws.Queue(spec.resource, {
    fifo: spec.fifo ? { contentBasedDeduplication: spec.contentBasedDeduplication ?? false } : false,
    visibilityTimeout: `${spec.visibilityTimeoutSeconds} seconds`,
    dlq: deadLetter ? { queue: deadLetter.arn, retry: spec.deadLetter!.maxReceiveCount } : undefined,
    transform: {
      queue: (args) => {
        args.name = physicalName(spec.name);
        args.receiveWaitTimeSeconds = spec.receiveWaitSeconds;
        args.messageRetentionSeconds = spec.retentionSeconds;
        Object.assign(args, encryption);
      },
    },
  });
}

function topic(spec: TopicSpec, subscribers: Record<QueueKey, sst.aws.Queue>, key: PlatformKey) {
  const snsTopic = new sst.aws.SnsTopic(spec.resource, {
    transform: {
      topic: (args) => {
        args.name = physicalName(spec.name);
        args.kmsMasterKeyId = key.arn;
      },
    },
  });
  for (const subscriber of spec.subscribers) {
    snsTopic.subscribeQueue(`${spec.resource}To${queues[subscriber.queue].resource}`, subscribers[subscriber.queue].arn, {
      ...(subscriber.filterPolicy ? { filter: subscriber.filterPolicy } : {}),
      transform: { subscription: (args) => void (args.rawMessageDelivery = true) },
    });
  }
  return snsTopic;
}

function stream(spec: StreamSpec, key: PlatformKey) {
  return new sst.aws.KinesisStream(spec.resource, {
    transform: {
      stream: (args) => {
        args.name = physicalName(spec.name);
        args.shardCount = spec.shards;
        args.streamModeDetails = { streamMode: "PROVISIONED" };
        args.retentionPeriod = spec.retentionHours;
        args.encryptionType = "KMS";
        args.kmsKeyId = key.arn;
      },
    },
  });
}

export function messaging(key: PlatformKey) {
  const queueByKey = Object.fromEntries(
    Object.entries(queues).map(([queueKey, spec]) => [queueKey, queue(spec, key)]),
  ) as Record<QueueKey, sst.aws.Queue>;
  return {
    queues: queueByKey,
    paymentResultsTopic: topic(topics.paymentResults, queueByKey, key),
    orderEvents: stream(streams.orderEvents, key),
    analyticsEvents: stream(streams.analyticsEvents, key),
  };
}

export type Messaging = ReturnType<typeof messaging>;
