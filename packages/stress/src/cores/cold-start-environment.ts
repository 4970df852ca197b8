import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import { fraudScore } from "./morning-rush.ts";

/**
 * One execution environment of the cold-start avalanche, in its own worker thread: its first invocation imports
 * the handler module afresh (a cold start, with the configured init delay); later ones reuse it (warm).
 */

export interface EnvironmentConfig {
  handlerModule: string;
  exportName: string;
  initDelayMs: number;
  fraudRounds: number;
  functionName: string;
}

export interface InvocationOutcome {
  ok: boolean;
  cold: boolean;
  initMs: number;
  result?: unknown;
  error?: string;
}

type Handler = (event: unknown, context: unknown) => unknown;

const config = workerData as EnvironmentConfig;
let handler: Handler | undefined;

/** The parts of the Lambda context a handler commonly reads. */
function lambdaContext() {
  const deadline = Date.now() + 30_000;
  return {
    functionName: config.functionName,
    functionVersion: "$LATEST",
    awsRequestId: randomUUID(),
    memoryLimitInMB: "512",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

async function invoke(event: unknown): Promise<InvocationOutcome> {
  const started = performance.now();
  const cold = handler === undefined;
  try {
    if (!handler) {
      if (config.initDelayMs > 0) await sleep(config.initDelayMs);
      const module = (await import(config.handlerModule)) as Record<string, unknown>;
      const exported = module[config.exportName];
      if (typeof exported !== "function") throw new Error(`${config.handlerModule} exports no function ${config.exportName}`);
      handler = exported as Handler;
    }
    const initMs = performance.now() - started;
    // The payment service's fraud validation, the CPU-heavy part of every invocation in the scenario.
    if (config.fraudRounds > 0) fraudScore(JSON.stringify(event), config.fraudRounds);
    return { ok: true, cold, initMs, result: await handler(event, lambdaContext()) };
  } catch (error) {
    return { ok: false, cold, initMs: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on("message", (event: unknown) => {
  void invoke(event).then((outcome) => parentPort?.postMessage(outcome));
});
