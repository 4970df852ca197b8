/**
 * fauxqs (SQS + SNS), served in the Node engines process.
 *
 * fauxqs builds queue URLs as http://sqs.<region>.localhost:<port>/..., a host that does not resolve on Linux,
 * and the SDK sends requests to the queue URL's host. With the store's host cleared, queue URLs use the request's
 * own Host (http://127.0.0.1:<port>/000000000000/<name>), i.e. the same origin as AWS_ENDPOINT_URL_SQS, as on AWS.
 * The store class is not exported, so it is loaded from the pinned package's dist folder.
 *
 * Two changes to how its queues wait, so that 20-second long polls (Lambda's) cost nothing while idle and can be
 * given up:
 *   - fauxqs re-checks a queue with a waiting receive every 20 ms for visibility timeouts and delays that ran out: 50
 *     wake-ups a second per queue for as long as a consumer long-polls it, i.e. always. Sends, deletes and visibility
 *     changes to 0 wake the waiting receives directly; only time needs the timer, so here it runs only while a
 *     receive waits and a message is in flight or delayed, and sleeps until the earliest such deadline. Every
 *     operation that sets a deadline (a receive, a visibility change, a delayed send) re-arms it, so an idle queue
 *     with its pollers waiting has no timer at all;
 *   - a receive whose client went away (a poller that stopped) stops waiting and takes no message: fauxqs would
 *     otherwise hand the next message sent to that dead receive, hidden for the whole visibility timeout.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";
import { buildApp } from "fauxqs";
import type { ServedEngine } from "./served-engine.ts";

type BuildAppStores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>["stores"]>;
interface SqsStoreLike {
  host: string;
}

interface PollWaiter {
  resolve: () => void;
  timer: NodeJS.Timeout;
}
interface TimedMessage {
  delayUntil?: number;
}
/** The parts of fauxqs's queue this file replaces or reads (checked below, so an upgrade that changes them fails loudly). */
interface SqsQueueLike {
  inflightMessages: Map<string, { visibilityDeadline: number }>;
  delayedMessages: TimedMessage[];
  fifoDelayed: Map<string, TimedMessage[]>;
  pollWaiters: PollWaiter[];
  pollTimer: NodeJS.Timeout | undefined;
  processTimers(): void;
  stopPollTimerIfEmpty(): void;
  startPollTimerIfNeeded(): void;
  waitForMessages(waitTimeSeconds: number): Promise<void>;
  dequeue(...args: unknown[]): unknown[];
  dequeueFifo(...args: unknown[]): unknown[];
  enqueue(...args: unknown[]): unknown;
  changeVisibility(...args: unknown[]): unknown;
}

const MIN_TIMER_SLEEP_MS = 20;

/** The earliest visibility deadline or delay end of `queue`, or Infinity when nothing is in flight or delayed. */
function nextDeadline(queue: SqsQueueLike): number {
  let next = Number.POSITIVE_INFINITY;
  for (const { visibilityDeadline } of queue.inflightMessages.values()) next = Math.min(next, visibilityDeadline);
  for (const { delayUntil } of queue.delayedMessages) if (delayUntil) next = Math.min(next, delayUntil);
  for (const group of queue.fifoDelayed.values()) for (const { delayUntil } of group) if (delayUntil) next = Math.min(next, delayUntil);
  return next;
}

/** When each queue's timer is due, so a re-arm only moves it earlier. */
const timerDueAt = new WeakMap<SqsQueueLike, number>();

/**
 * The queue's timer as it should be now: none while no receive waits or nothing has a deadline, otherwise one due
 * at the earliest deadline (at least 20 ms away, fauxqs's own period). An earlier timer already set stays.
 */
