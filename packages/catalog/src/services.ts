/** Ports the services listen on inside their containers / instances, and the ALB path rules. */
export const services = {
  order: { port: 8080, pathPrefix: "/api/orders", healthPath: "/health" },
  inventory: { port: 8080, pathPrefix: "/api/inventory", healthPath: "/health" },
  menu: { port: 8080, pathPrefix: "/api/menu", healthPath: "/health" },
  loyalty: { port: 8080, pathPrefix: "/api/loyalty", healthPath: "/health" },
} as const;

/** Secret guarding destructive controls (stress, chaos): `Resource.OperatorToken.value`. */
export const operatorToken = { resource: "OperatorToken" } as const;
