import { createHash } from "node:crypto";
import type { PaymentRequested } from "./messages.ts";

/**
 * The payment processor's fraud screen: chained SHA-256 over the request, `rounds` times, standing in for a fraud
 * model's CPU cost (the cold-start avalanche's "CPU-intensive fraud validation"). The score is deterministic per
 * request and in [0, 1); the mock gateway still decides the outcome, the score is logged with it.
 */
export function fraudScreenScore(request: PaymentRequested, rounds: number): number {
  let digest = `${request.orderId}|${request.customerId}|${request.amountCents}|${request.currency}`;
  for (let round = 0; round < rounds; round += 1) digest = createHash("sha256").update(digest).digest("hex");
  return parseInt(digest.slice(0, 8), 16) / 0x1_0000_0000;
}
