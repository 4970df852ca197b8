import { tables } from "@cloudcafe/catalog";
import { readLinks } from "@cloudcafe/adapters";
import { z } from "zod";

const SERVICE = "notification sender";

/** The SST links the function needs (infra links the inbox table). */
const links = z.object({ [tables.customerNotifications.resource]: z.object({ name: z.string().min(1) }) });

export interface NotificationConfig {
  inboxTable: string;
}

export function loadNotificationConfig(resources?: Record<string, unknown>): NotificationConfig {
  const linked = readLinks(SERVICE, links, resources);
  return { inboxTable: linked[tables.customerNotifications.resource].name };
}
