import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateDailyCost, totalPerDay } from "../inventory/cost.ts";
import { BUDGET_PER_DAY } from "../inventory/print.ts";
import { cpuScenarios, services } from "@cloudcafe/catalog";
import { rootDir } from "../offline/paths.ts";
import { publicSamplePaths, resolvePath } from "../offline/routes.ts";
import { synthesize, type Synthesis } from "../offline/sst-runtime.ts";
import { CONSOLE_ROUTES_FUNCTION } from "../edge.ts";
import { asArray, idOf, named, ofType } from "./support/resources.ts";

/** Where the console and the stress CLI name the API paths they call. */
const CALLERS = ["web/src/api/client.ts", "packages/stress/src/command.ts"];

/** A typed-client call (`hc`): `orders.stress[":id"].$get` with `orders` = `api.api.orders` is `/api/orders/stress/x`. */
const CLIENT_ROOTS: Record<string, string> = { api: "", orders: "/api/orders", menu: "/api/menu", inventory: "/api/inventory" };

/**
 * Every path the callers name: path literals or templates under /api/ or /ready (`${...}` read as one segment), and
 * the console's typed-client calls, whose path is the chain of properties before `$get`/`$post`/`$delete`.
 */
function calledPaths(): string[] {
  const found = CALLERS.flatMap((file) => {
    const source = readFileSync(path.join(rootDir, file), "utf8");
    const literals = [...source.matchAll(/["`](?:\$\{[^}]*\})?(\/(?:api\/|ready)[^"`\s?]*)["`]/g)].map((m) => m[1]!.replace(/\$\{[^}]*\}/g, "x"));
    const clientCalls = [...source.matchAll(/\b(api|orders|menu|inventory)((?:\.\w+|\["[^"]+"\])*)\.\$(?:get|post|put|patch|delete)\(/g)].map((m) => {
      const segments = [...m[2]!.matchAll(/\.(\w+)|\["([^"]+)"\]/g)].map((s) => (s[1] ?? s[2]!).replace(/^:.*/, "x"));
      return `${CLIENT_ROOTS[m[1]!]}/${segments.join("/")}`.replace(/\/$/, "") || "/";
    });
    return [...literals, ...clientCalls];
  });
  // The console reaches every service's stress controls under the service's prefix (the catalog's, as the client does).
  const stress = [...new Set(Object.values(cpuScenarios).map((spec) => services[spec.service].pathPrefix))].flatMap((prefix) => [`${prefix}/stress/x`, `${prefix}/stress/runs`]);
  return [...new Set([...found, ...stress])].sort();
}

/** The default personal stage: `sst deploy --stage dev` with no CLOUDCAFE_* variables (lean profile, no domain). */
describe("a lean dev stage without a domain", () => {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesize("dev");
  });

  it("routes every order path the web console calls to the order service's tasks, and its menu paths to the Menu service's Fargate tasks", () => {
    const paths = calledPaths();
    expect(paths).toEqual(
      expect.arrayContaining(["/api/orders", "/api/orders/stress/x", "/api/orders/stress/runs", "/ready", "/api/menu/items/x", "/api/menu/stores", "/api/inventory/store/x"]),
    );
    const routes = paths.map((p) => resolvePath(s, p));
    const of = (service: string) => routes.filter((route) => route.service === service);
    const unserved = of("order")
      .filter((route) => route.missing || !route.target?.includes("ECS service cloudcafe-dev-order-service"))
      .map((route) => `${route.path}: ${route.missing ?? route.target}`);
    expect(unserved).toEqual([]);
    // Without EKS and DocumentDB the Menu service runs on Fargate over Aurora, registered in the menu's target group.
    const menu = of("menu");
    expect(menu.length).toBeGreaterThan(0);
    expect(menu.map((route) => [route.path, route.missing, route.target])).toEqual(
      menu.map((route) => [route.path, undefined, expect.stringContaining("ECS service cloudcafe-dev-menu-service")]),
    );
    // The lean profile has no MemoryDB, so no Inventory service: its target group is there, with nothing registered.
    const inventory = of("inventory");
    expect(inventory.map((route) => route.path)).toContain("/api/inventory/store/x");
    expect(inventory.map((route) => [route.path, route.missing])).toEqual(inventory.map((route) => [route.path, "no targets"]));
    // Every other path the console calls reaches the service whose prefix it has.
    for (const route of routes) expect(route.path.startsWith(services[route.service as keyof typeof services].pathPrefix) || route.path === "/ready", route.path).toBe(true);
  });

  it("gives every public path of the catalog a target group or NLB; the analytics API, a function of the full profile, says it is not here", () => {
    const routes = publicSamplePaths().map((p) => resolvePath(s, p));
    // The lean profile has no Redshift, so no analytics read API: its paths have no route, and say why.
    expect(routes.filter((r) => !r.target).map((r) => `${r.path}: ${r.missing}`)).toEqual([
      "/api/analytics: no API Gateway route (its function is not deployed on this stage)",
      "/api/analytics/x: no API Gateway route (its function is not deployed on this stage)",
    ]);
    expect(Object.fromEntries(routes.map((r) => [r.path, [r.service, r.serviceBuilt]]))).toMatchObject({
      "/api/orders/x": ["order", true],
      "/ready": ["order", true],
      "/api/menu/x": ["menu", true],
      "/api/inventory/x": ["inventory", true],
      "/api/loyalty/x": ["loyalty", true],
      "/api/analytics/x": ["analytics", true],
    });
    expect(routes.find((r) => r.path === "/api/loyalty/x")?.loadBalancer).toBe("NLB listener TCP 8080");
  });

  it("leaves out EKS, DocumentDB, MemoryDB and Redshift (and the stress function and experiment that need them)", () => {
    for (const type of [
      "aws:eks/cluster:Cluster",
      "aws:docdb/cluster:Cluster",
      "aws:memorydb/cluster:Cluster",
      "aws:redshiftserverless/workgroup:Workgroup",
      "aws:scheduler/schedule:Schedule",
    ]) {
      expect(ofType(s, type), type).toEqual([]);
    }
    const functions = ofType(s, "aws:lambda/function:Function").map((f) => f.inputs.name);
    expect(functions).not.toContain("cloudcafe-dev-stress-query-storm");
    expect(functions).toContain("cloudcafe-dev-stress-cold-start-avalanche");
    expect(s.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    expect(named(s, "aws:appautoscaling/target:Target", "OrderServiceAutoScalingTarget").inputs.minCapacity).toBe(1);
  });

  it("runs the Menu service on Fargate over Aurora (MENU_STORE=postgres), linked to the database, never to DocumentDB", () => {
    const ecsServices = ofType(s, "aws:ecs/service:Service").map((svc) => svc.inputs.name);
    expect(ecsServices.sort()).toEqual(["cloudcafe-dev-menu-service", "cloudcafe-dev-order-service"]);
    const menuTask = ofType(s, "aws:ecs/taskDefinition:TaskDefinition").find((task) => String(task.inputs.family).includes("MenuService"));
    const [container] = JSON.parse(menuTask!.inputs.containerDefinitions) as { environment: { name: string; value: string }[] }[];
    const env = Object.fromEntries(container!.environment.map((e) => [e.name, e.value]));
    expect(env.MENU_STORE).toBe("postgres");
    expect(Object.keys(env)).toContain("SST_RESOURCE_Database");
    expect(Object.keys(env)).not.toContain("SST_RESOURCE_MenuDocuments");
    const menuService = named(s, "aws:ecs/service:Service", "MenuServiceService");
    expect(menuService.inputs.loadBalancers).toEqual([
      { targetGroupArn: expect.any(String), containerName: "MenuService", containerPort: 8080 },
    ]);
  });

  it("migrates Aurora during the deploy, again only when the migration history changes, before the services start", () => {
    const migration = named(s, "aws:lambda/invocation:Invocation", "DatabaseMigration");
    const migrator = ofType(s, "aws:lambda/function:Function").find((f) => f.inputs.name === "cloudcafe-dev-database-migrator");
    expect(migrator).toBeDefined();
    expect(migration.inputs.triggers).toEqual({ migrationHistory: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(migration.inputs.functionName).toBe(migrator!.inputs.name);
    // The SST services carry the dependency; their ECS services are created inside them.
    for (const service of ["OrderService", "MenuService"]) expect(s.dependsOn[service], service).toContain("DatabaseMigration");
  });

  it("serves the console's views (/barista, /board, /ops) as its one page through a CloudFront function; files and the API pass", () => {
    const [fn] = ofType(s, "aws:cloudfront/function:Function");
    expect(fn?.inputs).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true, code: CONSOLE_ROUTES_FUNCTION });
    const [cdn] = ofType(s, "aws:cloudfront/distribution:Distribution");
    expect(cdn?.inputs.defaultCacheBehavior.functionAssociations).toEqual([{ eventType: "viewer-request", functionArn: expect.stringContaining("ConsoleRoutes") }]);
    const handler = new Function(`${CONSOLE_ROUTES_FUNCTION}; return handler;`)() as (event: { request: { uri: string } }) => { uri: string };
    const routed = (uri: string) => handler({ request: { uri } }).uri;
    expect(["/barista", "/board", "/ops", "/"].map(routed)).toEqual(["/index.html", "/index.html", "/index.html", "/index.html"]);
    expect(["/assets/index-abc123.js", "/favicon.svg", "/index.html"].map(routed)).toEqual(["/assets/index-abc123.js", "/favicon.svg", "/index.html"]);
  });

  it("serves on CloudFront's and API Gateway's own domains: no certificate, no Route 53 lookup or record", () => {
    expect(ofType(s, "aws:acm/certificate:Certificate")).toEqual([]);
    expect(ofType(s, "aws:route53/record:Record")).toEqual([]);
    expect(s.calls.filter((c) => c.token === "aws:route53/getZone:getZone")).toEqual([]);
    const [cdn] = ofType(s, "aws:cloudfront/distribution:Distribution");
    expect(cdn?.inputs.aliases).toBeUndefined();
    expect(cdn?.inputs.viewerCertificate).toEqual({ cloudfrontDefaultCertificate: true });
  });

  it("keeps the ALB off the internet: HTTP only, from API Gateway's VPC link only", () => {
    const listeners = ofType(s, "aws:lb/listener:Listener").filter((l) => l.name.startsWith("Alb"));
    expect(listeners.map((l) => [l.inputs.protocol, l.inputs.port])).toEqual([["HTTP", 80]]);
    const alb = named(s, "aws:ec2/securityGroup:SecurityGroup", "AlbSecurityGroup");
    const link = named(s, "aws:ec2/securityGroup:SecurityGroup", "SecurityGroup-api-link-sg");
    expect(asArray(alb.inputs.ingress).map((r: any) => [r.fromPort, r.securityGroups, r.cidrBlocks])).toEqual([[80, [idOf(link)], undefined]]);
  });

  it("costs less than the architecture's daily budget when idle, by the price table npm run infra:inventory prints", () => {
    const lines = estimateDailyCost(s.resources);
    expect(lines.map((line) => line.item)).toEqual(expect.arrayContaining(["NAT gateway x1", "Aurora db.t4g.medium x1"]));
    expect(lines.some((line) => /EKS|DocumentDB|MemoryDB/.test(line.item))).toBe(false);
    expect(totalPerDay(lines)).toBeLessThan(BUDGET_PER_DAY.low);
  });

  it("makes no account-wide trail or Config recorder and reserves no payment concurrency", () => {
    expect(ofType(s, "aws:cloudtrail/trail:Trail")).toEqual([]);
    expect(ofType(s, "aws:cfg/recorder:Recorder")).toEqual([]);
    const payment = ofType(s, "aws:lambda/function:Function").find((f) => f.inputs.name === "cloudcafe-dev-payment-processor");
    expect(payment?.inputs.reservedConcurrentExecutions ?? -1).toBe(-1);
  });
});
