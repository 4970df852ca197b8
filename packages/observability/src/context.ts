import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line and outgoing message carries about the unit of work in progress. */
export interface LogContext {
  traceId?: string;
  customerId?: string;
  orderId?: string;
  [key: string]: string | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` merged over the current one; concurrent requests never see each other's keys. */
export function withContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** Adds keys to the current context (e.g. the customer id once the body is parsed). */
export function addToContext(context: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, context);
}

export function currentContext(): LogContext {
  return storage.getStore() ?? {};
}
