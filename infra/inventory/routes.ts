/**
 * `npm run infra:routes`: per stage, every public path of the catalog -> CloudFront behaviour -> API Gateway route ->
 * integration -> ALB rule or NLB listener -> target, read from the program run under Pulumi mocks (no AWS). Set
 * CLOUDCAFE_DOMAIN / CLOUDCAFE_PROFILE as for a deploy to see that variant.
 */
import type { PathRoute } from "../offline/routes.ts";
import { routeTable } from "../offline/routes.ts";
import { INVENTORY_STAGES, synthesizeInChild } from "./print.ts";

for (const stage of INVENTORY_STAGES) {
  const routes = await synthesizeInChild<PathRoute[]>(stage, ["--routes"]);
  console.log(`== ${stage}\n${routeTable(routes)}\n`);
}
