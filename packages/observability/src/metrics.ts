import { currentContext } from "./context.ts";
import { writeStdoutLine } from "./output.ts";

export type MetricUnit = "Milliseconds" | "Seconds" | "Count" | "Percent" | "Bytes" | "Count/Second" | "None";

export interface MetricsOptions {
  /** CloudWatch namespace, e.g. `CloudCafe/OrderService`. */
  namespace: string;
  service: string;
  write?: (line: string) => void;
}

export interface Metrics {
  /** Emits one EMF document holding one metric, dimensioned by service (plus any extra dimensions). */
  put(name: string, value: number, unit: MetricUnit, dimensions?: Record<string, string>): void;
}

/**
 * CloudWatch Embedded Metric Format writer. Each call is one self-contained document on stdout, which
 * CloudWatch Logs turns into a metric (Lambda natively, ECS/EKS/EC2 through the agent's EMF support).
 * One document per datapoint keeps concurrent requests from sharing buffered state.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  // Like Powertools' POWERTOOLS_METRICS_DISABLED: keeps stdout quiet where no one collects metrics (test runs).
  if (!options.write && process.env.CLOUDCAFE_METRICS_DISABLED === "true") return { put() {} };
  const write = options.write ?? writeStdoutLine;
  return {
    put(name, value, unit, dimensions = {}) {
      const dims = { service: options.service, ...dimensions };
      const traceId = currentContext().traceId;
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              { Namespace: options.namespace, Dimensions: [Object.keys(dims)], Metrics: [{ Name: name, Unit: unit }] },
            ],
          },
          ...dims,
          [name]: value,
          ...(traceId ? { trace_id: traceId } : {}),
        }),
      );
    },
  };
}
