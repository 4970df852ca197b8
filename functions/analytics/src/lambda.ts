import { handle } from "hono/aws-lambda";
import { createAnalyticsApp } from "./app.ts";
import { sharedAnalyticsApiRuntime } from "./runtime.ts";

/** Lambda entry of the read API (API Gateway `/api/analytics/*`); the worker creates the tables it reads. */
export const handler = handle(createAnalyticsApp(sharedAnalyticsApiRuntime()));
