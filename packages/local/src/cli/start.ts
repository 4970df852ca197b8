/**
 * `npm start`: the whole platform on this machine. Engines, catalog resources and migrations first, then every
 * service of the catalog that has a server entry (its copies, a child process each) and the long-running workers, all
 * supervised as their orchestrators run them deployed, the Lambda queue consumers (in-process pollers) and the
 * ALB-style gateway routing to the healthy copies.
 * Ctrl-C or SIGTERM stops everything this command started; engines it found already running keep running.
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { analyticsWarehouse, faultIds, LOCAL_PERIOD_SECONDS, localAlarmDimensions, operatorToken, orchestrators, type ServiceKey, services } from "@cloudcafe/catalog";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { sqsClientFor } from "../aws-clients.ts";
import { type LocalConfig, readLocalConfig } from "../config.ts";
import { localEventSourceMappings } from "../event-source/mappings.ts";
import { startSqsPoller, type SqsEventHandler } from "../event-source/sqs-poller.ts";
import { fileCheckpoints } from "../event-source/stream-checkpoints.ts";
import { localMenuSettings } from "../process/local-menu-settings.ts";
import { LOCAL_MAX_IDLE_POLL_MS, localAnalyticsWorkerSettings, localStreamEventSourceMappings, startCatalogStreamPoller } from "../event-source/stream-mappings.ts";
import type { StreamEventHandler } from "../event-source/stream-poller.ts";
import { API_REFERENCE_PATH } from "../api-reference.ts";
import { DOCUMENTDB_STORAGE_DATABASE } from "../engines/documentdb.ts";
import { type AutovacuumStandIn, startAutovacuumStandIn } from "../engines/postgres-autovacuum.ts";
import { withDatabase } from "../engines/postgres.ts";
import { Hono } from "hono";
import { functionThrottled } from "../chaos/function-throttling.ts";
import { type LocalChaos, startLocalChaos } from "../chaos/local-control-plane.ts";
import { albRules, startGateway, type RunningGateway } from "../gateway.ts";
import { repoRoot } from "../paths.ts";
import { startPlatform, type LocalPlatform } from "../platform.ts";
import { whenAncestorExits } from "../process/ancestors.ts";
import { stopOwnedChildren } from "../process/children.ts";
import { compileNodeEntries, hostBuildModule, platformEntries } from "../process/compiled-entries.ts";
import { platformServices, platformWorkers } from "../process/platform-processes.ts";
import { createSupervisor, type Supervisor, type SupervisorEvent } from "../process/supervisor.ts";
import { type LocalObservability, startLocalObservability } from "../observability/local-observability.ts";

const say = (line: string) => console.log(`[local] ${line}`);

interface Running {
  platform?: LocalPlatform;
  /** Every service copy and worker process; `kill()` is the compute faults' handle. */
  supervisor?: Supervisor;
  pollers: { stop(): Promise<void>; wake?(): void }[];
  gateway?: RunningGateway;
  observability?: LocalObservability;
  chaos?: LocalChaos;
  autovacuum?: AutovacuumStandIn;
}
const running: Running = { pollers: [] };

/** A function's `handler` export, or undefined when its module does not exist yet (its source is then not consumed). */
async function loadHandler<Handler>(functionName: string, handlerModule: string): Promise<Handler | undefined> {
  const path = join(repoRoot, handlerModule);
  if (!existsSync(path)) {
    say(`${functionName}: ${handlerModule} does not exist yet; its event source is not consumed`);
    return undefined;
  }
  // Compiled with the host by `npm start`'s launcher (one instance of every shared module), otherwise through tsx.
  const module = (await import(hostBuildModule(handlerModule) ?? pathToFileURL(path).href)) as { handler?: unknown };
  if (typeof module.handler !== "function") throw new Error(`${handlerModule} does not export a handler function`);
  return module.handler as Handler;
}

