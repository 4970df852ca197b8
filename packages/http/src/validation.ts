import type { z } from "zod";
import { AppError, type ErrorDetail } from "@cloudcafe/core";

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(root)", message: issue.message }));
}

/** Parses `value` with `schema` or throws a VALIDATION_FAILED AppError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("VALIDATION_FAILED", `Invalid ${what}`, { details: issuesToDetails(result.error.issues) });
  }
  return result.data;
}
