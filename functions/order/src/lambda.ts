import { handle } from "hono/aws-lambda";
import { createOrderApp } from "./app.ts";
import { sharedOrderRuntime } from "./runtime.ts";

/** Lambda entry (API Gateway): the same app as the container; undelivered outbox rows go to the relay function. */
const runtime = sharedOrderRuntime();
export const handler = handle(
  createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, operatorToken: runtime.config.operatorToken }),
);
