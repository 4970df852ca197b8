import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api/client.ts";
import { trackOrder } from "../src/orders/tracking.ts";
import { order } from "./factories.ts";
import { type HttpStub, type StubReply, startHttpStub } from "./http-stub.ts";

let stub: HttpStub;
let waits: number[];
const sleep = async (ms: number) => void waits.push(ms);
const client = () => createApiClient({ baseUrl: stub.baseUrl });
const read = (overrides: Parameters<typeof order>[0] = {}): StubReply => ({ status: 200, body: order(overrides) });
const { orderId } = order();

beforeAll(async () => {
  stub = await startHttpStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.seen.length = 0;
  waits = [];
});

describe("tracking an order", () => {
  it("polls until the status leaves PENDING, reporting every read", async () => {
    stub.reply(read(), read(), read({ status: "PAID", version: 2, paymentId: "pay_1" }));
    const seen: string[] = [];
    const outcome = await trackOrder(client(), orderId, { sleep, onUpdate: (update) => seen.push(update.status) });
    expect(outcome).toBe("settled");
    expect(seen).toEqual(["PENDING", "PENDING", "PAID"]);
    expect(stub.seen.every((request) => request.url === `/api/orders/${orderId}`)).toBe(true);
  });

  it("backs off between reads up to a ceiling", async () => {
    stub.reply(read(), read(), read(), read());
    await trackOrder(client(), orderId, { sleep, intervalMs: 1000, maxIntervalMs: 2000, maxReads: 4 });
    expect(waits).toEqual([1000, 1500, 2000, 2000]);
  });

  it("keeps polling through transient failures and reports them", async () => {
    stub.reply({ status: 503, body: { error: { code: "DEPENDENCY_UNAVAILABLE", message: "Postgres is not answering" } } }, read({ status: "PAYMENT_FAILED", failureReason: "card declined" }));
    const errors: string[] = [];
    const outcome = await trackOrder(client(), orderId, { sleep, onError: (error) => errors.push(error.message) });
    expect(outcome).toBe("settled");
    expect(errors).toEqual(["Postgres is not answering"]);
  });

  it("stops when the order does not exist", async () => {
    stub.reply({ status: 404, body: { error: { code: "NOT_FOUND", message: "No order" } } }, read({ status: "PAID" }));
    expect(await trackOrder(client(), orderId, { sleep })).toBe("not-found");
    expect(stub.seen).toHaveLength(1);
  });

  it("gives up after the last read, leaving the order pending", async () => {
    stub.reply(read(), read(), read(), read());
    expect(await trackOrder(client(), orderId, { sleep, maxReads: 3 })).toBe("gave-up");
    expect(stub.seen).toHaveLength(3);
  });

  it("stops without reading once aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await trackOrder(client(), orderId, { sleep, signal: abort.signal })).toBe("aborted");
    expect(stub.seen).toHaveLength(0);
  });
});
