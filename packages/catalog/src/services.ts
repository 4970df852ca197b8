/** The HTTP services: where each listens, which paths are its own, and how the ALB routes to it. */

/** Every service listens on this port inside its container, pod or instance, so the security groups open one port. */
export const servicePort = 8080;

export interface ServiceSpec {
  readonly port: typeof servicePort;
  /** Requests under this prefix are the service's; it receives them with the path unchanged. */
  readonly pathPrefix: string;
  readonly healthPath: string;
  /** Priority of its listener rule on the internet-facing ALB; absent for a service behind the internal NLB. */
  readonly albPriority?: number;
  /** Public paths outside its prefix that it answers (the console's readiness check). */
  readonly alsoServes?: readonly string[];
  /**
   * `function`: API Gateway sends its whole prefix to its Lambda (`apiFunctions`), not to a load balancer; it has no
   * ALB rule or NLB listener (the analytics read API; its worker serves no HTTP).
   */
  readonly api?: "function";
  /** Its container / instance entry (`functions/<service>/src/server.ts`), relative to the repository root. */
  readonly serverModule: string;
  /** Where `npm start` runs it on the laptop (`CLOUDCAFE_<SERVICE>_PORT` overrides), as every service owns 8080 in AWS. */
  readonly localPort: number;
}

const entry = <const Name extends string>(name: Name, localPort: number) =>
  ({ port: servicePort, healthPath: "/health", serverModule: `functions/${name}/src/server.ts`, localPort }) as const;

export const services = {
  order: { ...entry("order", 8080), pathPrefix: "/api/orders", albPriority: 100, alsoServes: ["/ready"] },
  inventory: { ...entry("inventory", 8082), pathPrefix: "/api/inventory", albPriority: 300 },
  menu: { ...entry("menu", 8081), pathPrefix: "/api/menu", albPriority: 200 },
  loyalty: { ...entry("loyalty", 8083), pathPrefix: "/api/loyalty" },
  // The analytics read API: a Lambda behind API Gateway when deployed (the worker on its instance serves no HTTP);
  // locally its server.ts behind the gateway.
  analytics: { ...entry("analytics", 8084), pathPrefix: "/api/analytics", api: "function" },
} as const satisfies Record<string, ServiceSpec>;

export type ServiceKey = keyof typeof services;
/** The services the ALB routes to. */
export type AlbServiceKey = { [K in ServiceKey]: (typeof services)[K] extends { albPriority: number } ? K : never }[ServiceKey];

export interface AlbRule {
  readonly priority: number;
  /** ALB path patterns (`*` any characters, `?` one); `/api/orders/*` does not match `/api/orders`, so a rule has both. */
  readonly pathPatterns: readonly string[];
}

/** A service's public path patterns (`*` any characters): its prefix, everything under it, and what it also serves. */
export function servicePathPatterns(service: ServiceKey): readonly string[] {
  const spec: ServiceSpec = services[service];
  return [spec.pathPrefix, `${spec.pathPrefix}/*`, ...(spec.alsoServes ?? [])];
}

export function albRule(service: AlbServiceKey): AlbRule {
  return { priority: services[service].albPriority, pathPatterns: servicePathPatterns(service) };
}

/** One public API route as API Gateway declares it (`{proxy+}`: the rest of the path), and what stands behind it. */
export interface PublicRoute {
  readonly path: string;
  readonly service: ServiceKey;
  readonly via: "alb" | "nlb" | "function";
}

/** Every public API route: each service's prefix, the prefix's sub-paths, and the paths it also serves. */
export function publicRoutes(): PublicRoute[] {
  return (Object.keys(services) as ServiceKey[]).flatMap((service) => {
    const spec: ServiceSpec = services[service];
    const via = spec.api === "function" ? "function" : spec.albPriority === undefined ? "nlb" : "alb";
    return [spec.pathPrefix, `${spec.pathPrefix}/{proxy+}`, ...(spec.alsoServes ?? [])].map((path) => ({ path, service, via }));
  });
}

/** The ALB's services, in rule priority order. */
export const albServices: readonly AlbServiceKey[] = (Object.keys(services) as ServiceKey[])
  .filter((service): service is AlbServiceKey => "albPriority" in services[service])
  .sort((a, b) => albRule(a).priority - albRule(b).priority);

/** Secret guarding destructive controls (stress, chaos): `Resource.OperatorToken.value`. */
export const operatorToken = { resource: "OperatorToken" } as const;
