/**
 * Cold-start avalanche benchmark: `runAvalancheBench()` (called by bench/run.ts) or alone with `tsx bench/avalanche.ts`.
 * The deployed path end to end on this machine: the stress function's Lambda-API avalanche against the local Lambda
 * Invoke stand-in, whose environments run the real payment processor (3 s init delay and 2000 fraud-screen rounds, as
 * the architecture's Black Friday) on the local engines. Prints p50/p99 against the architecture's 3000 ms p99 target
 * and how many invocations ran cold, for a burst of fresh environments and then a second burst on warm ones.
 */
import { pathToFileURL } from "node:url";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { readLocalConfig } from "@cloudcafe/local/config";
import { startLambdaInvokeStandIn } from "@cloudcafe/local/lambda/invoke-stand-in";
import { startPlatform } from "@cloudcafe/local/platform";
import { COLD_START_P99_TARGET_MS, invokeDeployedAvalanche, paymentRequestedEvent } from "@cloudcafe/stress";

const FUNCTION_NAME = "cloudcafe-bench-payment-processor";
const CONCURRENCY = Number(process.env.BENCH_AVALANCHE_CONCURRENCY ?? 10);
const INVOCATIONS = Number(process.env.BENCH_AVALANCHE_INVOCATIONS ?? 40);

export async function runAvalancheBench(): Promise<void> {
  const platform = await startPlatform({ config: readLocalConfig(), daemon: true });
  const lambda = await startLambdaInvokeStandIn(
    {
      [FUNCTION_NAME]: {
        handlerModule: new URL("../functions/payment/src/lambda.ts", import.meta.url).href,
        env: {
          ...platform.resources.env,
          PAYMENT_INIT_DELAY_MS: "3000",
          PAYMENT_FRAUD_ROUNDS: "2000",
          PAYMENT_DECLINE_RATE: "0",
          LOG_LEVEL: "WARN",
          CLOUDCAFE_METRICS_DISABLED: "true",
        },
        memoryMb: 512,
        reservedConcurrency: 100,
      },
    },
    { port: 0 },
  );
  const client = new LambdaClient({
    endpoint: lambda.url,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 60_000, httpAgent: { keepAlive: true, maxSockets: 1_000 } },
  });
  try {
    console.log(`\nCold-start avalanche: ${INVOCATIONS} invocations, ${CONCURRENCY} in flight, real payment handler (3 s init, 2000 fraud rounds)`);
    const rows = [];
    // Distinct order ids per burst, so the second burst charges new orders rather than replaying settled ones.
    for (const [burst, offset] of [["fresh environments", 0], ["warm environments", 1_000_000]] as const) {
      const report = await invokeDeployedAvalanche({
        client,
        functionName: FUNCTION_NAME,
        event: (index) => paymentRequestedEvent(offset + index),
        invocations: INVOCATIONS,
        concurrency: CONCURRENCY,
      });
      rows.push({
        burst,
        cold: report.cold,
        warm: report.warm,
        failed: report.failed,
        throttled: report.throttled,
        "p50 ms": report.durationMs.p50,
        "p99 ms": report.durationMs.p99,
        "init p50 ms": report.initMs.p50,
        "p99 / target": Number((report.durationMs.p99 / COLD_START_P99_TARGET_MS).toFixed(2)),
      });
    }
    console.table(rows);
    console.log(`target: p99 ${COLD_START_P99_TARGET_MS} ms (architecture). A cold invocation pays the 3 s init delay plus module load;`);
    console.log("environments are worker threads on this machine, so module load competes for its cores.");
  } finally {
    client.destroy();
    await lambda.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runAvalancheBench();
