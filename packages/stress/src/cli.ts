/**
 * `npm run stress -- <scenario> [options]` against the local platform. npm runs it through
 * `packages/local/src/cli/stress.ts`, which first puts the platform's environment (AWS endpoints, SST links) in place,
 * so the payment handler and the Data API client below find the resources `npm start` serves.
 *
 * - morning-rush goes through the gateway like an operator would: `POST /api/orders/stress/morning-rush` with the
 *   operator token (env OPERATOR_TOKEN, default `local-operator-token`; gateway from env GATEWAY_URL, default
 *   http://127.0.0.1:3000), then polls the run until it ends; Ctrl-C cancels it.
 * - Scenarios whose service has no HTTP app yet (restock, menu-sync, batch-calculation, cold-start-avalanche,
 *   query-storm) run their core in this process through the stress pool. `--in-process` does the same for
 *   morning-rush.
 *
 * Options: --target <0..1> --duration <seconds> (CPU scenarios); --records <n> (batch-calculation, fixed size);
 * --invocations --concurrency --init-delay-ms --fraud-rounds (cold-start-avalanche; handler from env
 * PAYMENT_HANDLER_MODULE, default functions/payment/src/handler.ts); --queries --concurrency --rows-per-query
 * --table-rows (query-storm, through the Redshift Data API: workgroup and database from env ANALYTICS_WORKGROUP_NAME and
 * ANALYTICS_DATABASE_NAME, endpoint from AWS_ENDPOINT_URL_REDSHIFT_DATA; without an endpoint, the local platform's stand-in).
 * Progress goes to stderr; the final report is printed as JSON on stdout (with the run's logs and EMF lines).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { analyticsWarehouse } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { calculateBatch } from "./batch-run.ts";
import { batchCalculationRequest, coldStartRequest, cpuRunRequest, queryStormRequest } from "./events.ts";
import { createStressPool, type StressPool } from "./pool.ts";
import { createRunRegistry, DEFAULT_MAX_DURATION_SECONDS, type StressRunView } from "./registry.ts";
import { isCpuScenario, scenarioNames, type CpuScenario } from "./scenarios.ts";
import { runColdStartScenario, runQueryStormScenario } from "./workload-scenarios.ts";

const environment = z.object({
  OPERATOR_TOKEN: z.string().min(1).default("local-operator-token"),
  GATEWAY_URL: z.string().url().default("http://127.0.0.1:3000"),
  ANALYTICS_WORKGROUP_NAME: z.string().min(1).default(analyticsWarehouse.local.workgroupName),
  ANALYTICS_DATABASE_NAME: z.string().min(1).default(analyticsWarehouse.database),
  PAYMENT_HANDLER_MODULE: z.string().min(1).default(new URL("../../../functions/payment/src/handler.ts", import.meta.url).href),
});
type Environment = z.infer<typeof environment>;

const POLL_INTERVAL_MS = 2000;
const progress = (line: string) => process.stderr.write(`${line}\n`);

function printSample(run: StressRunView) {
  const last = run.samples.at(-1);
  if (last) progress(`${run.scenario} ${run.id} second ${last.second}: cpu ${(last.cpu * 100).toFixed(1)}% (target ${run.targetCpu * 100}%)`);
}

async function viaGateway(env: Environment, body: Record<string, unknown>): Promise<unknown> {
  const base = `${env.GATEWAY_URL}/api/orders/stress`;
  const headers = { authorization: `Bearer ${env.OPERATOR_TOKEN}`, "content-type": "application/json" };
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers });
    const payload = (await response.json()) as { run?: StressRunView; error?: unknown };
    if (!response.ok || !payload.run) throw new Error(`${init.method ?? "GET"} ${base}${path} answered ${response.status}: ${JSON.stringify(payload)}`);
    return payload.run;
  };
  let run = await call("/morning-rush", { method: "POST", body: JSON.stringify(body) });
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

async function cpuRunInProcess(pool: StressPool, scenario: CpuScenario, body: Record<string, unknown>): Promise<StressRunView> {
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

async function withPool<T>(work: (pool: StressPool) => Promise<T>): Promise<T> {
  const pool = createStressPool();
  try {
    await pool.warm();
    return await work(pool);
  } finally {
    await pool.close();
  }
}

async function main(argv: string[]): Promise<unknown> {
  const flagOptions = Object.fromEntries(Object.keys(numericFlags).map((flag) => [flag, { type: "string" as const }]));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...flagOptions, "in-process": { type: "boolean", default: false } },
  });
  const flags = values as Partial<Record<NumericFlag, string>> & { "in-process"?: boolean };
  const scenario = positionals[0] ?? "";
  if (!(scenarioNames as string[]).includes(scenario)) throw new Error(`Usage: npm run stress -- <${scenarioNames.join("|")}> [options]`);
  const env = environment.parse(process.env);

  if (scenario === "batch-calculation") {
    const { records, ...body } = batchCalculationRequest(DEFAULT_MAX_DURATION_SECONDS).parse(requestFrom(flags, ["target", "duration", "records"]));
    return withPool<unknown>((pool) => (records === undefined ? cpuRunInProcess(pool, scenario, body) : calculateBatch({ pool, records })));
  }
  if (isCpuScenario(scenario)) {
    const body = cpuRunRequest(DEFAULT_MAX_DURATION_SECONDS).parse(requestFrom(flags, ["target", "duration"]));
    if (scenario === "morning-rush" && !flags["in-process"]) return viaGateway(env, body);
    return withPool((pool) => cpuRunInProcess(pool, scenario, body));
  }
  if (scenario === "cold-start-avalanche") {
    const request = coldStartRequest.parse(requestFrom(flags, ["invocations", "concurrency", "init-delay-ms", "fraud-rounds"]));
    return withPool((pool) => runColdStartScenario(pool, env.PAYMENT_HANDLER_MODULE, request));
  }
  const request = queryStormRequest.parse(requestFrom(flags, ["queries", "concurrency", "rows-per-query", "table-rows"]));
  useLocalDataApiUnlessConfigured();
  const warehouse = { workgroupName: env.ANALYTICS_WORKGROUP_NAME, database: env.ANALYTICS_DATABASE_NAME };
  return withPool((pool) => runQueryStormScenario(pool, warehouse, request));
}

/**
 * Without AWS_ENDPOINT_URL_REDSHIFT_DATA the storm goes to the local platform's Data API stand-in, which takes any
 * signature: its endpoint, region and placeholder credentials fill what the environment leaves unset. Set before the
 * pool starts, so its threads inherit them.
 */
function useLocalDataApiUnlessConfigured(): void {
  if (process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA) return;
  const local = {
    AWS_ENDPOINT_URL_REDSHIFT_DATA: `http://127.0.0.1:${process.env.CLOUDCAFE_REDSHIFT_DATA_PORT || analyticsWarehouse.local.dataApiPort}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  };
  for (const [name, value] of Object.entries(local)) process.env[name] ||= value;
}

main(process.argv.slice(2)).then(
  (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
  (error: unknown) => {
    progress(error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
