import { ApiError } from "../api/errors.ts";

/** One sentence an engineer can act on, for any failure a view shows. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case "UNAUTHORIZED":
      return "Operator token required: enter it in the ops panel.";
    case "FORBIDDEN":
      return "Operator token rejected: check the token configured for this stage.";
    case "RATE_LIMITED":
      return `Rate limited: ${error.message}`;
    default:
      return error.status > 0 ? `${error.message} (HTTP ${error.status} ${error.code})` : error.message;
  }
}
