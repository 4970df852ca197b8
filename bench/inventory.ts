/**
 * Inventory service benchmark (called by bench/run.ts on the platform it started; numbers, not assertions):
 *   1. reservations (`POST /internal/reservations`, one DynamoDB transaction each) under contention on one SKU, and
 *      spread over every SKU of the store: reservations/s, p50, p99; then their releases;
 *   2. GET /api/inventory/store/:id through the gateway (served from the MemoryDB counters) beside the bare Hono
 *      endpoint at the same concurrency.
 * The bench store is restocked first (and left restocked: the order load that follows draws on the same store).
 */
import { randomBytes } from "node:crypto";
import { starterMenuItems } from "@cloudcafe/core";
import { fmt, loadRow, runLoad } from "./load.ts";

export interface InventoryBenchOptions {
  gateway: string;
  /** The Inventory service itself: reservations are not routed by the gateway. */
  inventoryUrl: string;
  bareUrl: string;
  operatorToken: string;
  requests: number;
  concurrency: number;
}

const BENCH_STORE = "store-pdx-001";
const row = loadRow;
const orderId = () => `ord_${randomBytes(16).toString("hex")}`;

/** Sets every starter SKU of `storeId` to `quantity` on hand (the operator's update, with a reason). */
export async function restock(gateway: string, operatorToken: string, storeId: string, quantity: number): Promise<void> {
  for (const item of starterMenuItems) {
    const response = await fetch(`${gateway}/api/inventory/update`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${operatorToken}` },
      body: JSON.stringify({ storeId, sku: item.sku, mode: "set", quantity, reason: "bench restock" }),
    });
    if (!response.ok) throw new Error(`restock of ${storeId}/${item.sku} answered ${response.status}: ${await response.text()}`);
  }
}

export async function runInventoryBench(options: InventoryBenchOptions): Promise<void> {
  await restock(options.gateway, options.operatorToken, BENCH_STORE, 100_000);
  const reserved: string[] = [];
  const reserve = (sku: string) => {
    const id = orderId();
    reserved.push(id);
    return fetch(`${options.inventoryUrl}/internal/reservations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ orderId: id, storeId: BENCH_STORE, lines: [{ sku, quantity: 1 }] }),
    });
  };
  const skus = starterMenuItems.map((item) => item.sku);
  const load = (request: (i: number) => Promise<Response>, requests = options.requests) =>
    runLoad(request, { requests, concurrency: options.concurrency, expectStatus: 200 });

  const oneSku = await load(() => reserve(skus[0]!));
  const spread = await load((i) => reserve(skus[i % skus.length]!));
  const releases = await load((i) => {
    const id = reserved[i]!;
    return fetch(`${options.inventoryUrl}/internal/reservations/${id}/release`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "bench" }),
    });
  }, reserved.length);

  const storeUrl = `${options.gateway}/api/inventory/store/${BENCH_STORE}`;
  await load(() => fetch(storeUrl), 200);
  const bare = await load(() => fetch(options.bareUrl));
  const storeRead = await load(() => fetch(storeUrl));
  const source = ((await (await fetch(storeUrl)).json()) as { source?: string }).source;

  console.table([
    row(`reserve 1 unit, one SKU (${skus[0]})`, options.concurrency, oneSku),
    row(`reserve 1 unit, spread over ${skus.length} SKUs`, options.concurrency, spread),
    row("release those reservations", options.concurrency, releases),
    row("bare Hono GET /ping", options.concurrency, bare),
    row(`GET /api/inventory/store/:id (gateway, ${source ?? "?"})`, options.concurrency, storeRead),
  ]);
  console.log(
    `inventory: one-SKU contention costs ${fmt(spread.rps / oneSku.rps, 2)}x throughput against spread SKUs; ` +
      `store read ${fmt(storeRead.rps / bare.rps, 3)}x bare Hono throughput, p50 ${fmt(storeRead.p50Ms / bare.p50Ms, 1)}x.`,
  );
}
