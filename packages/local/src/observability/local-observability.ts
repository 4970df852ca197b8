/**
 * `npm start`'s observability in one place: the metrics sink evaluating the alarms, the collectors of what AWS
 * measures outside the code, the ops API behind the gateway, and the terminal output every process's lines go through
 * (this process's own logger and metrics included, so the in-process Lambda stand-ins report like the services).
 */
import { createLogger, routeStdoutLines } from "@cloudcafe/observability";
import type { GatewayRule, RuleStatus } from "../gateway.ts";
import { collectCacheHitRate } from "./collectors/cache-hit-rate.ts";
import { collectDatabaseConnections } from "./collectors/database-connections.ts";
import { gatewayTraffic } from "./collectors/gateway-traffic.ts";
import { collectQueueAge, type WatchedQueue } from "./collectors/queue-age.ts";
import { opsGatewayRule } from "./ops-app.ts";
import { startOpsServer } from "./serve-ops.ts";
import { createMetricsSink, type MetricsSink } from "./sink.ts";
import { createTerminalOutput, logFormatFor, type TerminalOutput } from "./terminal-output.ts";

export interface LocalObservability {
  readonly sink: MetricsSink;
  readonly terminal: TerminalOutput;
  /** The gateway rule of the ops API (`/api/ops/alarms`, `/metrics`, `/series`), to add to the ALB's rules. */
  readonly rule: GatewayRule;
  /** A child process's line handler: its lines are printed (logs) or recorded (EMF) as coming from `source`. */
  linesOf(source: string): (line: string, stream: "stdout" | "stderr") => void;
  /** The gateway's `observe` hook: ALB metrics for requests the given rules route (not the ops API itself). */
  gatewayObserver(albRules: readonly GatewayRule[]): (request: Request, response: Response, durationMs: number) => void;
  /**
   * Checks every target group's healthy and unhealthy targets each second and reports a change, as the load
   * balancers' HealthyHostCount and UnHealthyHostCount (a target still in its first check counts as neither, as in AWS).
   */
  watchTargetHealth(rules: () => readonly RuleStatus[]): void;
  stop(): Promise<void>;
}

export async function startLocalObservability(options: {
  readonly opsPort: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** fauxqs, and the queues whose oldest message's age an alarm watches. */
  readonly sqsUrl: string;
  readonly watchedQueues: readonly WatchedQueue[];
  readonly source?: string;
}): Promise<LocalObservability> {
  const sink = createMetricsSink();
  const isTty = Boolean(process.stdout.isTTY);
  const terminal = createTerminalOutput({ format: logFormatFor(process.env, isTty), ingestMetrics: sink.ingestLine, colour: isTty });
  const source = options.source ?? "local";
  routeStdoutLines((line) => terminal.line(line, source));
  const logger = createLogger({ service: "metrics-sink" });
  // Into and out of ALARM is news; the first evaluations after the start (INSUFFICIENT_DATA -> OK) are not.
  sink.onAlarmChange((key, transition) => {
    if (transition.to === "ALARM") logger.warn(`alarm ${key}: ${transition.from} -> ALARM`, { reason: transition.reason });
    else if (transition.from === "ALARM") logger.info(`alarm ${key}: ALARM -> ${transition.to}`, { reason: transition.reason });
  });
  sink.start();
  const database = collectDatabaseConnections(sink, options.databaseUrl, logger);
  const cache = collectCacheHitRate(sink, options.redisUrl, logger);
  const queueAge = collectQueueAge(sink, options.sqsUrl, options.watchedQueues, logger);
  const ops = await startOpsServer(sink, { port: options.opsPort, logger });
  const rule = opsGatewayRule(ops.url);
  return {
    sink,
    terminal,
    rule,
    linesOf: (name) => (line, stream) => terminal.line(line, name, stream),
    gatewayObserver: (albRules) => gatewayTraffic(sink, albRules, [rule]),
    watchTargetHealth(rules) {
      // Looked up as each period ends (a load balancer reports its healthy hosts once a period); the sink repeats a
      // gauge every period until it is set again, so only a change of the counts is news to it.
      const reported = new Map<string, string>();
      sink.sampleEachPeriod(() => {
        for (const { service, targets } of rules()) {
          const healthy = targets.filter((target) => target.health === "healthy").length;
          const unhealthy = targets.filter((target) => target.health === "unhealthy").length;
          if (reported.get(service) === `${healthy}/${unhealthy}`) continue;
          reported.set(service, `${healthy}/${unhealthy}`);
          sink.recordTargetHealth(service, healthy, unhealthy);
        }
      });
    },
    async stop() {
      sink.stop();
      cache.stop();
      queueAge.stop();
      await Promise.all([database.stop(), ops.stop()]);
      routeStdoutLines(undefined);
    },
  };
}