async function startPollers(platform: LocalPlatform, chaos: LocalChaos): Promise<string[]> {
  const sqs = sqsClientFor(platform.endpoints.sqs);
  const logger = createLogger({ service: "local-event-source" });
  // Lambda's own metric for an invocation refused for lack of concurrency (the lambda-throttling fault's signal).
  const lambdaMetrics = createMetrics({ namespace: "AWS/Lambda", service: "local-event-source" });
  const started: string[] = [];
  for (const mapping of localEventSourceMappings) {
    const handler = await loadHandler<SqsEventHandler>(mapping.functionName, mapping.handlerModule).catch((error: unknown) => {
      logger.error("handler failed to initialise; its queue is not consumed", { functionName: mapping.functionName, error });
      return undefined;
    });
    if (!handler) continue;
    running.pollers.push(
      startSqsPoller({
        sqs,
        queueUrl: platform.resources.queues[mapping.queue].url,
        handler,
        functionName: mapping.functionName,
        batchSize: mapping.batchSize,
        maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        functionTimeoutSeconds: mapping.functionTimeoutSeconds,
        memoryLimitMb: mapping.memoryLimitMb,
        concurrency: mapping.concurrency,
        logger,
        throttled: () => functionThrottled(chaos.controlPlane.faultSource, mapping.functionName),
        onThrottled: () => lambdaMetrics.put("Throttles", 1, "Count", { FunctionName: mapping.functionName }),
      }),
    );
    started.push(`${mapping.functionName} <- ${platform.resources.queues[mapping.queue].name}`);
  }
  return started;
}

/**
 * The stream consumers (Kinesis and DynamoDB Streams mappings), each checkpointing in the state directory so a
 * restart against engines still running resumes where it stopped.
 */
async function startStreamPollers(platform: LocalPlatform, config: LocalConfig): Promise<string[]> {
  const logger = createLogger({ service: "local-event-source" });
  const checkpointFile = join(config.stateDir, "stream-checkpoints.json");
  // Engines this command started are new and in memory: a Kinesis stream created again under its old name keeps its
  // ARN, so saved positions would name records it never had and every read would fail. Start afresh instead.
  if (!platform.engines.kinesis.reused || !platform.engines.dynamodb.reused) rmSync(checkpointFile, { force: true });
  const checkpoints = fileCheckpoints(checkpointFile);
  const started: string[] = [];
  for (const spec of localStreamEventSourceMappings) {
    const handler = await loadHandler<StreamEventHandler>(spec.name, spec.handlerModule).catch((error: unknown) => {
      logger.error("handler failed to initialise; its stream is not consumed", { functionName: spec.name, error });
      return undefined;
    });
    if (!handler) continue;
    running.pollers.push(startCatalogStreamPoller({ spec, handler, endpoints: platform.endpoints, resources: platform.resources, checkpoints, logger, overrides: { maxIdlePollMs: LOCAL_MAX_IDLE_POLL_MS } }));
    const source = spec.source.kind === "kinesis" ? `${platform.resources.streams[spec.source.stream]} (Kinesis)` : `${platform.resources.tables[spec.source.table]} (DynamoDB stream)`;
    started.push(`${spec.name} <- ${source}`);
  }
  return started;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s`;

/** A restart as the terminal tells it: the local one, and what the deployed orchestrator would take. */
function describeRestart(event: SupervisorEvent): string {
  const { record } = event;
  const copy = `${record.service}#${record.index + 1}`;
  const deployed = `deployed: ${record.expected.minSeconds}-${record.expected.maxSeconds} s, ${record.expected.mechanism}`;
  if (event.type === "exited") {
    return `${copy} (pid ${record.pid}) ${record.cause === "killed" ? "killed" : "exited"} (${record.exit}); restarting in ${seconds(record.restartDelayMs)} (${deployed})`;
  }
  return `${copy} ready again (pid ${record.newPid}) ${seconds((record.recoverySeconds ?? 0) * 1000)} after it died (${deployed})`;
}

