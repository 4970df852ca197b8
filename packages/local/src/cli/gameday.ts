/**
 * `npm run gameday -- --list | <id>... | all [--json] [--baseline <s>] [--orders-per-second <n>]`: runs the fault
 * registry's scenarios against the local platform under steady traffic (starting `npm start`'s platform when none is
 * listening), measures detection and recovery, reconciles the run's orders, payments, points and analytics windows,
 * and writes a Markdown and a JSON report to gameday-reports/ (git-ignored). Exit code 1 when a scenario fails.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type FaultId, faultIds, faults } from "@cloudcafe/catalog";
import { createDatabase, databaseConnection, databaseLink, dynamoDocumentClient, readLinks } from "@cloudcafe/adapters";
import { z } from "zod";
import { readLocalConfig } from "../config.ts";
import { platformClient } from "../gameday/platform-client.ts";
import { handOverPaidOrders } from "../gameday/hand-over.ts";
import { reconcileOrders } from "../gameday/reconcile.ts";
import { markdownReport, notRunResult, scenarioResult, type ScenarioResult } from "../gameday/report.ts";
import { runScenario, type ScenarioRun } from "../gameday/scenario.ts";
import { startTraffic } from "../gameday/traffic.ts";
import { repoRoot } from "../paths.ts";
import { startPlatform } from "../platform.ts";
import { spawnChild, type ManagedChild } from "../process/children.ts";
import { waitUntil } from "../process/net.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    list: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    baseline: { type: "string", default: "10" },
    "orders-per-second": { type: "string", default: "3" },
    "recovery-timeout": { type: "string", default: "60" },
  },
});
const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`[gameday] ${line}\n`);

if (values.list) {
  for (const id of faultIds) {
    const spec = faults[id];
    console.log(`${id.padEnd(34)} ${spec.title}\n${"".padEnd(34)} local: ${spec.local}\n${"".padEnd(34)} alarm: ${spec.signals.alarm}; expected recovery: ${spec.expectedRecovery.aws}\n`);
  }
  process.exit(0);
}

const chosen: FaultId[] = positionals.includes("all") ? [...faultIds] : (positionals as FaultId[]);
const unknown = chosen.filter((id) => !faultIds.includes(id));
if (chosen.length === 0 || unknown.length > 0) {
  console.error(`Usage: npm run gameday -- --list | all | <id>... [--json]${unknown.length ? `\nUnknown scenario(s): ${unknown.join(", ")} (see --list)` : ""}`);
  process.exit(2);
}
const number = (name: string, raw: string | undefined) => z.coerce.number().positive().parse(raw, { error: () => `--${name} must be a positive number` });
const baselineSeconds = number("baseline", values.baseline);
const ordersPerSecond = number("orders-per-second", values["orders-per-second"]);
const recoveryTimeoutSeconds = number("recovery-timeout", values["recovery-timeout"]);

const config = readLocalConfig();
const platform = await startPlatform({ config, daemon: true });
// The environment `npm start` is launched with, as the user's shell has it: the platform's own variables set below
// (MONGODB_URL among them) would tell it an outside DocumentDB is in use and leave that fault without its mechanism.
const launchEnvironment = { ...process.env };
for (const [name, value] of Object.entries(platform.resources.env)) process.env[name] ??= value;
const gatewayUrl = `http://${config.host}:${config.ports.gateway}`;
const operatorToken = (JSON.parse(platform.resources.env.SST_RESOURCE_OperatorToken ?? "{}") as { value?: string }).value ?? "";
const client = platformClient(gatewayUrl, operatorToken);

/** `npm start`'s platform, started here when nothing answers on the gateway; stopped at the end. */
let started: ManagedChild | undefined;
const reachable = () => client.availableFaults().then(() => true, () => false);
if (!(await reachable())) {
  say(`no platform at ${gatewayUrl}: starting it (npm start) ...`);
  started = spawnChild({ name: "local platform", command: process.execPath, args: [join(repoRoot, "packages/local/src/cli/launch.mjs")], cwd: repoRoot, logFile: join(config.stateDir, "gameday-platform.log"), env: launchEnvironment });
  await waitUntil("the platform's gateway and control plane", reachable, 180_000, 1_000);
  await waitUntil("the order service", async () => (await fetch(`${gatewayUrl}/ready`)).ok, 120_000, 1_000);
}

