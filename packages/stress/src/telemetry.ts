import { metricNamespaces } from "@cloudcafe/catalog";
import { createLogger, createMetrics, type Logger, type Metrics } from "@cloudcafe/observability";
import type { ServiceKey } from "./scenarios.ts";

export interface StressTelemetry {
  logger: Logger;
  metrics: Metrics;
}

/** Logger and EMF writer of a service's stress runs, in that service's metric namespace. */
export function stressTelemetry(service: ServiceKey, write?: (line: string) => void): StressTelemetry {
  const name = `${service}-stress`;
  return {
    logger: createLogger({ service: name, ...(write ? { write } : {}) }),
    metrics: createMetrics({ namespace: metricNamespaces[service], service: name, ...(write ? { write } : {}) }),
  };
}
