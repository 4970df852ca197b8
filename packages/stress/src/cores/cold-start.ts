import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { boundedParallel } from "@cloudcafe/adapters/analytics/concurrency";
import { percentiles, type Percentiles } from "../percentiles.ts";
import type { EnvironmentConfig, InvocationOutcome } from "./cold-start-environment.ts";
import { ExecutionEnvironment as Environment } from "./execution-environment.ts";

/**
 * Cold start avalanche (Payment): Black Friday. Many concurrent invocations of the payment handler, each in a fresh
 * module instance (a worker thread that imports the module itself), with an optional init delay and CPU-heavy
 * fraud validation. Reports invocation duration percentiles (the target is p99 3000 ms) and how many ran cold.
 */

import { COLD_START_P99_TARGET_MS } from "../scenarios.ts";

export { COLD_START_P99_TARGET_MS };

export interface ColdStartOptions {
  /** Absolute path or file URL of the handler module (the payment processor: `functions/payment/src/lambda.ts`). */
  handlerModule: string;
  exportName?: string;
  /** Builds the event of invocation `index`. */
  event: (index: number) => unknown;
  invocations: number;
  concurrency: number;
  initDelayMs?: number;
  /** SHA-256 rounds of fraud validation over each event, on top of what the handler does. */
  fraudRounds?: number;
  /** true: every invocation gets a new environment (all cold); false: `concurrency` environments are reused. */
  freshInstances?: boolean;
  onResult?: (outcome: InvocationOutcome, index: number) => void;
}

export interface ColdStartReport {
  invocations: number;
  cold: number;
  warm: number;
  failed: number;
  /** From the invocation request to its response, as a caller sees it. */
  durationMs: Percentiles;
  /** Init phase of the cold invocations (delay plus module import). */
  initMs: Percentiles;
  p99TargetMs: number;
  elapsedMs: number;
  firstError?: string;
}

export async function coldStartAvalanche(options: ColdStartOptions): Promise<ColdStartReport> {
  const config: EnvironmentConfig = {
    handlerModule: isAbsolute(options.handlerModule) ? pathToFileURL(options.handlerModule).href : options.handlerModule,
    exportName: options.exportName ?? "handler",
    initDelayMs: options.initDelayMs ?? 0,
    fraudRounds: options.fraudRounds ?? 0,
    functionName: "cold-start-avalanche",
  };
  const fresh = options.freshInstances ?? true;
  const reusable: Environment[] = [];
  const durations: number[] = [];
  const inits: number[] = [];
  let cold = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();

  const invokeOnce = async (index: number, environment: Environment) => {
    const sent = performance.now();
    let outcome: InvocationOutcome;
    try {
      outcome = await environment.invoke(options.event(index));
    } catch (error) {
      outcome = { ok: false, cold: true, initMs: 0, error: error instanceof Error ? error.message : String(error) };
    }
    durations.push(performance.now() - sent);
    if (outcome.cold) {
      cold += 1;
      inits.push(outcome.initMs);
    }
    if (!outcome.ok) {
      failed += 1;
      firstError ??= outcome.error;
    }
    options.onResult?.(outcome, index);
  };

  try {
    await boundedParallel(options.invocations, options.concurrency, async (index) => {
      if (fresh) {
        const environment = new Environment(config);
        try {
          await invokeOnce(index, environment);
        } finally {
          await environment.dispose();
        }
        return;
      }
      const environment = reusable.pop() ?? new Environment(config);
      await invokeOnce(index, environment);
      reusable.push(environment);
    });
  } finally {
    await Promise.all(reusable.map((environment) => environment.dispose()));
  }
  return {
    invocations: options.invocations,
    cold,
    warm: options.invocations - cold,
    failed,
    durationMs: percentiles(durations),
    initMs: percentiles(inits),
    p99TargetMs: COLD_START_P99_TARGET_MS,
    elapsedMs: Math.round(performance.now() - started),
    ...(firstError ? { firstError } : {}),
  };
}
