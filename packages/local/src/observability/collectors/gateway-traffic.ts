/**
 * The ALB's own metrics, measured at the local gateway: RequestCount, HTTPCode_Target_5XX_Count (a service answered
 * 5XX), HTTPCode_ELB_5XX_Count (the gateway answered 5XX itself: no target reachable) and TargetResponseTime (seconds
 * to the answer's headers), under AWS/ApplicationELB per load balancer and target group, as an ALB reports them. Only
 * requests a rule routes count: the console's files are CloudFront's and S3's when deployed, never the ALB's.
 */
import { localAlarmDimensions } from "@cloudcafe/catalog";
import { TRACEPARENT_HEADER } from "@cloudcafe/observability";
import { type GatewayRule, pathPatternRegExp } from "../../gateway.ts";
import type { MetricsSink } from "../sink.ts";

export const ALB_NAMESPACE = "AWS/ApplicationELB";

/** The gateway's `observe` hook, recording each routed answer into the sink. */
export function gatewayTraffic(sink: MetricsSink, rules: readonly GatewayRule[]) {
  const matchers = rules.map((rule) => ({ service: rule.service, patterns: rule.pathPatterns.map(pathPatternRegExp) }));
  return (request: Request, response: Response, durationMs: number): void => {
    const path = new URL(request.url).pathname;
    const service = matchers.find(({ patterns }) => patterns.some((pattern) => pattern.test(path)))?.service;
    if (!service) return;
    const dimensions = { LoadBalancer: localAlarmDimensions.loadBalancer, TargetGroup: service };
    const count = (name: string) => sink.record({ namespace: ALB_NAMESPACE, name, value: 1, unit: "Count", dimensions });
    count("RequestCount");
    // Every service answers with its trace context; the gateway's own errors (502 when no target answers) do not.
    if (response.status >= 500) count(response.headers.has(TRACEPARENT_HEADER) ? "HTTPCode_Target_5XX_Count" : "HTTPCode_ELB_5XX_Count");
    sink.record({ namespace: ALB_NAMESPACE, name: "TargetResponseTime", value: durationMs / 1000, unit: "Seconds", dimensions });
  };
}
