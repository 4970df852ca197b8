import { PurgeQueueCommand } from "@aws-sdk/client-sqs";
import { sqsClientFor } from "../aws-clients.ts";
import type { LocalTestPlatform } from "./provided.ts";

/** Empties every queue and dead-letter queue of this run, e.g. in `beforeEach`. */
export async function purgeQueues(platform: LocalTestPlatform): Promise<void> {
  const sqs = sqsClientFor(platform.endpoints.sqs);
  try {
    const urls = Object.values(platform.resources.queues).flatMap((queue) => [queue.url, ...(queue.dlq ? [queue.dlq.url] : [])]);
    await Promise.all(urls.map((url) => sqs.send(new PurgeQueueCommand({ QueueUrl: url }))));
  } finally {
    sqs.destroy();
  }
}
