import { startPaymentProcessor } from "./runtime.ts";

/** Lambda entry of the payment processor, subscribed to `payment-processing-queue.fifo`: initialised at module load. */
export const { handler } = await startPaymentProcessor();
