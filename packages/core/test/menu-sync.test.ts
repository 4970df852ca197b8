import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isOpenAt } from "../src/menu/catalog.ts";
import { starterStores } from "../src/menu/starter.ts";
import { checkSyncItems } from "../src/menu/sync.ts";
import { aSyncItem } from "./factories.ts";

const now = new Date("2026-11-25T12:00:00Z");

describe("checking a menu sync", () => {
  it("accepts valid items as documents with their image digest and size", async () => {
    const { accepted, rejections } = await checkSyncItems([aSyncItem("SYN-001"), aSyncItem("SYN-002", { image: "no-image" })], now);
    expect(rejections).toEqual([]);
    expect(accepted.map((d) => [d.sku, d.available, d.image?.bytes])).toEqual([
      ["SYN-001", true, 64],
      ["SYN-002", true, undefined],
    ]);
  });

  it("rejects each invalid item with its reasons and keeps the others", async () => {
    const items = [
      aSyncItem("SYN-001"),
      { ...aSyncItem("SYN-002"), prices: {} },
      { ...aSyncItem("bad sku"), category: "soup", prices: { single: 300, tall: 400 } },
      aSyncItem("SYN-003", { image: "corrupt" }),
      aSyncItem("SYN-001"),
      "not an item",
    ];
    const { accepted, rejections } = await checkSyncItems(items, now);
    expect(accepted.map((d) => d.sku)).toEqual(["SYN-001"]);
    expect(rejections.map((r) => [r.index, r.sku, r.reasons.map((reason) => reason.path)])).toEqual([
      [1, "SYN-002", ["prices"]],
      [2, "bad sku", ["sku", "category", "prices"]],
      [3, "SYN-003", ["image.sha256"]],
      [4, "SYN-001", ["sku"]],
      [5, undefined, ["(root)"]],
    ]);
    expect(rejections[2]!.reasons[0]!.message).toMatch(/SHA-256/);
  });

  it("gives an item the same revision whatever order its prices come in, and a new one when it changes", async () => {
    const item = aSyncItem("SYN-001");
    const reordered = { ...item, prices: { grande: 495, tall: 425 } };
    const repriced = { ...item, prices: { tall: 425, grande: 499 } };
    const { accepted } = await checkSyncItems([item], now);
    const { accepted: again } = await checkSyncItems([reordered], new Date());
    const { accepted: changed } = await checkSyncItems([repriced], now);
    expect(again[0]!.revision).toBe(accepted[0]!.revision);
    expect(changed[0]!.revision).not.toBe(accepted[0]!.revision);
  });
});

describe("store opening hours", () => {
  const chicago = starterStores.find((store) => store.storeId === "store-chi-001")!;

  it("are read in the store's own time zone", () => {
    // Wednesday 12:30 UTC is 06:30 in Chicago (open from 06:00); 11:30 UTC is 05:30 (closed).
    expect(isOpenAt(chicago, new Date("2026-11-25T12:30:00Z"))).toBe(true);
    expect(isOpenAt(chicago, new Date("2026-11-25T11:30:00Z"))).toBe(false);
    // Closing time itself is closed; Sunday is not listed, so closed all day.
    expect(isOpenAt(chicago, new Date("2026-11-26T01:00:00Z"))).toBe(false);
    expect(isOpenAt(chicago, new Date("2026-11-29T18:00:00Z"))).toBe(false);
  });
});

it("the factory's image digest is the SHA-256 of its bytes", () => {
  const item = aSyncItem("SYN-009");
  expect(createHash("sha256").update(Buffer.from(item.image!.contentBase64, "base64")).digest("hex")).toBe(item.image!.sha256);
});
