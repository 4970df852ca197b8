import type { z } from "zod";
import { AppError, type ErrorDetail } from "./errors.ts";

/**
 * The one way input from outside is validated, whatever carried it: an HTTP body, a header, a path parameter, a
 * queue or stream message. A failure is an AppError naming every bad field; it is final (`retryable: false`),
 * so an HTTP caller gets a 4xx and a queue message goes to its dead-letter queue instead of being retried forever.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(what, result.error.issues);
  return result.data;
}

/** The error for input that failed its schema (`what` names the input): VALIDATION_FAILED with every bad field. */
export function invalidInput(what: string, issues: readonly z.core.$ZodIssue[]): AppError {
  return new AppError("VALIDATION_FAILED", `Invalid ${what}`, { details: issuesToDetails(issues), retryable: false });
}

/** Parses a JSON text (a request or message body) and validates it; unreadable JSON is MALFORMED_JSON. */
export function parseJsonOrThrow<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AppError("MALFORMED_JSON", `${capitalized(what)} is not valid JSON`, { cause, retryable: false });
  }
  return parseOrThrow(schema, value, what);
}

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(root)", message: issue.message }));
}

/** True for the errors `parseOrThrow` and `parseJsonOrThrow` throw: the input itself is wrong, not the system. */
export function isInvalidInput(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === "VALIDATION_FAILED" || error.code === "MALFORMED_JSON");
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
