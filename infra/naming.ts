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

/** `menu-sync` → `MenuSync`: logical (Pulumi) names are PascalCase. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
