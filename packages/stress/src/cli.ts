/**
 * `npm run stress -- <scenario> [options]` against the local platform. npm runs it through
 * `packages/local/src/cli/stress.ts`, which first puts the platform's environment (AWS endpoints, SST links) in place,
 * so the payment handler and the Data API client find the resources `npm start` serves. The command line and the
 * environment are read here once, into a typed command (`command.ts`).
 *
 * - morning-rush, menu-sync and restock go through the gateway like an operator would: `POST /api/orders/stress/morning-rush`,
 *   `POST /api/menu/stress/menu-sync`, `POST /api/inventory/stress/restock`, with the operator token (env OPERATOR_TOKEN,
 *   default `local-operator-token`; gateway from env GATEWAY_URL, default http://127.0.0.1:3000), then poll the run until
 *   it ends; Ctrl-C cancels it.
 * - Scenarios whose service has no HTTP app yet (batch-calculation, cold-start-avalanche, query-storm) run their core
 *   in this process through the stress pool. `--in-process` does the same for the served ones.
 *
 * Options: --target <0..1> --duration <seconds> (CPU scenarios); --records <n> (batch-calculation, fixed size);
 * --invocations --concurrency --init-delay-ms --fraud-rounds (cold-start-avalanche; handler from env
 * PAYMENT_HANDLER_MODULE, default functions/payment/src/lambda.ts); --queries --concurrency --rows-per-query
 * --table-rows (query-storm, through the Redshift Data API: workgroup and database from env ANALYTICS_WORKGROUP_NAME and
 * ANALYTICS_DATABASE_NAME, endpoint from AWS_ENDPOINT_URL_REDSHIFT_DATA; without an endpoint, the local platform's stand-in).
 * Progress goes to stderr; the final report is printed as JSON on stdout (with the run's logs and EMF lines).
 */
import { z } from "zod";
import { parseStressCommand, runStressCommand } from "./command.ts";

try {
  const report = await runStressCommand(parseStressCommand(process.argv.slice(2), process.env));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
