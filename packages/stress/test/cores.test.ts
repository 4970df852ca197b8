import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { calculateBatchChunk, calculateTier, customerRecord } from "../src/cores/batch-calculation.ts";
import { iteratedSha256, sha256Hex } from "../src/cores/hashing.ts";
import { catalogMenuItem, syncMenuItem } from "../src/cores/menu-sync.ts";
import { fibonacci, processRushOrder, roundToCents, taxFor, type RushOrder } from "../src/cores/morning-rush.ts";
import { summariseFacts } from "../src/cores/query-storm.ts";
import { restockRecord, restockStore } from "../src/cores/restock.ts";
import { percentiles } from "../src/percentiles.ts";

const spendEveryMonth = (cents: number) => Array.from({ length: 12 }, () => cents);

describe("SHA-256", () => {
  it("matches the FIPS 180-2 test vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("iterates over the hex digest of the previous round", () => {
    const once = createHash("sha256").update("abc").digest("hex");
    expect(iteratedSha256("abc", 1)).toBe(once);
    expect(iteratedSha256("abc", 2)).toBe(createHash("sha256").update(once).digest("hex"));
  });
});

describe("morning rush", () => {
  it("computes Fibonacci numbers", () => {
    expect([0, 1, 2, 10, 20, 25].map(fibonacci)).toEqual([0, 1, 1, 55, 6765, 75025]);
  });

  it("rounds money half away from zero despite binary drift", () => {
    expect(roundToCents(1.005)).toBe(1.01);
    expect(roundToCents(2.675)).toBe(2.68);
    expect(roundToCents(-1.005)).toBe(-1.01);
    expect(roundToCents(1.004)).toBe(1);
    expect(taxFor(4.35)).toBe(0.36);
    expect(taxFor(10)).toBe(0.83);
  });

  it("prices, taxes and scores a known order", () => {
    const order: RushOrder = {
      orderId: "o-1",
      customerId: "c-1",
      storeId: "s-1",
      lines: [
        { sku: "sku-1", quantity: 2, unitPrice: 4.35, modifiers: [] },
        { sku: "sku-2", quantity: 1, unitPrice: 3.1, modifiers: ["oat-milk"] },
      ],
    };
    const result = processRushOrder(JSON.stringify(order));
    expect(result).toMatchObject({ orderId: "o-1", valid: true, stockChecks: 2, subtotal: 11.8, tax: 0.97, total: 12.77 });
    expect(result.fraudScore).toBeGreaterThanOrEqual(0);
    expect(result.fraudScore).toBeLessThan(1);
    expect(processRushOrder(JSON.stringify(order)).fraudScore).toBe(result.fraudScore);
  });

  it("rejects an order without lines", () => {
    expect(processRushOrder(JSON.stringify({ orderId: "o", customerId: "c", lines: [] })).valid).toBe(false);
  });
});

describe("batch calculation", () => {
  it("assigns tiers from points, streak bonus, tenure and visits", () => {
    const base = { customerId: "c", visitsLast90Days: 40, memberForMonths: 0 };
    expect(calculateTier({ ...base, monthlySpendCents: spendEveryMonth(0) })).toEqual({ points: 0, tier: "BRONZE" });
    // $10 a month: 10 + 10 + then 15 for ten months (three-month streak) = 170.
    expect(calculateTier({ ...base, monthlySpendCents: spendEveryMonth(1000) })).toEqual({ points: 170, tier: "BRONZE" });
    expect(calculateTier({ ...base, monthlySpendCents: spendEveryMonth(1000), memberForMonths: 24 })).toEqual({ points: 670, tier: "SILVER" });
    // $120 a month: 240 + 1800 = 2040.
    expect(calculateTier({ ...base, monthlySpendCents: spendEveryMonth(12_000) })).toEqual({ points: 2040, tier: "GOLD" });
    // $300 a month: 600 + 4500 = 5100; Platinum needs 30 visits.
    expect(calculateTier({ ...base, monthlySpendCents: spendEveryMonth(30_000) })).toEqual({ points: 5100, tier: "PLATINUM" });
    expect(calculateTier({ ...base, visitsLast90Days: 29, monthlySpendCents: spendEveryMonth(30_000) }).tier).toBe("GOLD");
  });

  it("breaks the streak on a month without spend", () => {
    const months = [1000, 1000, 1000, 0, 1000, 1000, 1000, 1000, 0, 0, 0, 0];
    // 10 + 10 + 15, then 10 + 10 + 15 + 15.
    expect(calculateTier({ customerId: "c", monthlySpendCents: months, visitsLast90Days: 0, memberForMonths: 0 }).points).toBe(85);
  });

  it("chains the audit trail record by record", () => {
    const chunk = calculateBatchChunk(7, 2);
    const first = customerRecord(7);
    const second = customerRecord(8);
    const firstResult = calculateTier(first);
    const secondResult = calculateTier(second);
    const link1 = sha256Hex(`|${first.customerId}|${firstResult.points}|${firstResult.tier}`);
    expect(chunk.auditDigest).toBe(sha256Hex(`${link1}|${second.customerId}|${secondResult.points}|${secondResult.tier}`));
    expect(chunk.points).toBe(firstResult.points + secondResult.points);
  });
});

describe("restock storm", () => {
  it("records units received and a ledger digest over each SKU hash", () => {
    const store = restockStore("store-3", 10, 2);
    const records = [restockRecord("store-3", 10), restockRecord("store-3", 11)];
    const ledger = records.map((r) => sha256Hex(`${r.storeId}|${r.sku}|${r.quantity}|${r.batch}`)).join("");
    expect(store).toEqual({ storeId: "store-3", skus: 2, unitsReceived: records[0]!.quantity + records[1]!.quantity, ledgerDigest: sha256Hex(ledger) });
  });
});

describe("menu sync storm", () => {
  it("accepts an image matching its digest and rejects a corrupted one", () => {
    const synced = syncMenuItem(catalogMenuItem(42));
    expect(synced).toMatchObject({ sku: "SYN-00042", accepted: true });
    expect(synced.documentBytes).toBeGreaterThan(0);
    expect(syncMenuItem(catalogMenuItem(42, { corrupt: true })).accepted).toBe(false);
  });
});

describe("query storm processing", () => {
  it("summarises rows per store and hour", () => {
    const rows = [
      { store_id: "store-1", hour: 8, product: "latte", quantity: 2, amount_cents: 100 },
      { store_id: "store-1", hour: 8, product: "mocha", quantity: 1, amount_cents: 300 },
      { store_id: "store-2", hour: 9, product: "tea", quantity: 1, amount_cents: 250 },
    ];
    expect(summariseFacts(rows)).toEqual([
      { storeId: "store-1", hour: 8, orders: 2, revenueCents: 400, meanCents: 200, stdDevCents: 100, bestSeller: "latte" },
      { storeId: "store-2", hour: 9, orders: 1, revenueCents: 250, meanCents: 250, stdDevCents: 0, bestSeller: "tea" },
    ]);
  });
});

describe("percentiles", () => {
  it("uses the nearest observed rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([]).count).toBe(0);
  });
});
