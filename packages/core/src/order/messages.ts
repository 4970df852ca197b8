import { z } from "zod";

/** Body of a message on `order-submission-queue`: an accepted order waiting for the validation step. */
export const orderSubmittedSchema = z.object({
  type: z.literal("OrderSubmitted"),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
});
export type OrderSubmitted = z.infer<typeof orderSubmittedSchema>;
