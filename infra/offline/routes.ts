/**
 * The public path -> CloudFront behaviour -> API Gateway route -> integration -> ALB rule or NLB listener -> target
 * chain, read from a synthesized program (sst-runtime.ts), so `npm run infra:routes` and the tests see what would be
 * deployed rather than what the code meant to deploy.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { services, servicePathPatterns, type ServiceKey } from "@cloudcafe/catalog";
import type { MockedResource, Synthesis } from "./sst-runtime.ts";
import { rootDir } from "./paths.ts";

export interface PathRoute {
  readonly path: string;
  /** The CloudFront behaviour's path pattern (`default` for the web console). */
  readonly behaviour: string;
  readonly apiRoute?: string;
  /** `VPC link -> <load balancer> <uri>`. */
  readonly integration?: string;
  /** `ALB rule <priority> <patterns>` or `NLB listener <port>`. */
  readonly loadBalancer?: string;
  /** What receives the request: the web console's bucket or a target group and what registers in it. */
  readonly target?: string;
  /** The catalog service whose paths these are, and whether its server exists in this repository yet. */
  readonly service?: ServiceKey;
  readonly serviceBuilt?: boolean;
  /** Where the chain ends without a target, why. */
  readonly missing?: string;
}

const inputsOf = (s: Synthesis, type: string) => s.resources.filter((r) => r.type === type);
const idOf = (r: MockedResource) => `${r.name}-id`;
const arnOf = (r: MockedResource) => `arn:aws:${r.type.split(":")[1]!.split("/")[0]}:us-east-1:123456789012:${r.name}`;

