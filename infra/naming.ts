/**
 * AWS names for catalog resources: the catalog's name, prefixed with app and stage so that stages share an account
 * without colliding (`cloudcafe-dev-order-submission-queue`). FIFO names keep their mandatory `.fifo` suffix last.
 */
export function physicalName(catalogName: string): string {
  const fifo = catalogName.endsWith(".fifo");
  const base = fifo ? catalogName.slice(0, -".fifo".length) : catalogName;
  return `${$app.name}-${$app.stage}-${base}${fifo ? ".fifo" : ""}`;
}

/** Name for resources the catalog does not list (security groups, clusters, log groups). */
export function stageName(suffix: string): string {
  return `${$app.name}-${$app.stage}-${suffix}`;
}

/**
 * A stage name for a resource whose name AWS caps at `max` characters (load balancers and target groups 32, Lattice
 * services and Redis replication groups 40): as stageName when it fits, otherwise cut and ended with a hash of the
 * whole name, so two long names never collide.
 */
export function limitedName(suffix: string, max: number): string {
  const full = stageName(suffix);
  if (full.length <= max) return full;
  let hash = 0;
  for (const char of full) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const tag = hash.toString(36).padStart(7, "0").slice(-7);
  return `${full.slice(0, max - tag.length - 1).replace(/-+$/, "")}-${tag}`;
}

/** `menu-sync` → `MenuSync`: logical (Pulumi) names are PascalCase. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
