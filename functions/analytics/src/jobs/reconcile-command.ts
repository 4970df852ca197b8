import { parseArgs } from "node:util";
import { createDatabase, databaseConnection, databaseLink, readLinks } from "@cloudcafe/adapters";
import { z } from "zod";
import { loadAnalyticsApiConfig } from "../config.ts";
import { analyticsWarehouse } from "../runtime.ts";
import { reconcileAnalyticsWithOrders } from "./reconcile.ts";

/**
 * `npm run reconcile -- [--from <ISO time>] [--to <ISO time>]` (default: the last 24 hours up to 5 minutes ago, past
 * the allowed lateness): every reconciliation check over the period, one JSON report each; exit code 1 when a check
 * finds a difference. Checks today: the analytics warehouse's paid orders and revenue per store against the order
 * database. Points (loyalty) and payments join here as checks of their own.
 */
const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } });
const isoTime = z.iso.datetime({ offset: true });
const toMs = values.to ? Date.parse(isoTime.parse(values.to)) : Date.now() - 5 * 60_000;
const fromMs = values.from ? Date.parse(isoTime.parse(values.from)) : toMs - 24 * 60 * 60_000;

const { Database } = readLinks("reconcile", z.object({ Database: databaseLink }));
const database = createDatabase(databaseConnection(Database), { max: 2 });
const { warehouse, close } = analyticsWarehouse(loadAnalyticsApiConfig().warehouse);
try {
  const report = await reconcileAnalyticsWithOrders({ database, warehouse }, { fromMs, toMs });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.mismatches.length > 0 ? 1 : 0;
} finally {
  close();
  await database.end();
}
