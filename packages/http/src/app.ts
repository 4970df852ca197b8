import { OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "@cloudcafe/core";
import type { Logger, Metrics } from "@cloudcafe/observability";
import { validationHook } from "./contract.ts";
import { errorResponse, toAppError } from "./errors.ts";
import { limitBody, requestContext, type RequestLogOptions } from "./middleware.ts";

export interface ServiceAppOptions {
  logger: Logger;
  metrics?: Metrics;
  bodyLimitBytes?: number;
  /** Routine polls logged at DEBUG (see `requestContext`). */
  requestLog?: RequestLogOptions;
}

/**
 * The base every CloudCafe service app starts from: trace context, request log, body limit, JSON 404 and the error
 * contract `{error:{code,message,details?}}`, also for input its contract routes reject (see `contract.ts`).
 */
export function createServiceApp(options: ServiceAppOptions) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use("*", requestContext(options.logger, options.metrics, options.requestLog));
  app.use("*", limitBody(options.bodyLimitBytes));
  app.notFound((c) => errorResponse(c, new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.code === "INTERNAL" || appError.code === "DEPENDENCY_UNAVAILABLE") {
      options.logger.error("request failed", { error, code: appError.code });
    }
    return errorResponse(c, appError);
  });
  return app;
}
