import { z } from "zod";

export const milestones = ["paid", "payment_failed", "ready", "refunded"] as const;
export type Milestone = (typeof milestones)[number];

export const notificationSchema = z
  .object({
    /** `<order>:<milestone>`: one notification per order and milestone, however often its message is delivered. */
    notificationId: z.string(),
    customerId: z.string(),
    orderId: z.string(),
    milestone: z.enum(milestones),
    title: z.string(),
    body: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Notification", description: "An order milestone as the customer is told it." });
export type Notification = z.infer<typeof notificationSchema>;

export const inboxSchema = z.object({ notifications: z.array(notificationSchema).describe("Newest first.") }).meta({ id: "Inbox" });
export type Inbox = z.infer<typeof inboxSchema>;
export const MAX_INBOX = 50;
