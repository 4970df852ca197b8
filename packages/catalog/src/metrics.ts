/** Metric namespaces (CloudWatch EMF). */
export const metricNamespaces = {
  order: "CloudCafe/OrderService",
  payment: "CloudCafe/PaymentProcessor",
  inventory: "CloudCafe/Inventory",
  menu: "CloudCafe/Menu",
  loyalty: "CloudCafe/Loyalty",
  analytics: "CloudCafe/Analytics",
  /** What the shared clients report whatever service runs them (the DynamoDB client's throttled attempts). */
  platform: "CloudCafe/Platform",
} as const;

export type MetricNamespaceKey = keyof typeof metricNamespaces;
