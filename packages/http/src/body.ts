import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "@cloudcafe/core";
import { parseOrThrow } from "./validation.ts";

/** Reads a JSON body (the size limit is enforced by the body-limit middleware), then validates it. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("MALFORMED_JSON", "Request body is not valid JSON");
  }
  return parseOrThrow(schema, value, "request body");
}
