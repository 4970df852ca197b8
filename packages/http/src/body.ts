import type { Context } from "hono";
import type { z } from "zod";
import { AppError, parseJsonOrThrow } from "@cloudcafe/core";

/** Reads a JSON body (the size limit is enforced by the body-limit middleware), then validates it. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
  return parseJsonOrThrow(schema, await c.req.text(), "request body");
}
