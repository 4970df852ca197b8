import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { localRegion, dynamoClientFor, dynamoStreamsClientFor, kinesisClientFor, sqsClientFor } from "../aws-clients.ts";
import type { LocalEndpoints, LocalResources } from "../resources.ts";
import { streamEventSourceMappings, type StreamEventSourceMappingSpec } from "@cloudcafe/catalog";
import type { Logger } from "@cloudcafe/observability";
import type { CheckpointStore } from "./stream-checkpoints.ts";
import { startStreamPoller, type StreamEventHandler, type StreamPoller, type StreamPollerOptions } from "./stream-poller.ts";
import { dynamoStreamSource, kinesisStreamSource, type StreamSource } from "./stream-sources.ts";

export type StreamMappingKey = keyof typeof streamEventSourceMappings;

/**
 * How far `npm start`'s stream pollers slow down on a quiet platform (`maxIdlePollMs`): reads and shard discovery at
 * most every 20 s once nothing came for 80 s, and back at their interval on the next request the gateway routes (the
 * way nearly all work arrives); a record written without one (a reservation the sweeper expires) waits at most that.
 */
export const LOCAL_MAX_IDLE_POLL_MS = 20_000;

/**
 * How `npm start` runs the analytics worker on a quiet platform, in its own environment variables (a value already in
 * `env` wins):
 * - its slowest read of a quiet stream: 8 s, not its default 2 s (nothing wakes it: it is a process of its own, as on
 *   EC2; its configuration allows at most 10 s);
 * - its leases: 60 s, renewed every 20 s, not KCL's 10 s failover renewed every 3.3 s. Locally one worker runs, and it
 *   takes its own leases back at once when it restarts (its id is the host name); deployed keeps 10 s;
 * - its shard discovery (ListShards and a Scan of the lease table): every 30 s, not 10 s (KCL's shard sync runs every
 *   60 s); a quiet worker's tick sleeps until the next renewal or discovery, so these two set how often it wakes.
 */
export function localAnalyticsWorkerSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    ANALYTICS_MAX_IDLE_POLL_INTERVAL_MS: env.ANALYTICS_MAX_IDLE_POLL_INTERVAL_MS ?? "8000",
    ANALYTICS_LEASE_DURATION_MS: env.ANALYTICS_LEASE_DURATION_MS ?? "60000",
    ANALYTICS_DISCOVERY_INTERVAL_MS: env.ANALYTICS_DISCOVERY_INTERVAL_MS ?? "30000",
  };
}

/** The catalog's stream mappings, as `npm start` runs them. */
export const localStreamEventSourceMappings: readonly StreamEventSourceMappingSpec[] = Object.values<StreamEventSourceMappingSpec>(streamEventSourceMappings);

export interface CatalogStreamPollerOptions {
  readonly spec: StreamEventSourceMappingSpec;
  readonly handler: StreamEventHandler;
  readonly endpoints: Pick<LocalEndpoints, "dynamodb" | "kinesis" | "sqs">;
  readonly resources: Pick<LocalResources, "tables" | "streams" | "queues">;
  readonly checkpoints?: CheckpointStore;
  readonly logger?: Logger;
  /** Test settings (a shorter idle poll or retry backoff); the mapping's own parameters come from the catalog. */
  readonly overrides?: Partial<Pick<StreamPollerOptions, "idlePollMs" | "retryBackoffMs" | "shardDiscoveryMs" | "startingPosition" | "maxIdlePollMs">>;
}

/** The stream a catalog mapping reads, on the local engines. */
export function localStreamSource(spec: StreamEventSourceMappingSpec, options: Pick<CatalogStreamPollerOptions, "endpoints" | "resources">): StreamSource {
  const { endpoints, resources } = options;
  return spec.source.kind === "kinesis"
    ? kinesisStreamSource(kinesisClientFor(endpoints.kinesis), resources.streams[spec.source.stream], localRegion)
    : dynamoStreamSource(dynamoClientFor(endpoints.dynamodb), dynamoStreamsClientFor(endpoints.dynamodb), resources.tables[spec.source.table]);
}

/**
 * A catalog stream mapping polled locally with the deployed mapping's parameters; a batch given up on is described on
 * the mapping's on-failure queue, as Lambda's on-failure destination does.
 */
export function startCatalogStreamPoller(options: CatalogStreamPollerOptions): StreamPoller {
  const { spec, resources } = options;
  const sqs = sqsClientFor(options.endpoints.sqs);
  const onFailureUrl = resources.queues[spec.onFailureQueue].url;
  return startStreamPoller({
    source: localStreamSource(spec, options),
    functionName: spec.name,
    handler: options.handler,
    batchSize: spec.batchSize,
    maximumBatchingWindowSeconds: spec.maximumBatchingWindowSeconds,
    startingPosition: spec.startingPosition,
    bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError,
    maximumRetryAttempts: spec.maximumRetryAttempts,
    maximumRecordAgeSeconds: spec.maximumRecordAgeSeconds,
    parallelizationFactor: spec.parallelizationFactor,
    reportBatchItemFailures: spec.reportBatchItemFailures,
    functionTimeoutSeconds: spec.timeoutSeconds,
    memoryLimitMb: spec.memoryMb,
    idlePollMs: spec.local.idlePollMs,
    onFailure: async (failure) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: onFailureUrl, MessageBody: JSON.stringify(failure) }));
    },
    region: localRegion,
    ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.overrides,
  });
}
