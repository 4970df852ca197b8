import { metricNamespaces } from "@cloudcafe/catalog";
import { dynamoDocumentClient, dynamoNotificationInbox } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { loadNotificationConfig, type NotificationConfig } from "./config.ts";

export const SERVICE_NAME = "notification-sender";

/** One execution environment's clients, built once at cold start. */
export function createNotificationRuntime(config: NotificationConfig = loadNotificationConfig()) {
  const logger = createLogger({ service: SERVICE_NAME });
  const metrics = createMetrics({ namespace: metricNamespaces.order, service: SERVICE_NAME });
  const inbox = dynamoNotificationInbox(dynamoDocumentClient(), config.inboxTable);
  return { config, logger, metrics, channel: inbox };
}