const runId = new Date().toISOString().replace(/[:.]/g, "-");
const traffic = startTraffic({ gatewayUrl, runId: runId.slice(0, 19), ordersPerSecond, readsPerSecond: ordersPerSecond });
let current: FaultId | undefined;
const stopEverything = async () => {
  if (current) await client.revert(current).catch(() => undefined);
  await traffic.stop();
  await started?.stop(15_000);
};
process.once("SIGINT", () => void stopEverything().then(() => process.exit(130)));

const runs: ScenarioRun[] = [];
const refused = new Map<FaultId, string>();
try {
  const available = await client.availableFaults();
  for (const id of chosen) {
    if (!available[id]) {
      say(`${id}: the platform has no local mechanism for it plugged in; skipped (and failed)`);
      continue;
    }
    current = id;
    try {
      runs.push(await runScenario(id, client, traffic.samples, { baselineSeconds, recoveryTimeoutSeconds, windowSeconds: 3 }, say));
    } catch (error) {
      // The control plane refused the injection (its stop alarm in ALARM, its target taken): failed, and the rest run.
      refused.set(id, (error as Error).message);
      say(`${id}: not run: ${(error as Error).message}`);
      await client.revert(id).catch(() => undefined);
      continue;
    } finally {
      current = undefined;
    }
    const run = runs.at(-1)!;
    say(`${id}: detected ${run.detectedSeconds ?? "never"} s, recovered ${run.recoveredSeconds ?? "never"} s after the injection; alarms fired: ${run.alarmsFired.join(", ") || "none"}`);
  }
} finally {
  await traffic.stop();
}

say(`reconciling ${traffic.accepted.length} accepted orders (waiting for them to settle) ...`);
const { Database } = readLinks("gameday", z.object({ Database: databaseLink }));
const database = createDatabase(databaseConnection(Database), { max: 2 });
const reconciled = await reconcileOrders({ database, dynamo: dynamoDocumentClient(), paymentTable: platform.resources.tables.paymentTransactions }, traffic.accepted, 180_000);

const handedOver = await handOverPaidOrders(client, reconciled);
say(`handed ${handedOver.collected} paid orders over (COLLECTED), so they leave the stores' queues${handedOver.failed.length ? `; ${handedOver.failed.length} could not be moved, e.g. ${handedOver.failed[0]!.error}` : ""}`);

const { reconcileAnalyticsWithOrders } = await import("@cloudcafe/analytics/jobs/reconcile");
const { loadAnalyticsApiConfig } = await import("@cloudcafe/analytics/config");
const { analyticsWarehouse } = await import("@cloudcafe/analytics/runtime");
const warehouse = analyticsWarehouse(loadAnalyticsApiConfig().warehouse);
const period = { fromMs: runs[0]?.startedAt ?? Date.now(), toMs: runs.at(-1)?.endedAt ?? Date.now() };
// Paid orders reach the warehouse through Kinesis and the worker's windows: give the last ones time to arrive.
let analytics = await reconcileAnalyticsWithOrders({ database, warehouse: warehouse.warehouse }, period);
for (let attempt = 0; analytics.mismatches.length > 0 && attempt < 30; attempt++) {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  analytics = await reconcileAnalyticsWithOrders({ database, warehouse: warehouse.warehouse }, period);
}
warehouse.close();
await database.end();

const results: ScenarioResult[] = [
  ...runs.map((run) => scenarioResult(run, reconciled)),
  ...chosen
    .filter((id) => !runs.some((run) => run.scenario === id))
    .map((id) => notRunResult(id, refused.get(id))),
];
const lostOutside = reconciled.filter((order) => order.lost && !runs.some((run) => order.at >= run.startedAt && order.at < run.endedAt)).length;
const reportDir = join(repoRoot, "gameday-reports");
mkdirSync(reportDir, { recursive: true });
const analyticsSummary = { mismatches: analytics.mismatches.length, checked: `${analytics.from} to ${analytics.to}` };
writeFileSync(join(reportDir, `${runId}.json`), JSON.stringify({ runId, results, analytics, acceptedOrders: traffic.accepted.length, lostBetweenScenarios: lostOutside }, null, 2));
writeFileSync(join(reportDir, `${runId}.md`), markdownReport(runId, results, analyticsSummary));
if (values.json) {
  console.log(JSON.stringify(results.map(({ passed: _passed, notes: _notes, ...line }) => line), null, 2));
} else {
  console.log(markdownReport(runId, results, analyticsSummary));
}
say(`reports: gameday-reports/${runId}.md and .json`);
await started?.stop(15_000);
process.exit(results.every((result) => result.passed) && analytics.mismatches.length === 0 && lostOutside === 0 ? 0 : 1);
