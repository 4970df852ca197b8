/** @cloudcafe/local: the CloudCafe platform on one machine, on real engines speaking the AWS wire protocols. */
export { readLocalConfig, type LocalConfig } from "./config.ts";
export { startEngines, type Engine, type LocalEngines } from "./engines/index.ts";
export { createResources, deleteResources, localName, type LocalEndpoints, type LocalEnvironment, type LocalResources } from "./resources.ts";
export { startPlatform, endpointsOf, type LocalPlatform } from "./platform.ts";
export { migrateLocalDatabase } from "./migrations.ts";
export { InvalidParameterValueException, startSqsPoller, type SqsEventHandler, type SqsPoller, type SqsPollerOptions } from "./event-source/sqs-poller.ts";
export { sqsEvent, sqsRecord } from "./event-source/sqs-event.ts";
export { lambdaContext } from "./event-source/lambda-context.ts";
export { localEventSourceMappings, type EventSourceMapping } from "./event-source/mappings.ts";
export { albRules, createGateway, createGatewayApp, startGateway, type GatewayControl, type GatewayRule, type RuleStatus, type RunningGateway } from "./gateway.ts";
export { LOCAL_HEALTH_CHECK, type Blackhole, type HealthCheckSettings, type TargetHealth, type TargetStatus } from "./gateway-targets.ts";
export { createSupervisor, LOCAL_RESTART, type KillOptions, type RestartRecord, type ReplicaStatus, type Supervisor, type SupervisedService } from "./process/supervisor.ts";
export { startStreamPoller, type StreamBatchFailure, type StreamEventHandler, type StreamPoller, type StreamPollerOptions } from "./event-source/stream-poller.ts";
export { dynamoStreamSource, kinesisStreamSource, type StreamSource } from "./event-source/stream-sources.ts";
export { fileCheckpoints, memoryCheckpoints, type CheckpointStore } from "./event-source/stream-checkpoints.ts";
export { localStreamEventSourceMappings, localStreamSource, startCatalogStreamPoller, type CatalogStreamPollerOptions } from "./event-source/stream-mappings.ts";
