import { AppError } from "../errors.ts";
import { paymentRequestedSchema, type PaymentRequested } from "./messages.ts";

/** Reads a queue message body; a body that is not a PaymentRequested is a poison message and throws. */
export function parsePaymentRequested(body: string): PaymentRequested {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new AppError("MALFORMED_JSON", "Payment request body is not JSON", { cause, retryable: false });
  }
  const parsed = paymentRequestedSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new AppError("VALIDATION_FAILED", "Payment request body does not match PaymentRequested", {
    details: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    retryable: false,
  });
}
