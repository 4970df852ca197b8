import type { LocalConfig } from "./config.ts";
import { startEngines, type LocalEngines } from "./engines/index.ts";
import { migrateLocalDatabase } from "./migrations.ts";
import { createResources, type LocalEndpoints, type LocalResources } from "./resources.ts";

export interface LocalPlatform {
  readonly engines: LocalEngines;
  readonly endpoints: LocalEndpoints;
  readonly resources: LocalResources;
}

export interface StartPlatformOptions {
  readonly config: LocalConfig;
  readonly daemon?: boolean;
  readonly nameSuffix?: string;
  /** A database of the PostgreSQL server to use instead of the catalog's (a test run's own). */
  readonly databaseUrl?: (serverUrl: string) => Promise<string>;
}

export function endpointsOf(engines: LocalEngines): LocalEndpoints {
  return {
    dynamodb: engines.dynamodb.url,
    sqs: engines.sqsSns.url,
    sns: engines.sqsSns.url,
    kinesis: engines.kinesis.url,
    redshiftData: engines.redshiftData.url,
    documentDb: engines.documentDb.url,
    databaseUrl: engines.postgres.url,
    redisUrl: engines.redis.url,
    memoryDbUrl: engines.memoryDb.url,
  };
}

/** Engines up, every catalog resource created, database migrated: what both `npm start` and the tests need. */
export async function startPlatform(options: StartPlatformOptions): Promise<LocalPlatform> {
  const engines = await startEngines({ config: options.config, daemon: options.daemon ?? false });
  try {
    const shared = endpointsOf(engines);
    const endpoints = options.databaseUrl ? { ...shared, databaseUrl: await options.databaseUrl(shared.databaseUrl) } : shared;
    const resources = await createResources(endpoints, {
      ...(options.nameSuffix ? { nameSuffix: options.nameSuffix } : {}),
      ...(process.env.CLOUDCAFE_OPERATOR_TOKEN ? { operatorTokenValue: process.env.CLOUDCAFE_OPERATOR_TOKEN } : {}),
    });
    await migrateLocalDatabase(endpoints.databaseUrl);
    return { engines, endpoints, resources };
  } catch (error) {
    await engines.stop();
    throw error;
  }
}
