import { AppError, RESERVATIONS_PATH, reserveResultSchema, settleResultSchema, type StockReservations } from "@cloudcafe/core";
import type { z } from "zod";
import { traceparentNow } from "../aws/trace-attributes.ts";

export interface HttpStockReservationsOptions {
  /** The Inventory service: its address on the laptop, its VPC Lattice service's DNS name when deployed. */
  baseUrl: string;
  /** Per request (default 2 s): a reservation is a DynamoDB transaction of up to 51 items. */
  timeoutMs?: number;
  /** Signs a request before it is sent (SigV4 for a Lattice service with IAM auth); absent: sent as it is. */
  sign?: (request: Request) => Promise<Request>;
  fetch?: typeof fetch;
}

/**
 * The order service's side of the Inventory service's reservations, over HTTP. Every call is idempotent per order id
 * on the inventory side, so a failure here throws and the caller's retry (the queue's redelivery, the outbox relay)
 * is safe. A 429 or 5xx is DEPENDENCY_UNAVAILABLE (retryable); a 4xx is a defect in this caller and says so.
 */
export function httpStockReservations(options: HttpStockReservationsOptions): StockReservations {
  const base = `${options.baseUrl.replace(/\/$/, "")}${RESERVATIONS_PATH}`;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2_000;

  async function post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
    let request = new Request(`${base}${path}`, {
      method: "POST",
      // The order's trace continues into the Inventory service's logs and metrics.
      headers: { "content-type": "application/json", accept: "application/json", traceparent: traceparentNow() },
      body: JSON.stringify(body),
    });
    if (options.sign) request = await options.sign(request);
    let response: Response;
    try {
      response = await fetchImpl(request, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new AppError("DEPENDENCY_UNAVAILABLE", `Inventory service did not answer POST ${path || "/"}`, { cause });
    }
    const text = await response.text();
    if (response.status === 429 || response.status >= 500) {
      throw new AppError("DEPENDENCY_UNAVAILABLE", `Inventory service answered ${response.status} to POST ${path || "/"}: ${text.slice(0, 200)}`);
    }
    if (!response.ok) throw new Error(`Inventory service refused POST ${path || "/"} (${response.status}): ${text.slice(0, 500)}`);
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`Inventory service answered POST ${path || "/"} outside its contract: ${parsed.error.message}`);
    return parsed.data;
  }

  return {
    reserve: (request) => post("", request, reserveResultSchema),
    async settle(orderId, action, reason) {
      await post(`/${encodeURIComponent(orderId)}/${action}`, action === "commit" ? {} : { reason }, settleResultSchema);
    },
  };
}