/** A CloudFront or ALB path pattern (`*` any characters, `?` one) as a regular expression. */
function globRegExp(pattern: string): RegExp {
  const literal = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${pattern.split("*").map((part) => part.split("?").map(literal).join(".")).join(".*")}$`);
}

/** API Gateway's resource paths, built from each resource's path part and parent. */
function apiResourcePaths(s: Synthesis): Map<string, string> {
  const resources = inputsOf(s, "aws:apigateway/resource:Resource");
  const byId = new Map(resources.map((r) => [idOf(r), r]));
  const pathOf = (r: MockedResource): string => {
    const parent = byId.get(r.inputs.parentId);
    return `${parent ? pathOf(parent) : ""}/${r.inputs.pathPart}`;
  };
  return new Map(resources.map((r) => [idOf(r), pathOf(r)]));
}

/** The API route (resource path) a request path takes: an exact path before a `{proxy+}` one, the longest first. */
function matchApiRoute(routes: readonly string[], requestPath: string): { route: string; proxy?: string } | undefined {
  if (routes.includes(requestPath)) return { route: requestPath };
  const greedy = routes
    .filter((route) => route.endsWith("/{proxy+}"))
    .map((route) => ({ route, base: route.slice(0, -"/{proxy+}".length) }))
    .filter(({ base }) => requestPath.startsWith(`${base}/`) && requestPath.length > base.length + 1)
    .sort((a, b) => b.base.length - a.base.length)[0];
  return greedy ? { route: greedy.route, proxy: requestPath.slice(greedy.base.length + 1) } : undefined;
}

/** Who registers targets in a target group: an ECS service, an Auto Scaling group or an attached instance. */
function registrations(s: Synthesis, targetGroupArn: string): string[] {
  const ecs = inputsOf(s, "aws:ecs/service:Service")
    .filter((svc) => (svc.inputs.loadBalancers ?? []).some((lb: any) => lb.targetGroupArn === targetGroupArn))
    .map((svc) => `ECS service ${svc.inputs.name}`);
  const asg = inputsOf(s, "aws:autoscaling/group:Group")
    .filter((group) => (group.inputs.targetGroupArns ?? []).includes(targetGroupArn))
    .map((group) => `Auto Scaling group ${group.inputs.name}`);
  const attached = inputsOf(s, "aws:lb/targetGroupAttachment:TargetGroupAttachment")
    .filter((attachment) => attachment.inputs.targetGroupArn === targetGroupArn)
    .map((attachment) => {
      const instance = inputsOf(s, "aws:ec2/instance:Instance").find((i) => idOf(i) === attachment.inputs.targetId);
      return `instance ${instance?.inputs.tags?.Name ?? attachment.inputs.targetId}`;
    });
  return [...ecs, ...asg, ...attached];
}

function describeTargetGroup(s: Synthesis, targetGroupArn: string): { target: string; registered: boolean } {
  const group = inputsOf(s, "aws:lb/targetGroup:TargetGroup").find((tg) => arnOf(tg) === targetGroupArn);
  const name = group?.inputs.name ?? group?.name ?? targetGroupArn;
  const registered = registrations(s, targetGroupArn);
  return { target: `${name} <- ${registered.length ? registered.join(", ") : "nothing registered yet (EKS pods register their own)"}`, registered: registered.length > 0 };
}

function catalogService(requestPath: string): ServiceKey | undefined {
  return (Object.keys(services) as ServiceKey[]).find((service) => servicePathPatterns(service).some((p) => globRegExp(p).test(requestPath)));
}

/** Follows one request path through the synthesized edge. */
export function resolvePath(s: Synthesis, requestPath: string): PathRoute {
  const service = catalogService(requestPath);
  const base = {
    path: requestPath,
    ...(service ? { service, serviceBuilt: existsSync(path.join(rootDir, services[service].serverModule)) } : {}),
  };
  const [distribution] = inputsOf(s, "aws:cloudfront/distribution:Distribution");
  if (!distribution) return { ...base, behaviour: "-", missing: "no CloudFront distribution" };
  const behaviour = (distribution.inputs.orderedCacheBehaviors ?? []).find((b: any) => globRegExp(b.pathPattern).test(requestPath));
  if (!behaviour || behaviour.targetOriginId !== "api") {
    return { ...base, behaviour: behaviour?.pathPattern ?? "default", target: "web console bucket (S3)" };
  }
  const paths = apiResourcePaths(s);
  const integrations = inputsOf(s, "aws:apigateway/integration:Integration");
  const routes = integrations.map((i) => paths.get(i.inputs.resourceId)).filter((p): p is string => Boolean(p));
  const matched = matchApiRoute(routes, requestPath);
  if (!matched) {
    // A function-served service has routes only on the stages that deploy its function.
    const byFunction = base.service !== undefined && (services[base.service] as { api?: string }).api === "function";
    return { ...base, behaviour: behaviour.pathPattern, missing: byFunction ? "no API Gateway route (its function is not deployed on this stage)" : "no API Gateway route" };
  }
  const integration = integrations.find((i) => paths.get(i.inputs.resourceId) === matched.route)!;
  if (integration.inputs.type === "AWS_PROXY") {
    const fn = inputsOf(s, "aws:lambda/function:Function").find((f) => String(integration.inputs.uri).includes(arnOf(f)));
    return {
      ...base,
      behaviour: behaviour.pathPattern,
      apiRoute: `ANY ${matched.route}`,
      integration: "Lambda proxy",
      ...(fn ? { target: `Lambda ${fn.inputs.name}` } : { missing: "the integration targets no function of this program" }),
    };
  }
  const uri = new URL(String(integration.inputs.uri).replace("{proxy}", matched.proxy ?? ""));
  const balancer = inputsOf(s, "aws:lb/loadBalancer:LoadBalancer").find((lb) => arnOf(lb) === integration.inputs.integrationTarget);
  const viaLink = integration.inputs.connectionType === "VPC_LINK";
  const hop = {
    ...base,
    behaviour: behaviour.pathPattern,
    apiRoute: `ANY ${matched.route}`,
    integration: `${viaLink ? "VPC link" : "internet"} -> ${balancer?.inputs.name ?? "?"} ${uri.protocol}//…${uri.port ? `:${uri.port}` : ""}${uri.pathname}`,
  };
  if (!balancer || !viaLink) return { ...hop, missing: "the integration targets no load balancer of this program" };
  const port = Number(uri.port || (uri.protocol === "https:" ? 443 : 80));
  const listener = inputsOf(s, "aws:lb/listener:Listener").find((l) => l.inputs.loadBalancerArn === arnOf(balancer) && l.inputs.port === port);
  if (!listener) return { ...hop, missing: `no listener on port ${port}` };
  if (balancer.inputs.loadBalancerType === "network") {
    const forward = listener.inputs.defaultActions?.[0]?.targetGroupArn;
    const { target, registered } = describeTargetGroup(s, forward);
    return { ...hop, loadBalancer: `NLB listener ${listener.inputs.protocol} ${port}`, target, ...(registered ? {} : { missing: "no targets" }) };
  }
  const rule = inputsOf(s, "aws:lb/listenerRule:ListenerRule")
    .filter((r) => r.inputs.listenerArn === arnOf(listener))
    .sort((a, b) => a.inputs.priority - b.inputs.priority)
    .find((r) => r.inputs.conditions.some((c: any) => (c.pathPattern?.values ?? []).some((p: string) => globRegExp(p).test(uri.pathname))));
  if (!rule) return { ...hop, missing: `no ALB rule on ${listener.inputs.protocol} ${port} for ${uri.pathname}` };
  const patterns = rule.inputs.conditions.flatMap((c: any) => c.pathPattern?.values ?? []);
  const { target, registered } = describeTargetGroup(s, rule.inputs.actions[0].targetGroupArn);
  return {
    ...hop,
    loadBalancer: `ALB ${listener.inputs.protocol} ${port} rule ${rule.inputs.priority} ${patterns.join(" ")}`,
    target,
    ...(registered ? {} : { missing: "no targets" }),
  };
}

/** One concrete path per public route of the catalog (`{proxy+}` as `…/x`), in catalog order. */
export function publicSamplePaths(): string[] {
  return (Object.keys(services) as ServiceKey[]).flatMap((service) => {
    const spec = services[service] as { pathPrefix: string; alsoServes?: readonly string[] };
    return [spec.pathPrefix, `${spec.pathPrefix}/x`, ...(spec.alsoServes ?? [])];
  });
}

export function routeTable(routes: readonly PathRoute[]): string {
  return routes
    .map((r) =>
      [
        r.path,
        `  CloudFront ${r.behaviour}`,
        ...(r.apiRoute ? [`  API Gateway ${r.apiRoute}`, `  ${r.integration}`] : []),
        ...(r.loadBalancer ? [`  ${r.loadBalancer}`] : []),
        `  -> ${r.target ?? `(${r.missing})`}`,
        ...(r.service ? [`  service: ${r.service}${r.serviceBuilt ? "" : " (does not exist yet: no " + services[r.service].serverModule + ")"}`] : []),
      ].join("\n"),
    )
    .join("\n");
}
