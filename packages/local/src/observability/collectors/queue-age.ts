/**
 * SQS's ApproximateAgeOfOldestMessage, which SQS publishes to CloudWatch and fauxqs does not: the age in seconds of
 * the oldest message not yet deleted (ready, delayed or received and in flight), once a local period (SQS publishes it
 * once a minute), under AWS/SQS per
 * QueueName. Read through fauxqs's inspection endpoint (`GET /_fauxqs/queues/<name>`), which never receives a
 * message, so measuring moves no message's receive count towards its DLQ. An empty queue reports 0.
 */
import type { Logger } from "@cloudcafe/observability";
import { z } from "zod";
import { localGet } from "../../process/local-get.ts";
import type { MetricsSink } from "../sink.ts";
import { sampleOncePerPeriod } from "./once-a-period.ts";

const TIMEOUT_MS = 1_000;

const sent = z.object({ sentTimestamp: z.number() });
/** What the inspection endpoint answers, as far as the age needs it; anything else fails the sample loudly. */
const inspectedQueue = z.object({
  messages: z.object({
    ready: z.array(sent),
    delayed: z.array(sent),
    inflight: z.array(z.object({ message: sent })),
  }),
});

export interface WatchedQueue {
  /** The queue's name on the local engine. */
  readonly name: string;
  /** The QueueName dimension the alarms read (the catalog's name). */
  readonly dimension: string;
}

/** The age in seconds of the oldest message of an inspected queue, at `now`; 0 when it holds none. */
export function oldestMessageAgeSeconds(inspected: unknown, now: number): number {
  const { messages } = inspectedQueue.parse(inspected);
  const sentAt = [...messages.ready, ...messages.delayed, ...messages.inflight.map((entry) => entry.message)].map((message) => message.sentTimestamp);
  return sentAt.length === 0 ? 0 : Math.max(0, Math.floor((now - Math.min(...sentAt)) / 1000));
}

export function collectQueueAge(sink: MetricsSink, sqsUrl: string, queues: readonly WatchedQueue[], logger: Logger): { stop(): void } {
  const warned = new Set<string>();
  const sample = async (queue: WatchedQueue) => {
    try {
      const { status, body } = await localGet(new URL(`/_fauxqs/queues/${encodeURIComponent(queue.name)}`, sqsUrl).href, { timeoutMs: TIMEOUT_MS });
      if (status !== 200) throw new Error(`fauxqs answered ${status} for queue ${queue.name}`);
      const age = oldestMessageAgeSeconds(JSON.parse(body), Date.now());
      sink.record({ namespace: "AWS/SQS", name: "ApproximateAgeOfOldestMessage", value: age, unit: "Seconds", dimensions: { QueueName: queue.dimension } });
      warned.delete(queue.name);
    } catch (error) {
      // The engine down shows as missing data; say so once per outage, not every second.
      if (!warned.has(queue.name)) logger.warn("queue age not measured", { queue: queue.name, error });
      warned.add(queue.name);
    }
  };
  const sampling = sampleOncePerPeriod(async () => void (await Promise.all(queues.map(sample))));
  return { stop: () => sampling.stop() };
}
