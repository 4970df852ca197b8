import { afterAll, describe, expect, it } from "vitest";
import { configOnOwnDatabase, dropDatabase, type MenuFixture, menuFixture } from "./support.ts";

/*
 * The cache in front of DocumentDB: one query for a stampede of cold reads, and reads that do not notice Redis is gone.
 */
const config = configOnOwnDatabase("cache");
const fixtures: MenuFixture[] = [];
const fixture = async (redis: "up" | "down" = "up") => {
  const created = await menuFixture(config, { redis });
  fixtures.push(created);
  return created;
};

afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  await dropDatabase(config);
});

describe("menu reads through Redis", () => {
  it("answer 200 concurrent cold requests with one DocumentDB query, then from the cache", async () => {
    const menu = await fixture();
    const answers = await Promise.all(Array.from({ length: 200 }, () => menu.app.request("/api/menu/items")));
    expect(menu.queries()).toBe(1);
    expect(answers.every((res) => res.status === 200)).toBe(true);
    const bodies = new Set(await Promise.all(answers.map((res) => res.text())));
    expect(bodies.size).toBe(1);

    // A second process (another pod) starts warm: the entry is in Redis.
    const other = await fixture();
    expect((await other.app.request("/api/menu/items")).status).toBe(200);
    expect(other.queries()).toBe(0);
  });

  it("go to DocumentDB when Redis is down, and the client sees the same answer", async () => {
    const up = await fixture();
    const down = await fixture("down");
    const withCache = await up.app.request("/api/menu/items/tea");
    const withoutCache = await down.app.request("/api/menu/items/tea");
    expect(withoutCache.status).toBe(200);
    expect(await withoutCache.text()).toBe(await withCache.text());
    for (const header of ["etag", "cache-control", "content-type"]) expect(withoutCache.headers.get(header)).toBe(withCache.headers.get(header));
    expect(down.queries()).toBe(1);
    // Concurrent reads still share one query while Redis is away.
    await Promise.all(Array.from({ length: 50 }, () => down.app.request("/api/menu/items/tea")));
    expect(down.queries()).toBe(2);
    expect((await down.app.request("/api/menu/stores")).status).toBe(200);
  });
});
