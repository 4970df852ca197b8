/**
 * The console as a user reaches it, for the browser tests: the built console (Vite, into a temporary folder) served by
 * the local gateway, which routes the API by the ALB's path rules to the real Order service (with its stress
 * controls, as the service mounts them), the Menu service and the chaos control plane (one harmless fault), with the outbox relay and the order-to-payment
 * pollers running, on the engines the test setup prepared, and the local metrics sink behind `/api/ops`. And a Chromium (Debian's, installed when missing).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { chromium, type Browser } from "playwright-core";
import { build } from "vite";
import { ensureCommand } from "@cloudcafe/local/engines/system-packages";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { startSqsPoller, type SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { albRules, type RunningGateway, startGateway } from "@cloudcafe/local/gateway";
import { createChaosControlPlane } from "@cloudcafe/local/chaos/control-plane";
import { applicationFaultInjector } from "@cloudcafe/local/chaos/injectors/application-fault";
import { CHAOS_PATH_PREFIX } from "@cloudcafe/local/chaos/routes";
import { startChaosServer } from "@cloudcafe/local/chaos/server";
import { egressFailureParameters } from "@cloudcafe/core";
import { createLogger } from "@cloudcafe/observability";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { gatewayTraffic } from "@cloudcafe/local/observability/collectors/gateway-traffic";
import { opsGatewayRule } from "@cloudcafe/local/observability/ops-app";
import { startOpsServer } from "@cloudcafe/local/observability/serve-ops";
import { createMetricsSink } from "@cloudcafe/local/observability/sink";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import { createRunRegistry, createStressPool, fixedAllowance, stressRoutes } from "@cloudcafe/stress";
import { startMenuService } from "../../../functions/order/test/menu-service.ts";
import { flowQueuesOf, startFlowPollers } from "../../../functions/order/test/pollers.ts";
import { startLoyaltyService } from "./loyalty-service.ts";
import { startInventoryService } from "../../../functions/order/test/inventory-service.ts";

/** The stage's one operator token, which every service is linked to (the Menu service here as well). */
export const OPERATOR_TOKEN = (JSON.parse(process.env.SST_RESOURCE_OperatorToken ?? "{}") as { value: string }).value;
const webRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Debian's Chromium; flags that keep a headless run off the network and the GPU. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface ConsolePlatform {
  readonly url: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

async function builtConsole(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "cloudcafe-console-"));
  await build({ root: webRoot, configFile: join(webRoot, "vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true, sourcemap: false } });
  return outDir;
}

export async function startConsolePlatform(): Promise<ConsolePlatform> {
  // A calm payment gateway: every order of a normal customer ends PAID.
  Object.assign(process.env, { PAYMENT_DECLINE_RATE: "0", PAYMENT_FAILURE_RATE: "0", PAYMENT_GATEWAY_LATENCY_MS: "5", PAYMENT_GATEWAY_JITTER_MS: "0" });
  await ensureCommand("chromium", "chromium");
  const platform = localPlatform();
  await purgeQueues(platform);
  const [webDist, menu] = await Promise.all([builtConsole(), startMenuService()]);
  const { createOrderApp } = await import("@cloudcafe/order/app");
  const { sharedOrderRuntime } = await import("@cloudcafe/order/runtime");
  const runtime = sharedOrderRuntime();
  runtime.relay.start(200);
  // The console's availability panel reads it; started after the order runtime, whose orders here do not reserve stock.
  const inventory = await startInventoryService({ loadStarterStock: true });
  const pool = createStressPool({ allowance: fixedAllowance(1) });
  const registry = createRunRegistry({ pool, write: () => {}, maxDurationSeconds: 60 });
  const routes = stressRoutes({ scenarios: ["morning-rush"], operatorToken: OPERATOR_TOKEN, registry });
  const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, stressRoutes: routes, operatorToken: OPERATOR_TOKEN, inbox: runtime.inbox });
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  const { queues } = platform.resources;
  const pollers: SqsPoller[] = await startFlowPollers(flowQueuesOf(platform.resources));
  // The notification sender, so the customer's inbox fills as on the platform.
  const { handler: notify } = await import("../../../functions/notification/src/events/notifications.ts");
  pollers.push(startSqsPoller({ sqs: sqsClientFor(platform.endpoints.sqs), queueUrl: queues.notification.url, functionName: "notification-sender", handler: notify, batchSize: 10, reportBatchItemFailures: true }));
  const orderUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const loyalty = await startLoyaltyService(OPERATOR_TOKEN);
  // The chaos control plane with one harmless fault: nat-gateway-failure, which nothing here reads (no CLOUDCAFE_FAULTS_URL).
  const chaosLogger = createLogger({ service: "chaos-control-plane", level: "ERROR" });
  const chaos = createChaosControlPlane({
    injectors: { "nat-gateway-failure": applicationFaultInjector(egressFailureParameters, "the payment processor's calls to the payment gateway time out") },
    logger: chaosLogger,
  });
  const chaosServer = await startChaosServer({ controlPlane: chaos, operatorToken: OPERATOR_TOKEN, logger: chaosLogger, port: 0 });
  // The ops view's alarms and charts: the local metrics sink, fed by the gateway's traffic as on the platform.
  const sink = createMetricsSink();
  sink.start();
  // The order service runs here in this process, one task of one.
  sink.recordRunning("order", 1, 1);
  const ops = await startOpsServer(sink, { port: 0, logger: createLogger({ service: "ops", level: "ERROR" }) });
  const albRoutes = albRules({ order: orderUrl, menu: menu.url, loyalty: loyalty.url, inventory: inventory.url });
  const opsRule = opsGatewayRule(ops.url);
  const chaosRule = { service: "chaos", pathPatterns: [CHAOS_PATH_PREFIX, `${CHAOS_PATH_PREFIX}/*`], targets: [chaosServer.url] };
  const gateway: RunningGateway = await startGateway({
    port: 0,
    rules: [...albRoutes, chaosRule, opsRule],
    observe: gatewayTraffic(sink, albRoutes, [opsRule, chaosRule]),
    webRoot: webDist,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    url: gateway.url,
    browser,
    async stop() {
      await browser.close();
      await gateway.stop();
      await chaos.close();
      await chaosServer.stop();
      sink.stop();
      await ops.stop();
      await Promise.all(pollers.map((poller) => poller.stop()));
      await registry.close();
      await pool.close();
      await new Promise((resolve) => server.close(resolve));
      await runtime.close();
      await loyalty.stop();
      await inventory.stop();
      await menu.stop();
      rmSync(webDist, { recursive: true, force: true });
    },
  };
}
