import type { LocalConfig } from "../config.ts";
import { documentDbEngine } from "./documentdb.ts";
import { startDynamoDb } from "./dynamodb.ts";
import { type Engine, type EngineStartOptions, ensureNodeServerEngines } from "./engine.ts";
import { kinesisEngine } from "./kinesis.ts";
import { startMemoryDb } from "./memorydb.ts";
import { startPostgres } from "./postgres.ts";
import { startRedis } from "./redis.ts";
import { redshiftDataEngine } from "./redshift-data.ts";
import { sqsSnsEngine } from "./sqs-sns.ts";

export type { Engine } from "./engine.ts";

export interface LocalEngines {
  readonly postgres: Engine;
  readonly redis: Engine;
  /** MemoryDB's stand-in: a redis-server of its own. */
  readonly memoryDb: Engine;
  readonly dynamodb: Engine;
  readonly sqsSns: Engine;
  readonly kinesis: Engine;
  /** The Redshift Data API stand-in, over `postgres`. */
  readonly redshiftData: Engine;
  /** The DocumentDB stand-in (MongoDB wire protocol) over `postgres`, or the server at MONGODB_URL. */
  readonly documentDb: Engine;
  readonly all: readonly Engine[];
  /** Stops the engines this process started (reused ones and daemons keep running). */
  stop(): Promise<void>;
}

export interface StartEnginesOptions {
  readonly config: LocalConfig;
  /** Leave engines started here running for later runs (the test setup); `npm start` stops its own. */
  readonly daemon?: boolean;
}

export async function startEngines({ config, daemon = false }: StartEnginesOptions): Promise<LocalEngines> {
  const options = { config, daemon };
  // One after the other: each may need apt-get, and only one apt-get can hold the dpkg lock.
  const postgres = await startPostgres(options);
  const redis = await startRedis(options);
  const memoryDb = await startMemoryDb(options);
  const settled = await Promise.allSettled([startDynamoDb(options), startNodeEngines(options, postgres)]);
  const started = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value].flat() : []));
  const failure = settled.find((result) => result.status === "rejected");
  if (failure) {
    await Promise.all(started.map((engine) => engine.stop()));
    throw failure.reason;
  }
  const [dynamodb, sqsSns, kinesis, redshiftData, documentDb] = started as [Engine, Engine, Engine, Engine, Engine];
  const all = [postgres, redis, memoryDb, dynamodb, sqsSns, kinesis, redshiftData, documentDb];
  return {
    postgres,
    redis,
    memoryDb,
    dynamodb,
    sqsSns,
    kinesis,
    redshiftData,
    documentDb,
    all,
    stop: async () => {
      await Promise.all(all.map((engine) => engine.stop()));
    },
  };
}

/**
 * fauxqs, kinesalite and the Redshift Data API and DocumentDB stand-ins: those not already answering start together
 * in one Node process (servers/node-engines.ts). A DocumentDB given by MONGODB_URL is used as it is.
 */
async function startNodeEngines(options: EngineStartOptions, postgres: Engine): Promise<[Engine, Engine, Engine, Engine]> {
  const [redshiftData, documentDb] = await Promise.all([redshiftDataEngine(options, postgres), documentDbEngine(options, postgres)]);
  const specs = [sqsSnsEngine(options), kinesisEngine(options), redshiftData, ...("launch" in documentDb ? [documentDb] : [])];
  const [sqsSnsStarted, kinesisStarted, redshiftDataStarted, documentDbStarted] = await ensureNodeServerEngines(specs, options);
  return [sqsSnsStarted!, kinesisStarted!, redshiftDataStarted!, "launch" in documentDb ? documentDbStarted! : documentDb];
}
