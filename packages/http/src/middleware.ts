import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "@cloudcafe/core";
import {
  type Logger,
  type Metrics,
  TRACEPARENT_HEADER,
  newTraceId,
  traceIdFrom,
  traceparentFor,
  withContext,
} from "@cloudcafe/observability";
import { errorResponse } from "./errors.ts";

/** Default request body limit: an order with 50 lines is a few KB; 64 KB leaves room and stops abuse. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** How an ALB's (and the local gateway's) health checks name themselves in `User-Agent`. */
const HEALTH_CHECKER = "ELB-HealthChecker/";

export interface RequestLogOptions {
  /**
   * Paths whose answered requests are routine polls (a fault document every process reads every few seconds): logged
   * at DEBUG, like health checks, so INFO carries the traffic. A routine request that fails still logs as usual.
   */
  readonly routinePaths?: readonly string[];
}

/**
 * Adopts the caller's W3C traceparent (or starts a trace), runs the request inside the log context,
 * echoes the traceparent on the response, and logs one line per request with its latency: at INFO, at DEBUG for a
 * passing health check or routine poll (an ALB checks every target every few seconds: most of an idle service's log
 * lines otherwise), at ERROR for a 5xx. Its RequestLatency metric counts traffic only: a passing check or poll is
 * left out, as an ALB leaves its health checks out of TargetResponseTime (they would drag an idle service's
 * percentiles towards a trivial handler's, and cost one EMF document per check).
 */
export function requestContext(logger: Logger, metrics?: Metrics, options: RequestLogOptions = {}): MiddlewareHandler {
  const routine = new Set(options.routinePaths ?? []);
  return async (c, next) => {
    const traceId = traceIdFrom(c.req.header(TRACEPARENT_HEADER)) ?? newTraceId();
    const started = performance.now();
    await withContext({ traceId }, async () => {
      await next();
      const durationMs = performance.now() - started;
      c.header(TRACEPARENT_HEADER, traceparentFor(traceId));
      const status = c.res.status;
      const polled = routine.has(c.req.path) || (c.req.header("user-agent")?.startsWith(HEALTH_CHECKER) ?? false);
      const passingPoll = polled && status < 400;
      const level = status >= 500 ? "error" : passingPoll ? "debug" : "info";
      logger[level]("request completed", { method: c.req.method, path: c.req.path, status, duration_ms: Math.round(durationMs * 100) / 100 });
      if (!passingPoll) metrics?.put("RequestLatency", durationMs, "Milliseconds", { route: c.req.routePath ?? c.req.path });
    });
  };
}

export function limitBody(maxSize = DEFAULT_BODY_LIMIT_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => errorResponse(c, new AppError("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxSize} bytes`)),
  });
}