/**
 * The console's built files, building them first (offline, a few seconds) when web/dist is missing. The build runs
 * beside the event loop, not blocking it: the metrics sink and the pollers keep working meanwhile.
 */
async function builtConsole(): Promise<string | undefined> {
  const dist = join(repoRoot, "web", "dist");
  if (!existsSync(join(dist, "index.html"))) {
    say("building the web console (npm run build -w web) ...");
    const status = await new Promise<number | null>((resolve) => {
      const build = spawn("npm", ["run", "build", "-w", "web"], { cwd: repoRoot, stdio: "ignore" });
      build.once("exit", resolve);
      build.once("error", () => resolve(null));
    });
    if (status !== 0) {
      say("web console build failed; run `npm run build -w web` to see why. The API works without it.");
      return undefined;
    }
  }
  return dist;
}

/** The supervisor's view under the gateway's `/api/ops`: every copy's state, and the restarts with their recovery times. */
function processRoutes(supervisor: Supervisor): Hono {
  return new Hono().get("/processes", (c) => c.json({ replicas: supervisor.replicas(), restarts: supervisor.restarts() }));
}

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ")}`);
}

async function main(): Promise<void> {
  const config = readLocalConfig();
  say("compiling the services, workers and engine stand-ins ...");
  await compileNodeEntries(platformEntries(), join(config.stateDir, "build"));
  say("starting engines ...");
  const platform = await startPlatform({ config });
  running.platform = platform;
  // Aurora vacuums by itself; a machine's PostgreSQL with autovacuum off gets the same policy from here.
  const vacuumLogger = createLogger({ service: "local-autovacuum" });
  running.autovacuum = await startAutovacuumStandIn({
    databaseUrls: [
      platform.endpoints.databaseUrl,
      ...[analyticsWarehouse.database, ...(config.mongodbUrl ? [] : [DOCUMENTDB_STORAGE_DATABASE])].map((name) => withDatabase(platform.engines.postgres.url, name)),
    ],
    onVacuumed: (database, tables) => vacuumLogger.info("vacuumed tables past autovacuum's threshold", { database, tables }),
    onError: (error) => vacuumLogger.warn("vacuum pass failed", { error }),
  });
  if (running.autovacuum.active) say("PostgreSQL's autovacuum is off on this server: the platform vacuums its databases itself (as Aurora's autovacuum would)");
  const operatorTokenValue = (JSON.parse(platform.resources.env[`SST_RESOURCE_${operatorToken.resource}`] ?? "{}") as { value?: string }).value;
  const observability = await startLocalObservability({
    opsPort: config.ports.ops,
    databaseUrl: platform.endpoints.databaseUrl,
    redisUrl: platform.endpoints.redisUrl,
    sqsUrl: platform.endpoints.sqs,
    // The payment queue's age: what the lambda-throttling fault's alarm (paymentQueueAge) watches.
    watchedQueues: [{ name: platform.resources.queues.paymentProcessing.name, dimension: localAlarmDimensions.paymentQueue }],
  });
  running.observability = observability;
  // A fault's stop alarm is evaluated by the local sink, as FIS's stop conditions by CloudWatch.
  const alarmFiring = async (alarm: string) => observability.sink.alarms().some((status) => status.key === alarm && status.state === "ALARM");
  const chaos = await startLocalChaos({ platform, config, operatorToken: operatorTokenValue, alarmFiring });
  running.chaos = chaos;
  if (chaos.recovered.length > 0) say(`undid faults a previous run left in force: ${chaos.recovered.join(", ")}`);
  // The services (and the order handlers the pollers run here) reach each other through the gateway, as they do
  // through the edge when deployed; every process reads its application faults from the chaos control plane.
  const env = {
    ...platform.resources.env,
    ...chaos.env,
    MENU_SERVICE_URL: `http://${config.host}:${config.ports.gateway}`,
    // Reservations are not public (no gateway route): the order flow calls the Inventory service directly, as over Lattice.
    INVENTORY_SERVICE_URL: `http://${config.host}:${config.ports.services.inventory}`,
    ...localAnalyticsWorkerSettings(),
    ...localMenuSettings(),
  };
  // Handlers read SST links and endpoints when first used, so the environment must be in place before they load.
  Object.assign(process.env, env);

  const supervisor = createSupervisor();
  running.supervisor = supervisor;
  supervisor.subscribe((event) => say(describeRestart(event)));
  // Their EMF goes to the metrics sink and their logs to the terminal's formatting, as the in-process writers' do.
  const supervised = [...platformServices(env, config, observability.linesOf), ...platformWorkers(env, observability.linesOf)];
  for (const service of supervised) supervisor.add(service);
  // Running and desired copies per service for the ECS alarm: all at start, one fewer per exit until it recovers.
  const taskCounts = new Map(supervised.map(({ service, replicas }) => [service, { running: replicas.length, desired: replicas.length }]));
  for (const [service, counts] of taskCounts) observability.sink.recordRunning(service, counts.running, counts.desired);
  supervisor.subscribe((event) => {
    const counts = taskCounts.get(event.record.service);
    if (!counts) return;
    counts.running = Math.max(0, Math.min(counts.desired, counts.running + (event.type === "exited" ? -1 : 1)));
    observability.sink.recordRunning(event.record.service, counts.running, counts.desired);
  });
  const consumers = [...(await startPollers(platform, chaos)), ...(await startStreamPollers(platform, config))];
  const webRoot = await builtConsole();
  const targets = Object.fromEntries(supervised.map(({ service, replicas }) => [service, replicas.flatMap((replica) => (replica.url ? [replica.url] : []))]));
  const albRoutes = albRules(targets);
  const rules = [...albRoutes, { service: "chaos", pathPatterns: chaos.pathPatterns, targets: [chaos.server.url] }, observability.rule];
  running.gateway = await startGateway({
    port: config.ports.gateway,
    rules,
    observe: observability.gatewayObserver(albRoutes),
    opsRoutes: processRoutes(supervisor),
    // A request to a service is work on its way to the streams: the pollers that slowed down on a quiet platform read again.
    onRouted: (service) => {
      if (albRoutes.some((rule) => rule.service === service)) for (const poller of running.pollers) poller.wake?.();
    },
    ...(webRoot ? { webRoot } : {}),
  });
  const gatewayControl = running.gateway.control;
  // A copy that stops leaves its target group at once (the idle health checks come only every 15 s).
  supervisor.subscribe((event) => {
    if (event.type !== "exited") return;
    const url = supervisor.replicas().find((replica) => replica.service === event.record.service && replica.index === event.record.index)?.url;
    if (url) gatewayControl.targetStopped(url, `the copy stopped (${event.record.exit})`);
  });
  // The services' target groups (not the control plane's or the ops API's, which have no load balancer when deployed).
  observability.watchTargetHealth(() => gatewayControl.rules().filter((rule) => rule.service in services));
  // The compute and network faults act on the supervisor's copies and the gateway's rules and targets.
  chaos.plugControls({ processes: supervisor, routes: running.gateway.control });
  const notReady = await supervisor.whenReady(undefined, 90_000).then(
    () => undefined,
    (error: Error) => error.message,
  );

  console.log("\nCloudCafe local platform\n");
  const rows: string[][] = [["component", "address", "status"]];
  for (const engine of platform.engines.all) {
    const healthy = await engine.health().catch(() => false);
    rows.push([engine.name, engine.url, `${healthy ? "healthy" : "DOWN"}${engine.reused ? " (already running, reused)" : ""}`]);
  }
  for (const replica of supervisor.replicas()) {
    const copies = supervisor.replicas(replica.service).length;
    const name = replica.url ? `${replica.service} service${copies > 1 ? ` ${replica.index + 1}/${copies}` : ""}` : replica.service;
    rows.push([name, replica.url ?? "(no HTTP)", `${replica.state}${replica.pid ? ` (pid ${replica.pid})` : ""}`]);
  }
  const routed = [...new Set(rules.map((rule) => `${services[rule.service as ServiceKey]?.pathPrefix ?? rule.pathPatterns[0]} -> ${rule.service}`))];
  rows.push(["gateway (ALB)", running.gateway.url, `listening: ${routed.join(", ")}`]);
  rows.push(["chaos control plane", `${running.gateway.url}/api/chaos/faults`, `${chaos.controlPlane.list().filter((fault) => fault.available).length} of ${faultIds.length} faults can run here (operator token; console: /ops)`]);
  rows.push(["API reference", `${running.gateway.url}${API_REFERENCE_PATH}`, "every service's OpenAPI document"]);
  rows.push(["metrics and alarms", `${running.gateway.url}/api/ops/alarms`, `${observability.sink.alarms().length} alarms evaluated as each period ends (a CloudWatch minute = ${LOCAL_PERIOD_SECONDS} s); /api/ops/metrics`]);
  rows.push(["web console", `${running.gateway.url}/`, webRoot ? "served from web/dist" : "not built (npm run build -w web)"]);
  printTable(rows);
  const { ANALYTICS_WORKGROUP_NAME: workgroup, ANALYTICS_DATABASE_NAME: database } = platform.resources.env;
  console.log(`\nAnalytics warehouse (Redshift Data API): workgroup ${workgroup}, database ${database} (the PostgreSQL database ${database})`);
  console.log("\nQueue and stream consumers (Lambda event source mappings):");
  for (const line of consumers) console.log(`  ${line}`);
  if (consumers.length === 0) console.log("  none");
  if (notReady) console.log(`\n${notReady}`);
  console.log("\nSupervised as deployed (a copy that exits is restarted here within a second; GET /api/ops/processes):");
  for (const { service, orchestrator, replicas } of supervised) {
    const { name, recovery } = orchestrators[orchestrator];
    console.log(`  ${service} x${replicas.length}: ${name}, a lost copy back in ${recovery["host-loss"].minSeconds}-${recovery["host-loss"].maxSeconds} s deployed`);
  }
  console.log(`Gateway target health: GET ${running.gateway.url}/api/ops/targets`);
  console.log(`\nTry: curl ${running.gateway.url}/api/menu/items   (Ctrl-C stops everything)\n`);
}