function rearmTimer(queue: SqsQueueLike): void {
  const deadline = nextDeadline(queue);
  if (queue.pollWaiters.length === 0 || deadline === Number.POSITIVE_INFINITY) {
    clearTimeout(queue.pollTimer);
    queue.pollTimer = undefined;
    return;
  }
  const dueAt = Math.max(deadline, Date.now() + MIN_TIMER_SLEEP_MS);
  if (queue.pollTimer && (timerDueAt.get(queue) ?? Number.POSITIVE_INFINITY) <= dueAt) return;
  clearTimeout(queue.pollTimer);
  timerDueAt.set(queue, dueAt);
  queue.pollTimer = setTimeout(() => {
    queue.pollTimer = undefined;
    queue.processTimers();
    rearmTimer(queue);
  }, dueAt - Date.now());
}

/** The request a queue operation runs for: whether its client is gone, and how to stop its wait when it goes. */
interface ReceiveContext {
  gone: boolean;
  onGone?: () => void;
}
const receiveContext = new AsyncLocalStorage<ReceiveContext>();

function patchQueueWaits(SqsQueue: { prototype: SqsQueueLike }): void {
  const proto = SqsQueue.prototype;
  for (const method of ["processTimers", "startPollTimerIfNeeded", "stopPollTimerIfEmpty", "waitForMessages", "dequeue", "dequeueFifo", "enqueue", "changeVisibility"] as const) {
    if (typeof proto[method] !== "function") throw new Error(`fauxqs internals changed: SqsQueue.${method} is missing`);
  }
  proto.startPollTimerIfNeeded = function (this: SqsQueueLike) {
    rearmTimer(this);
  };
  // The operations that set a deadline: a receive (its messages go in flight), a visibility change, a delayed send.
  for (const method of ["enqueue", "changeVisibility"] as const) {
    const original = proto[method];
    proto[method] = function (this: SqsQueueLike, ...args: unknown[]) {
      const result = original.apply(this, args);
      rearmTimer(this);
      return result;
    };
  }
  const waitForMessages = proto.waitForMessages;
  proto.waitForMessages = function (this: SqsQueueLike, waitTimeSeconds: number) {
    const waiting = waitForMessages.call(this, waitTimeSeconds);
    const context = receiveContext.getStore();
    if (context) {
      const waiter = this.pollWaiters.at(-1);
      context.onGone = () => {
        const index = waiter ? this.pollWaiters.indexOf(waiter) : -1;
        if (index === -1 || !waiter) return;
        this.pollWaiters.splice(index, 1);
        clearTimeout(waiter.timer);
        waiter.resolve();
      };
    }
    return waiting;
  };
  for (const method of ["dequeue", "dequeueFifo"] as const) {
    const original = proto[method];
    proto[method] = function (this: SqsQueueLike, ...args: unknown[]) {
      if (receiveContext.getStore()?.gone) return [];
      const received = original.apply(this, args);
      rearmTimer(this);
      return received;
    };
  }
}

let queueWaitsPatched = false;

export async function serveSqsSns(port: number): Promise<ServedEngine> {
  const storeModule = new URL("./sqs/sqsStore.js", import.meta.resolve("fauxqs"));
  const { SqsStore, SqsQueue } = (await import(storeModule.href)) as { SqsStore: new () => SqsStoreLike; SqsQueue: { prototype: SqsQueueLike } };
  const sqsStore = new SqsStore();
  if (sqsStore.host !== "localhost") throw new Error("fauxqs internals changed: SqsStore.host is not the expected default");
  sqsStore.host = "";
  if (!queueWaitsPatched) patchQueueWaits(SqsQueue);
  queueWaitsPatched = true;

  const app = buildApp({ logger: false, stores: { sqsStore } as unknown as BuildAppStores });
  // Every request runs in a context of its own, told when its client closes the connection before the answer.
  app.addHook("onRequest", (_request: unknown, reply: { raw: ServerResponse }, done: () => void) => {
    const context: ReceiveContext = { gone: false };
    reply.raw.once("close", () => {
      if (reply.raw.writableFinished) return;
      context.gone = true;
      context.onGone?.();
    });
    receiveContext.run(context, done);
  });
  await app.listen({ port, host: "127.0.0.1" });
  console.log(`fauxqs (SQS + SNS) listening on http://127.0.0.1:${port}`);
  return {
    close: async () => {
      await app.close();
    },
  };
}
