import { join } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { localEventSourceMappings } from "@cloudcafe/local/event-source/mappings";
import { type SqsPoller, startSqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { repoRoot } from "@cloudcafe/local/paths";
import { localPlatform } from "@cloudcafe/local/testing/env";

export interface RunningLoyaltyService {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The Loyalty service for the browser tests, as `npm start` runs it: its app over HTTP on a free port (no seeding, no
 * schedule) and its payment-results consumer on the local poller, so a paid order's points reach the console.
 */
export async function startLoyaltyService(operatorToken: string): Promise<RunningLoyaltyService> {
  const { loadLoyaltyServiceConfig } = await import("@cloudcafe/loyalty/config");
  const { createLoyaltyRuntime } = await import("@cloudcafe/loyalty/runtime");
  const { createLoyaltyApp } = await import("@cloudcafe/loyalty/app");
  const runtime = createLoyaltyRuntime({ ...loadLoyaltyServiceConfig(), operatorToken, seedUsers: 0 });
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: createLoyaltyApp(runtime).fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  const platform = localPlatform();
  const pollers: SqsPoller[] = await Promise.all(
    localEventSourceMappings
      .filter((mapping) => mapping.queue === "loyaltyPaymentResults")
      .map(async (mapping) => {
        const { handler } = (await import(join(repoRoot, mapping.handlerModule))) as { handler: Parameters<typeof startSqsPoller>[0]["handler"] };
        return startSqsPoller({
          sqs: sqsClientFor(platform.endpoints.sqs),
          queueUrl: platform.resources.queues[mapping.queue].url,
          functionName: mapping.functionName,
          handler,
          batchSize: mapping.batchSize,
          maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
          reportBatchItemFailures: mapping.reportBatchItemFailures,
        });
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await Promise.all(pollers.map((poller) => poller.stop()));
      await new Promise((resolve) => server.close(resolve));
      await runtime.close();
    },
  };
}