/** Ctrl-C reaches this process twice (from the terminal and forwarded by npm): only a later one means "hurry". */
const DUPLICATE_SIGNAL_MS = 2_000;
let stopping = false;
let stoppingSince = 0;
async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (stopping) {
    if (Date.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
    say("second signal: killing everything now");
    await stopOwnedChildren();
    process.exit(exitCode || 130);
  }
  stopping = true;
  stoppingSince = Date.now();
  say(`${reason}: stopping ...`);
  // Faults first: nothing may stay broken (a database refusing connections, a lowered maxmemory) after the platform stops.
  await running.chaos?.stop().catch((error: unknown) => console.error("reverting the faults in force failed", error));
  await Promise.all(running.pollers.map((poller) => poller.stop()));
  await running.gateway?.stop();
  await running.observability?.stop();
  await running.supervisor?.stop(10_000);
  await running.autovacuum?.stop();
  await running.platform?.engines.stop();
  await stopOwnedChildren();
  say("stopped");
  process.exit(exitCode);
}

process.on("SIGINT", () => void shutdown("SIGINT", 0));
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
whenAncestorExits(() => void shutdown("parent process exited", 0));
process.on("uncaughtException", (error) => {
  console.error(error);
  void shutdown("uncaught error", 1);
});
process.on("unhandledRejection", (error) => {
  console.error(error);
  void shutdown("unhandled rejection", 1);
});
main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await shutdown("startup failed", 1);
});
