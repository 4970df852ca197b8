import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateDailyCost, totalPerDay } from "../inventory/cost.ts";
import { BUDGET_PER_DAY } from "../inventory/print.ts";
import { rootDir } from "../offline/paths.ts";
import { publicSamplePaths, resolvePath } from "../offline/routes.ts";
import { synthesize, type Synthesis } from "../offline/sst-runtime.ts";
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
  return [...new Set(found)].sort();
}

/** The default personal stage: `sst deploy --stage dev` with no CLOUDCAFE_* variables (lean profile, no domain). */
describe("a lean dev stage without a domain", () => {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesize("dev");
  });

  it("routes every order path the web console calls to the order service's running tasks, and its menu paths to the menu's target group", () => {
    const paths = calledPaths();
    expect(paths).toEqual(
      expect.arrayContaining(["/api/orders", "/api/orders/stress/x", "/api/orders/stress/runs", "/ready", "/api/menu/items/x", "/api/menu/stores", "/api/inventory/store/x"]),
    );
    const routes = paths.map((p) => resolvePath(s, p));
    // The EKS services' paths: menu and inventory.
    const serviceOf = (path: string) => (path.startsWith("/api/menu/") ? "menu" : path.startsWith("/api/inventory/") ? "inventory" : undefined);
    const menu = routes.filter((route) => serviceOf(route.path));
    const unserved = routes
      .filter((route) => !menu.includes(route))
      .filter((route) => route.missing || !route.target?.includes("ECS service cloudcafe-dev-order-service"))
      .map((route) => `${route.path}: ${route.missing ?? route.target}`);
    expect(unserved).toEqual([]);
    // The lean profile has no EKS workloads: their target groups are there, with nothing registered.
    expect(menu.map((route) => [route.path, route.service, route.missing])).toEqual(menu.map((route) => [route.path, serviceOf(route.path), "no targets"]));
  });

  it("gives every public path of the catalog a target group or NLB; services not built yet say so", () => {
    const routes = publicSamplePaths().map((p) => resolvePath(s, p));
    expect(routes.filter((r) => !r.target).map((r) => `${r.path}: ${r.missing}`)).toEqual([]);
    expect(Object.fromEntries(routes.map((r) => [r.path, [r.service, r.serviceBuilt]]))).toMatchObject({
      "/api/orders/x": ["order", true],
      "/ready": ["order", true],
      "/api/menu/x": ["menu", true],
      "/api/inventory/x": ["inventory", true],
      "/api/loyalty/x": ["loyalty", false],
      "/api/analytics/x": ["analytics", false],
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
    expect(ofType(s, "aws:ecs/service:Service")).toHaveLength(1);
    // No Menu workload without EKS and DocumentDB: the order service still points at the menu's public route.
    expect(s.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    expect(named(s, "aws:appautoscaling/target:Target", "OrderServiceAutoScalingTarget").inputs.minCapacity).toBe(1);
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
