import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AppError, type ErrorCode, errorCodes, isAppError } from "@cloudcafe/core";

/** The single mapping from error codes to HTTP statuses. */
export const statusForCode = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  OVERLOADED: 503,
  DEPENDENCY_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .readonly()
        .optional()
        .describe("One entry per invalid field (`path` is dotted, `(root)` for the input itself)."),
    }),
  })
  .meta({ id: "Error", description: "Every failure: a code (its HTTP status follows from it), a message, per-field details for invalid input." });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(error: AppError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  };
}

export const unsupportedMediaType = () => new AppError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");

/** Socket-level failures of a dependency (database, cache, AWS endpoint): the request may succeed on retry. */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

function dependencyFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
    if (current.name === "TimeoutError" || current.name === "AggregateError") return true;
  }
  return false;
}

/**
 * What Hono throws while reading a contract route's body: its media-type gate (415) and its JSON parser (400, the
 * only 400 it raises here since every contract body is JSON).
 */
function requestReadFailure(error: HTTPException): AppError | undefined {
  if (error.status === 415) return unsupportedMediaType();
  if (error.status === 400) return new AppError("MALFORMED_JSON", "Request body is not valid JSON", { cause: error });
  return undefined;
}

/** Classifies anything thrown: AppErrors as they are, dependency outages as 503, the rest as 500. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const unreadable = error instanceof HTTPException ? requestReadFailure(error) : undefined;
  if (unreadable) return unreadable;
  if (dependencyFailure(error)) return new AppError("DEPENDENCY_UNAVAILABLE", "A dependency is unavailable; retry shortly", { cause: error });
  return new AppError("INTERNAL", "Internal server error", { cause: error });
}

/** Turns anything thrown into the JSON error contract without leaking internals. */
export function errorResponse(c: Context, error: unknown) {
  const appError = toAppError(error);
  if (appError.retryAfterSeconds !== undefined) c.header("Retry-After", String(appError.retryAfterSeconds));
  else if (appError.retryable) c.header("Retry-After", "1");
  return c.json(errorBody(appError), statusForCode[appError.code]);
}
