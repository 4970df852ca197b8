/**
 * `npm run stress -- <scenario> [options]` against the local platform.
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
 * --table-rows (query-storm; database from env ANALYTICS_DATABASE_URL).
 * Progress goes to stderr; the final report is printed as JSON on stdout (with the run's logs and EMF lines).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { calculateBatch } from "./batch-run.ts";
import { coldStartRequest, cpuRunRequest, queryStormRequest } from "./events.ts";
import { createStressPool, type StressPool } from "./pool.ts";
import { createRunRegistry, DEFAULT_MAX_DURATION_SECONDS, type StressRunView } from "./registry.ts";
import { isCpuScenario, scenarioNames, type CpuScenario } from "./scenarios.ts";
import { runColdStartScenario, runQueryStormScenario } from "./workload-scenarios.ts";

const environment = z.object({
  OPERATOR_TOKEN: z.string().min(1).default("local-operator-token"),
  GATEWAY_URL: z.string().url().default("http://127.0.0.1:3000"),
  ANALYTICS_DATABASE_URL: z.string().min(1).default("postgres://postgres@127.0.0.1:5432/cloudcafe"),
  PAYMENT_HANDLER_MODULE: z.string().min(1).default(new URL("../../../functions/payment/src/handler.ts", import.meta.url).href),
});
type Environment = z.infer<typeof environment>;

const POLL_INTERVAL_MS = 2000;
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const progress = (line: string) => process.stderr.write(`${line}\n`);
const defined = <T extends Record<string, unknown>>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;

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
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
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

async function main(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: "string" },
      duration: { type: "string" },
      records: { type: "string" },
      invocations: { type: "string" },
      concurrency: { type: "string" },
      "init-delay-ms": { type: "string" },
      "fraud-rounds": { type: "string" },
      queries: { type: "string" },
      "rows-per-query": { type: "string" },
      "table-rows": { type: "string" },
      "in-process": { type: "boolean", default: false },
    },
  });
  const scenario = positionals[0] ?? "";
  if (!(scenarioNames as string[]).includes(scenario)) throw new Error(`Usage: npm run stress -- <${scenarioNames.join("|")}> [options]`);
  const env = environment.parse(process.env);

  if (isCpuScenario(scenario)) {
    const body = cpuRunRequest(DEFAULT_MAX_DURATION_SECONDS).parse(defined({ targetCpu: number(values.target), durationSeconds: number(values.duration) }));
    if (scenario === "morning-rush" && !values["in-process"]) return viaGateway(env, body);
    const pool = createStressPool();
    try {
      await pool.warm();
      if (scenario === "batch-calculation" && values.records !== undefined) return await calculateBatch({ pool, records: Number(values.records) });
      return await cpuRunInProcess(pool, scenario, body);
    } finally {
      await pool.close();
    }
  }

  const pool = createStressPool();
  try {
    await pool.warm();
    if (scenario === "cold-start-avalanche") {
      const request = coldStartRequest.parse(
        defined({
          invocations: number(values.invocations),
          concurrency: number(values.concurrency),
          initDelayMs: number(values["init-delay-ms"]),
          fraudRounds: number(values["fraud-rounds"]),
        }),
      );
      return await runColdStartScenario(pool, env.PAYMENT_HANDLER_MODULE, request);
    }
    const request = queryStormRequest.parse(
      defined({
        queries: number(values.queries),
        concurrency: number(values.concurrency),
        rowsPerQuery: number(values["rows-per-query"]),
        tableRows: number(values["table-rows"]),
      }),
    );
    return await runQueryStormScenario(pool, env.ANALYTICS_DATABASE_URL, request);
  } finally {
    await pool.close();
  }
}

main(process.argv.slice(2)).then(
  (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
  (error: unknown) => {
    progress(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
