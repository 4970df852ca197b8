/**
 * The stress CLI (`cli.ts`, options described there): the command line and the environment read once into a typed
 * command (`parseStressCommand`), then run (`runStressCommand`).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import type { AnalyticsWarehouse, RedshiftDataConnection } from "@cloudcafe/adapters/analytics/redshift-data-warehouse";
import { analyticsWarehouse, services } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { calculateBatch } from "./batch-run.ts";
import { batchCalculationRequest, coldStartRequest, cpuRunRequest, queryStormRequest, type ColdStartRequest, type QueryStormRequest } from "./events.ts";
import { createStressPool, type StressPool } from "./pool.ts";
import { createRunRegistry, DEFAULT_MAX_DURATION_SECONDS, type StressRunView } from "./registry.ts";
import { isCpuScenario, scenarioNames, type CpuScenario } from "./scenarios.ts";
import { runColdStartScenario, runQueryStormScenario } from "./workload-scenarios.ts";

const environment = z.object({
  OPERATOR_TOKEN: z.string().min(1).default("local-operator-token"),
  GATEWAY_URL: z.string().url().default("http://127.0.0.1:3000"),
  ANALYTICS_WORKGROUP_NAME: z.string().min(1).default(analyticsWarehouse.local.workgroupName),
  ANALYTICS_DATABASE_NAME: z.string().min(1).default(analyticsWarehouse.database),
  PAYMENT_HANDLER_MODULE: z.string().min(1).default(new URL("../../../functions/payment/src/lambda.ts", import.meta.url).href),
});

type CpuRunBody = z.infer<ReturnType<typeof cpuRunRequest>>;

export type StressCommand =
  /** A scenario its service serves, as an operator starts it: through the gateway with the operator token, polled to the end. */
  | { kind: "gateway-run"; scenario: CpuScenario; servicePath: string; gatewayUrl: string; operatorToken: string; body: CpuRunBody }
  /** A CPU-target run in this process through the stress pool. */
  | { kind: "cpu-run"; scenario: CpuScenario; body: CpuRunBody }
  /** The Loyalty batch at a fixed number of records. */
  | { kind: "batch"; records: number }
  | { kind: "cold-start-avalanche"; handlerModule: string; request: ColdStartRequest }
  /** `connection` is set when the environment names no Data API endpoint: the local platform's stand-in. */
  | { kind: "query-storm"; warehouse: AnalyticsWarehouse; connection?: RedshiftDataConnection; request: QueryStormRequest };

/** The scenarios whose service runs on the platform, under the service's gateway path. */
const servedScenarios: Partial<Record<CpuScenario, string>> = {
  "morning-rush": services.order.pathPrefix,
  "menu-sync": services.menu.pathPrefix,
  restock: services.inventory.pathPrefix,
};

/** Numeric flags and the request field each one sets. */
const numericFlags = {
  target: "targetCpu",
  duration: "durationSeconds",
  records: "records",
  invocations: "invocations",
  concurrency: "concurrency",
  "init-delay-ms": "initDelayMs",
  "fraud-rounds": "fraudRounds",
  queries: "queries",
  "rows-per-query": "rowsPerQuery",
  "table-rows": "tableRows",
} as const;
type NumericFlag = keyof typeof numericFlags;

/** The request fields set by `flags` on the command line, as numbers; the scenario's schema validates them. */
function requestFrom(values: Partial<Record<NumericFlag, string>>, flags: NumericFlag[]): Record<string, number> {
  return Object.fromEntries(flags.filter((flag) => values[flag] !== undefined).map((flag) => [numericFlags[flag], Number(values[flag])]));
}

/**
 * Without AWS_ENDPOINT_URL_REDSHIFT_DATA the storm goes to the local platform's Data API stand-in, which takes any
 * signature: its endpoint, and region and placeholder credentials where the environment sets none. With an endpoint,
 * the SDK's own settings apply.
 */
function localDataApiUnlessConfigured(env: NodeJS.ProcessEnv): RedshiftDataConnection | undefined {
  if (env.AWS_ENDPOINT_URL_REDSHIFT_DATA) return undefined;
  return {
    endpoint: `http://127.0.0.1:${env.CLOUDCAFE_REDSHIFT_DATA_PORT || analyticsWarehouse.local.dataApiPort}`,
    region: env.AWS_REGION || "us-east-1",
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID || "local", secretAccessKey: env.AWS_SECRET_ACCESS_KEY || "local" },
  };
}

