import type { Notification } from "./schema.ts";

/**
 * Where a notification goes: the in-app inbox (DynamoDB `customer-notifications`), which the console shows; an email
 * (SES) or SMS (SNS) provider implements the same port. `delivered` the first time, `duplicate` for a redelivery.
 */
export interface NotificationChannel {
  deliver(notification: Notification): Promise<"delivered" | "duplicate">;
}

export interface NotificationInbox {
  /** The customer's notifications, newest first. */
  latest(customerId: string, limit: number): Promise<Notification[]>;
}
