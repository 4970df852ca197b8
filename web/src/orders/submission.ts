import type { ApiClient, ApiResponse } from "../api/client.ts";
import { uuidV4 } from "../api/random.ts";
import { type RetryOptions, withRetries } from "../api/retry.ts";
import type { Order, PlaceOrderRequest } from "../api/types.ts";

/**
 * One press of "Place order": the body and its idempotency key travel together, so every retry of this submit —
 * automatic or the user's — sends the same key and can never create a second order.
 */
export interface Submission {
  readonly request: PlaceOrderRequest;
  readonly idempotencyKey: string;
}

export function newSubmission(request: PlaceOrderRequest, newKey: () => string = uuidV4): Submission {
  return { request, idempotencyKey: newKey() };
}

export function submitOrder(client: Pick<ApiClient, "placeOrder">, submission: Submission, options?: RetryOptions): Promise<ApiResponse<Order>> {
  return withRetries(() => client.placeOrder(submission.request, submission.idempotencyKey), options);
}
