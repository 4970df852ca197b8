/**
 * The ALB's own metrics, measured at the local gateway: RequestCount, HTTPCode_Target_4XX/5XX_Count (a service
 * answered), HTTPCode_ELB_4XX/5XX_Count (the gateway answered itself: no target reachable, no rule for the path) and
 * TargetResponseTime (seconds to the answer's headers), under AWS/ApplicationELB per load balancer and target group,
 * as an ALB reports them. Only API paths count: the console's files are CloudFront's and S3's when deployed.
 */
import { localAlarmDimensions } from "@cloudcafe/catalog";
import { TRACEPARENT_HEADER } from "@cloudcafe/observability";
import { type GatewayRule, pathPatternRegExp } from "../../gateway.ts";
import type { MetricsSink } from "../sink.ts";

export const ALB_NAMESPACE = "AWS/ApplicationELB";

/**
 * The gateway's `observe` hook, recording each answer to an API path into the sink: per target group for the paths the
 * ALB's rules route, for the load balancer alone for API paths no rule routes (the listener's default answer, as
 * after a deleted rule). `excluded` paths are not the ALB's (the ops API itself).
 */
export function gatewayTraffic(sink: MetricsSink, rules: readonly GatewayRule[], excluded: readonly GatewayRule[] = []) {
  const matcher = (list: readonly GatewayRule[]) => list.map((rule) => ({ service: rule.service, patterns: rule.pathPatterns.map(pathPatternRegExp) }));
  const routed = matcher(rules);
  const notAlb = matcher(excluded);
  const find = (list: typeof routed, path: string) => list.find(({ patterns }) => patterns.some((pattern) => pattern.test(path)))?.service;
  return (request: Request, response: Response, durationMs: number): void => {
    const path = new URL(request.url).pathname;
    const service = find(routed, path);
    if (!service && (!path.startsWith("/api/") || find(notAlb, path))) return;
    const dimensions: Record<string, string> = { LoadBalancer: localAlarmDimensions.loadBalancer, ...(service ? { TargetGroup: service } : {}) };
    const count = (name: string) => sink.record({ namespace: ALB_NAMESPACE, name, value: 1, unit: "Count", dimensions });
    count("RequestCount");
    // Every service answers with its trace context; the gateway's own answers (502 when no target answers, the
    // listener default for a path no rule routes) do not.
    const from = response.headers.has(TRACEPARENT_HEADER) ? "Target" : "ELB";
    if (response.status >= 500) count(`HTTPCode_${from}_5XX_Count`);
    else if (response.status >= 400) count(`HTTPCode_${from}_4XX_Count`);
    if (service) sink.record({ namespace: ALB_NAMESPACE, name: "TargetResponseTime", value: durationMs / 1000, unit: "Seconds", dimensions });
  };
}
