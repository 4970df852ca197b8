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
  /** Its container / instance entry (`functions/<service>/src/server.ts`), relative to the repository root. */
  readonly serverModule: string;
  /** Where `npm start` runs it on the laptop (`CLOUDCAFE_<SERVICE>_PORT` overrides), as every service owns 8080 in AWS. */
  readonly localPort: number;
}

const entry = <const Name extends string>(name: Name, localPort: number) =>
  ({ port: servicePort, healthPath: "/health", serverModule: `functions/${name}/src/server.ts`, localPort }) as const;

export const services = {
  order: { ...entry("order", 8080), pathPrefix: "/api/orders", albPriority: 100 },
  inventory: { ...entry("inventory", 8082), pathPrefix: "/api/inventory", albPriority: 300 },
  menu: { ...entry("menu", 8081), pathPrefix: "/api/menu", albPriority: 200 },
  loyalty: { ...entry("loyalty", 8083), pathPrefix: "/api/loyalty" },
} as const satisfies Record<string, ServiceSpec>;

export type ServiceKey = keyof typeof services;
/** The services the ALB routes to. */
export type AlbServiceKey = { [K in ServiceKey]: (typeof services)[K] extends { albPriority: number } ? K : never }[ServiceKey];

export interface AlbRule {
  readonly priority: number;
  /** ALB path patterns (`*` any characters, `?` one); `/api/orders/*` does not match `/api/orders`, so a rule has both. */
  readonly pathPatterns: readonly string[];
}

export function albRule(service: AlbServiceKey): AlbRule {
  const { pathPrefix, albPriority } = services[service];
  return { priority: albPriority, pathPatterns: [pathPrefix, `${pathPrefix}/*`] };
}

/** The ALB's services, in rule priority order. */
export const albServices: readonly AlbServiceKey[] = (Object.keys(services) as ServiceKey[])
  .filter((service): service is AlbServiceKey => "albPriority" in services[service])
  .sort((a, b) => albRule(a).priority - albRule(b).priority);

/** Secret guarding destructive controls (stress, chaos): `Resource.OperatorToken.value`. */
export const operatorToken = { resource: "OperatorToken" } as const;
