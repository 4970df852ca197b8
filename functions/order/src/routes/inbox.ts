import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { AppError, inboxSchema, MAX_INBOX, type NotificationInbox, storeIdSchema } from "@cloudcafe/core";
import { addToContext } from "@cloudcafe/observability";
import { contractRoutes, errorResponses, jsonContent } from "@cloudcafe/http";

const readInbox = createRoute({
  method: "get",
  path: "/inbox",
  tags: ["notifications"],
  summary: "A customer's notifications, newest first",
  description:
    "The in-app inbox the notification sender fills from `notification-queue`: paid, payment failed, ready and refunded, " +
    "one per order and milestone. Like the order history, keyed by the opaque customer id until sessions carry it.",
  request: {
    query: z.object({ customerId: storeIdSchema.describe("The customer"), limit: z.coerce.number().int().min(1).max(MAX_INBOX).default(20) }),
  },
  responses: {
    200: { description: "The notifications", content: jsonContent(inboxSchema) },
    ...errorResponses("VALIDATION_FAILED", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** `GET /inbox`, mounted before `/:id` so `inbox` is never read as an order id. */
export function inboxRoutes(inbox: NotificationInbox | undefined) {
  return contractRoutes().openapi(readInbox, async (c) => {
    if (!inbox) throw new AppError("NOT_FOUND", "This deployment serves no notification inbox");
    const { customerId, limit } = c.req.valid("query");
    addToContext({ customerId });
    return c.json({ notifications: await inbox.latest(customerId, limit) }, 200);
  });
}
