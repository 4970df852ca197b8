/** Metric namespaces (CloudWatch EMF). */
export const metricNamespaces = {
  order: "CloudCafe/OrderService",
  payment: "CloudCafe/PaymentProcessor",
  inventory: "CloudCafe/Inventory",
  menu: "CloudCafe/Menu",
  loyalty: "CloudCafe/Loyalty",
  analytics: "CloudCafe/Analytics",
} as const;

export type MetricNamespaceKey = keyof typeof metricNamespaces;
