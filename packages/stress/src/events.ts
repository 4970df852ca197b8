import { z } from "zod";
import { workloadScenarios, type WorkloadParameterSpec } from "@cloudcafe/catalog";

const runId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, - and _, at most 64");

/** `{targetCpu, durationSeconds}` of a CPU-target run (HTTP body and Lambda event); omitted fields take the scenario's defaults. */
export function cpuRunRequest(maxDurationSeconds: number) {
  return z
    .object({
      targetCpu: z.number().gt(0).max(1).optional(),
      durationSeconds: z.number().gt(0).max(maxDurationSeconds).optional(),
      runId: runId.optional(),
    })
    .strict();
}

/** A whole-number workload parameter with the catalog's caps, and its local default unless told otherwise. */
const parameter = (spec: WorkloadParameterSpec, fallback: number = spec.default) => z.number().int().min(spec.min).max(spec.max).default(fallback);
const avalanche = workloadScenarios["cold-start-avalanche"].parameters;
const storm = workloadScenarios["query-storm"].parameters;

/**
 * The architecture's avalanche: 3 s cold starts. Each concurrent invocation is a worker thread holding its own copy
 * of the handler's modules, so the defaults are scaled to what one process can host (about 50 MB per instance).
 */
export const coldStartRequest = z
  .object({
    invocations: parameter(avalanche.invocations),
    concurrency: parameter(avalanche.concurrency),
    initDelayMs: parameter(avalanche.initDelayMs),
    fraudRounds: parameter(avalanche.fraudRounds),
    freshInstances: z.boolean().default(true),
  })
  .strict();
export type ColdStartRequest = z.infer<typeof coldStartRequest>;

/**
 * The avalanche against the deployed payment function: only the load is the caller's to choose. The init delay is
 * the function's configuration and its fraud validation its own code, so fields for them are refused by name.
 */
const functionSetting = (setting: string) =>
  z.never({ error: `set by the deployed payment function itself (${setting}), not by the event` }).optional();

export const deployedColdStartRequest = z
  .object({
    invocations: parameter(avalanche.invocations, avalanche.invocations.deployedDefault),
    concurrency: parameter(avalanche.concurrency, avalanche.concurrency.deployedDefault),
    initDelayMs: functionSetting("PAYMENT_INIT_DELAY_MS, a stage setting"),
    fraudRounds: functionSetting("its fraud validation"),
    freshInstances: functionSetting("Lambda decides which invocations run cold; the report counts them"),
  })
  .strict();
export type DeployedColdStartRequest = z.infer<typeof deployedColdStartRequest>;

/** End-of-quarter reports: many concurrent queries with 100K-row results. */
export const queryStormRequest = z
  .object({
    queries: parameter(storm.queries),
    concurrency: parameter(storm.concurrency),
    rowsPerQuery: parameter(storm.rowsPerQuery),
    tableRows: parameter(storm.tableRows),
  })
  .strict()
  .refine((request) => request.rowsPerQuery <= request.tableRows, { message: "rowsPerQuery must not exceed tableRows", path: ["rowsPerQuery"] });
export type QueryStormRequest = z.infer<typeof queryStormRequest>;

/** Loyalty batch: `records` runs a fixed batch as fast as the threads allow; without it, a CPU-target run. */
export function batchCalculationRequest(maxDurationSeconds: number) {
  return cpuRunRequest(maxDurationSeconds).extend({ records: z.number().int().min(1).max(100_000_000).optional() });
}
