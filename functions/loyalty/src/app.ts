import { services } from "@cloudcafe/catalog";
import type { LoyaltyService, TierRunStore } from "@cloudcafe/core";
import { contractRoutes, createServiceApp, type DependencyCheck, healthRoutes, serveOpenApi, undocumented } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import type { StressRoutes } from "@cloudcafe/stress";
import type { LoyaltyServiceConfig } from "./config.ts";
import type { TierRecalculation } from "./jobs/tier-recalculation.ts";
import { accrueRoutes } from "./routes/accrue.ts";
import { pointsRoutes } from "./routes/points.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { tierRunRoutes } from "./routes/tier-runs.ts";

export const SERVICE_NAME = "loyalty-service";

const { pathPrefix } = services.loyalty;

export interface LoyaltyAppDeps {
  service: LoyaltyService;
  recalculation: TierRecalculation;
  runs: TierRunStore;
  logger: Logger;
  metrics: Metrics;
  checks: Record<string, DependencyCheck>;
  config: Pick<LoyaltyServiceConfig, "operatorToken" | "sessionTtlSeconds">;
  /** The stress controls (the batch calculation). */
  stressRoutes?: StressRoutes;
}

/**
 * The Loyalty service's Hono app (server.ts runs it on the instances behind the NLB). Its routes are served under
 * the gateway prefix `/api/loyalty` and listed in `/api/loyalty/openapi.json`.
 */
export function createLoyaltyApp(deps: LoyaltyAppDeps) {
  const points = pointsRoutes(deps.service);
  const accrue = accrueRoutes(deps.service, deps.config.operatorToken, deps.metrics);
  const sessions = sessionRoutes(deps.service, deps.config.sessionTtlSeconds);
  const tierRuns = tierRunRoutes(deps.recalculation, deps.runs, deps.config.operatorToken);
  // Typed as mounted either way, so one client type covers the app; without them the stress paths answer 404.
  const stress = deps.stressRoutes ?? (contractRoutes() as unknown as StressRoutes);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics });
  serveOpenApi(app, pathPrefix, {
    title: "CloudCafe Loyalty service",
    version: "1",
    description: "Points and tiers (PostgreSQL), accrual once per paid order, console sessions (Redis), the hourly tier recalculation, health, and the batch calculation stress.",
  });
  // The same routes without the prefix, for callers that reach the service directly through the NLB.
  app
    .route("/loyalty/points", undocumented(points))
    .route("/loyalty/accrue", undocumented(accrue))
    .route("/loyalty/tier-runs", undocumented(tierRuns))
    .route("/loyalty", undocumented(stress));
  return app
    .route("/", healthRoutes(SERVICE_NAME, deps.checks))
    .route(`${pathPrefix}/points`, points)
    .route(`${pathPrefix}/accrue`, accrue)
    .route(`${pathPrefix}/sessions`, sessions)
    .route(`${pathPrefix}/tier-runs`, tierRuns)
    .route(pathPrefix, stress);
}

export type LoyaltyApp = ReturnType<typeof createLoyaltyApp>;