/** Reads the command line and the environment once; throws the usage line or the validation error. */
export function parseStressCommand(argv: string[], env: NodeJS.ProcessEnv): StressCommand {
  const flagOptions = Object.fromEntries(Object.keys(numericFlags).map((flag) => [flag, { type: "string" as const }]));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...flagOptions, "in-process": { type: "boolean", default: false } },
  });
  const flags = values as Partial<Record<NumericFlag, string>> & { "in-process"?: boolean };
  const scenario = positionals[0] ?? "";
  if (!(scenarioNames as string[]).includes(scenario)) throw new Error(`Usage: npm run stress -- <${scenarioNames.join("|")}> [options]`);
  const settings = environment.parse(env);

  if (scenario === "batch-calculation") {
    const { records, ...body } = batchCalculationRequest(DEFAULT_MAX_DURATION_SECONDS).parse(requestFrom(flags, ["target", "duration", "records"]));
    return records === undefined ? { kind: "cpu-run", scenario, body } : { kind: "batch", records };
  }
  if (isCpuScenario(scenario)) {
    const body = cpuRunRequest(DEFAULT_MAX_DURATION_SECONDS).parse(requestFrom(flags, ["target", "duration"]));
    const servicePath = servedScenarios[scenario];
    if (servicePath && !flags["in-process"]) {
      return { kind: "gateway-run", scenario, servicePath, gatewayUrl: settings.GATEWAY_URL, operatorToken: settings.OPERATOR_TOKEN, body };
    }
    return { kind: "cpu-run", scenario, body };
  }
  if (scenario === "cold-start-avalanche") {
    const request = coldStartRequest.parse(requestFrom(flags, ["invocations", "concurrency", "init-delay-ms", "fraud-rounds"]));
    return { kind: "cold-start-avalanche", handlerModule: settings.PAYMENT_HANDLER_MODULE, request };
  }
  const request = queryStormRequest.parse(requestFrom(flags, ["queries", "concurrency", "rows-per-query", "table-rows"]));
  const connection = localDataApiUnlessConfigured(env);
  return {
    kind: "query-storm",
    warehouse: { workgroupName: settings.ANALYTICS_WORKGROUP_NAME, database: settings.ANALYTICS_DATABASE_NAME },
    ...(connection ? { connection } : {}),
    request,
  };
}

const POLL_INTERVAL_MS = 2000;
const progress = (line: string) => process.stderr.write(`${line}\n`);

function printSample(run: StressRunView) {
  const last = run.samples.at(-1);
  if (last) progress(`${run.scenario} ${run.id} second ${last.second}: cpu ${(last.cpu * 100).toFixed(1)}% (target ${run.targetCpu * 100}%)`);
}

async function viaGateway({ scenario, servicePath, gatewayUrl, operatorToken, body }: Extract<StressCommand, { kind: "gateway-run" }>): Promise<unknown> {
  const base = `${gatewayUrl}${servicePath}/stress`;
  const headers = { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" };
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers });
    const payload = (await response.json()) as { run?: StressRunView; error?: unknown };
    if (!response.ok || !payload.run) throw new Error(`${init.method ?? "GET"} ${base}${path} answered ${response.status}: ${JSON.stringify(payload)}`);
    return payload.run;
  };
  let run = await call(`/${scenario}`, { method: "POST", body: JSON.stringify(body) });
  const cancel = () => void call(`/runs/${run.id}`, { method: "DELETE" }).then(() => progress("cancelled"));
  process.once("SIGINT", cancel);
  while (run.status === "running") {
    await sleep(POLL_INTERVAL_MS);
    run = await call(`/runs/${run.id}`);
    printSample(run);
  }
  process.off("SIGINT", cancel);
  return run;
}

async function cpuRunInProcess(pool: StressPool, scenario: CpuScenario, body: CpuRunBody): Promise<StressRunView> {
  const registry = createRunRegistry({ pool, maxConcurrentRuns: 1 });
  const { run } = registry.start({ scenario, ...body });
  const cancel = () => void registry.cancel(run.id);
  process.once("SIGINT", cancel);
  const ticker = setInterval(() => printSample(registry.get(run.id)), 1000);
  try {
    return await registry.finished(run.id);
  } finally {
    clearInterval(ticker);
    process.off("SIGINT", cancel);
  }
}

async function withPool<T>(work: (pool: StressPool) => Promise<T>): Promise<T> {
  const pool = createStressPool();
  try {
    await pool.warm();
    return await work(pool);
  } finally {
    await pool.close();
  }
}

/** Runs the command; progress goes to stderr, the result is returned for the caller to print. */
export function runStressCommand(command: StressCommand): Promise<unknown> {
  switch (command.kind) {
    case "gateway-run":
      return viaGateway(command);
    case "cpu-run":
      return withPool((pool) => cpuRunInProcess(pool, command.scenario, command.body));
    case "batch":
      return withPool((pool) => calculateBatch({ pool, records: command.records }));
    case "cold-start-avalanche":
      return withPool((pool) => runColdStartScenario(pool, command.handlerModule, command.request));
    case "query-storm":
      return withPool((pool) => runQueryStormScenario(pool, command.warehouse, command.request, command.connection));
  }
}
