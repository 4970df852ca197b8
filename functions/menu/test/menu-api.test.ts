import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { menuCategories, starterMenuItems } from "@cloudcafe/core";
import { catalogMenuItem } from "@cloudcafe/stress";
import { bodyOf, configOnOwnDatabase, dropDatabase, type MenuFixture, menuFixture, menuStores, postSync, prepareDatabase } from "./support.ts";

// The same contract on both menu stores: DocumentDB (the architecture) and PostgreSQL (the lean profile).
describe.each(menuStores)("the menu API on %s", (store) => {
  const config = configOnOwnDatabase("api", store);
  let menu: MenuFixture;

  beforeAll(async () => {
    await prepareDatabase(config);
    menu = await menuFixture(config);
  });

  afterAll(async () => {
    await menu.close();
    await dropDatabase(config);
  });

  const anItem = (index: number, options: { corrupt?: boolean } = {}) => catalogMenuItem(index, { imageBytes: 256, ...options });
  const skusOf = async (path: string) => ((await bodyOf(await menu.app.request(path))).items as { sku: string }[]).map((item) => item.sku);

  describe("GET /api/menu/items", () => {
    it("serves the starter menu loaded into the empty collection, with an ETag and Cache-Control", async () => {
      const res = await menu.app.request("/api/menu/items");
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(res.headers.get("cache-control")).toBe("public, max-age=60");
      const { items } = await bodyOf(res);
      expect(items.map((item: { sku: string }) => item.sku)).toEqual(starterMenuItems.map((item) => item.sku).sort());
      expect(items.find((item: { sku: string }) => item.sku === "ESP-003")).toEqual(starterMenuItems.find((item) => item.sku === "ESP-003"));
    });

    it("answers 304 without a body to If-None-Match naming the current tag, weak or in a list", async () => {
      const etag = (await menu.app.request("/api/menu/items")).headers.get("etag")!;
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const res = await menu.app.request("/api/menu/items", { headers: { "if-none-match": ifNoneMatch } });
        expect(res.status).toBe(304);
        expect(res.headers.get("etag")).toBe(etag);
        expect(await res.text()).toBe("");
      }
      expect((await menu.app.request("/api/menu/items", { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    });

    it("filters by category, and answers an unknown category 404 in the error shape", async () => {
      const res = await menu.app.request("/api/menu/items/bakery");
      expect(res.status).toBe(200);
      const { items } = await bodyOf(res);
      expect(items.map((item: { sku: string }) => item.sku)).toEqual(["BAK-001", "BAK-002", "BAK-003", "BAK-004"]);
      expect(res.headers.get("etag")).not.toBe((await menu.app.request("/api/menu/items")).headers.get("etag"));

      const unknown = await menu.app.request("/api/menu/items/soup");
      expect(unknown.status).toBe(404);
      const { error } = await bodyOf(unknown);
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toContain(menuCategories.join(", "));
    });
  });

  describe("GET /api/menu/stores", () => {
    it("lists the stores with their city, hours and whether each is open now", async () => {
      const res = await menu.app.request("/api/menu/stores");
      expect(res.status).toBe(200);
      const { stores } = await bodyOf(res);
      expect(stores.map((store: { storeId: string }) => store.storeId)).toEqual(["store-aus-001", "store-chi-001", "store-nyc-001", "store-pdx-001", "store-sea-001"]);
      for (const store of stores) {
        expect(store).toMatchObject({ city: expect.any(String), timeZone: expect.any(String), open: expect.any(Boolean) });
        expect(store.openingHours.length).toBeGreaterThan(0);
      }
    });
  });

  describe("POST /api/menu/sync", () => {
    it("refuses callers without the operator token (401) or with a wrong one (403)", async () => {
      expect((await postSync(menu.app, { items: [anItem(1)] }, null)).status).toBe(401);
      expect((await postSync(menu.app, { items: [anItem(1)] }, "not-the-token")).status).toBe(403);
    });

    it("counts created, updated and unchanged items, and a repeated sync changes nothing", async () => {
      const items = [0, 1, 2, 3].map((i) => anItem(100 + i));
      const first = await postSync(menu.app, { items });
      expect(first.status).toBe(200);
      expect(await bodyOf(first)).toEqual({ received: 4, created: 4, updated: 0, unchanged: 0, rejected: 0, rejections: [] });
      expect(await bodyOf(await postSync(menu.app, { items }))).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: 0 });

      const renamed = { ...items[0]!, name: "Renamed" };
      const next = await bodyOf(await postSync(menu.app, { items: [renamed, ...items.slice(1), anItem(104)] }));
      expect(next).toMatchObject({ received: 5, created: 1, updated: 1, unchanged: 3, rejected: 0 });
    });

    it("rejects invalid items with a reason each, changing nothing for them, and applies the rest", async () => {
      const items = [anItem(200), anItem(201, { corrupt: true }), { ...anItem(202), category: "soup", prices: {} }, anItem(200), { sku: 7 }];
      const report = await bodyOf(await postSync(menu.app, { items }));
      expect(report).toMatchObject({ received: 5, created: 1, updated: 0, unchanged: 0, rejected: 4 });
      expect(report.rejections.map((r: { index: number; sku?: string; reasons: { path: string }[] }) => [r.index, r.sku, r.reasons.map((reason) => reason.path)])).toEqual([
        [1, "SYN-00201", ["image.sha256"]],
        [2, "SYN-00202", ["category", "prices"]],
        [3, "SYN-00200", ["sku"]],
        [4, undefined, expect.arrayContaining(["sku", "name"])],
      ]);
      const stored = await skusOf("/api/menu/items");
      expect(stored).toContain("SYN-00200");
      expect(stored).not.toContain("SYN-00201");
      expect(stored).not.toContain("SYN-00202");
    });

    it("takes items off the menu when the catalog marks them unavailable", async () => {
      await postSync(menu.app, { items: [anItem(300)] });
      expect(await skusOf("/api/menu/items")).toContain("SYN-00300");
      expect(await bodyOf(await postSync(menu.app, { items: [{ ...anItem(300), available: false }] }))).toMatchObject({ updated: 1 });
      expect(await skusOf("/api/menu/items")).not.toContain("SYN-00300");
    });

    it("moves the cache on: the next read shows the change under a new ETag, read once from DocumentDB", async () => {
      const before = await menu.app.request("/api/menu/items/cold");
      await menu.app.request("/api/menu/items/cold");
      const queries = menu.queries();
      const item = { ...anItem(400), category: "cold" };
      await postSync(menu.app, { items: [item] });
      const after = await Promise.all([1, 2, 3].map(() => menu.app.request("/api/menu/items/cold")));
      expect(after[0]!.headers.get("etag")).not.toBe(before.headers.get("etag"));
      expect((await bodyOf(after[0]!)).items.map((i: { sku: string }) => i.sku)).toContain("SYN-00400");
      expect(menu.queries()).toBe(queries + 1);
    });

    it("answers 413 over 10,000 items, and over the body limit, and stores nothing", async () => {
      const tooMany = await postSync(menu.app, { items: Array.from({ length: 10_001 }, () => ({})) });
      expect(tooMany.status).toBe(413);
      expect((await bodyOf(tooMany)).error.code).toBe("PAYLOAD_TOO_LARGE");

      const small = await menuFixture({ ...config, syncBodyLimitBytes: 64 * 1024 });
      try {
        const oversized = await postSync(small.app, { items: Array.from({ length: 200 }, (_, i) => anItem(500 + i)) });
        expect(oversized.status).toBe(413);
        expect((await bodyOf(oversized)).error.code).toBe("PAYLOAD_TOO_LARGE");
      } finally {
        await small.close();
      }
      expect(await skusOf("/api/menu/items")).not.toContain("SYN-00500");
    });
  });

  describe("a sync of 10,000 items", () => {
    const large = configOnOwnDatabase("sync-10k", store);
    beforeAll(() => prepareDatabase(large));
    afterAll(() => dropDatabase(large));

    // The stand-in takes tens of seconds for this (10,000 upserts, then a find over 10,000 skus).
    it("applies all of them in one call, and repeating it is a no-op", { timeout: 180_000 }, async () => {
      const fixture = await menuFixture(large);
      try {
        const items = Array.from({ length: 10_000 }, (_, i) => catalogMenuItem(i, { imageBytes: 256 }));
        const first = await bodyOf(await postSync(fixture.app, { items }));
        expect(first).toMatchObject({ received: 10_000, created: 10_000, updated: 0, unchanged: 0, rejected: 0 });
        expect(await bodyOf(await postSync(fixture.app, { items }))).toMatchObject({ created: 0, updated: 0, unchanged: 10_000 });
        const { items: food } = await bodyOf(await fixture.app.request("/api/menu/items/food"));
        expect(food.filter((item: { sku: string }) => item.sku.startsWith("SYN-"))).toHaveLength(items.filter((item) => item.category === "food").length);
      } finally {
        await fixture.close();
      }
    });
  });
});
