import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createRedis, sessionRedisKey } from "@cloudcafe/adapters";
import { cacheTtlSeconds } from "@cloudcafe/catalog";
import { SESSION_COOKIE } from "../src/routes/sessions.ts";
import { aCustomer, bodyOf, loyaltyFixture, testConfig } from "./support.ts";

const fixture = loyaltyFixture();
const { app } = fixture;
const redis = createRedis(testConfig().cache);
// The service's Redis client fails fast while it connects; the suite starts once both clients are up.
beforeAll(async () => {
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await Promise.all([fixture.runtime.checks.redis(), redis.ping()]).then(() => true, () => false);
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
afterAll(async () => {
  redis.disconnect();
  await fixture.close();
});

/** Signs in and returns the cookie the browser would send back, and the Redis key the session lives under. */
async function signIn(customerId = aCustomer(), displayName?: string) {
  const res = await app.request("/api/loyalty/sessions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customerId, ...(displayName ? { displayName } : {}) }),
  });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get("set-cookie")!;
  const sessionId = setCookie.match(new RegExp(`${SESSION_COOKIE}=([^;]+)`))![1]!;
  const key = sessionRedisKey(createHash("sha256").update(sessionId).digest("base64url"));
  return { res, setCookie, cookie: `${SESSION_COOKIE}=${sessionId}`, key, customerId };
}

const current = (cookie?: string) => app.request("/api/loyalty/sessions/current", cookie ? { headers: { cookie } } : {});

describe("console sessions", () => {
  it("signs in with an opaque id in an HttpOnly, SameSite cookie and a 30-minute session in Redis", async () => {
    const { res, setCookie, key, customerId } = await signIn(undefined, "Ada");
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/api\/loyalty/);
    expect(setCookie).toMatch(new RegExp(`Max-Age=${cacheTtlSeconds.userSessions}`));
    expect(await bodyOf(res)).toMatchObject({ customerId, expiresAt: expect.any(String) });
    // The id is not the key: Redis holds its digest, so a dump of the cache holds no usable cookie.
    expect(setCookie).not.toContain(key.split(":").at(-1));
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(cacheTtlSeconds.userSessions - 60);
    expect(ttl).toBeLessThanOrEqual(cacheTtlSeconds.userSessions);
    // The profile is saved: the customer has an account (no points yet) with the name.
    const points = await bodyOf(await app.request(`/api/loyalty/points/${customerId}`));
    expect(points).toMatchObject({ displayName: "Ada", balance: 0, tier: "BRONZE" });
  });

  it("renews the session on every use (sliding expiry)", async () => {
    const { cookie, key, customerId } = await signIn();
    // As if 29 minutes had passed without a request.
    await redis.expire(key, 60);
    const res = await current(cookie);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).customerId).toBe(customerId);
    expect(await redis.ttl(key)).toBeGreaterThan(cacheTtlSeconds.userSessions - 60);
    expect(res.headers.get("set-cookie")).toMatch(new RegExp(`Max-Age=${cacheTtlSeconds.userSessions}`));
  });

  it("ends an expired session: nobody signed in (204) once Redis let it go, and the stale cookie cleared", async () => {
    const { cookie, key } = await signIn();
    await redis.pexpire(key, 1);
    while ((await redis.exists(key)) === 1) await new Promise((r) => setTimeout(r, 5));
    const res = await current(cookie);
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("signs out: the session is deleted and the cookie cleared", async () => {
    const { cookie, key } = await signIn();
    const res = await app.request("/api/loyalty/sessions/current", { method: "DELETE", headers: { cookie } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await redis.exists(key)).toBe(0);
    expect((await current(cookie)).status).toBe(204);
  });

  it("answers 204 (nobody signed in) without a cookie or with an unknown id", async () => {
    expect((await current()).status).toBe(204);
    expect((await current(`${SESSION_COOKIE}=not-a-session`)).status).toBe(204);
  });

  it("answers 503 with Retry-After, not a session, while Redis does not answer", async () => {
    const down = loyaltyFixture({ cache: { host: "127.0.0.1", port: 1, tls: false } });
    try {
      const res = await down.app.request("/api/loyalty/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customerId: aCustomer() }) });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(res.headers.get("set-cookie")).toBeNull();
    } finally {
      await down.close();
    }
  });

  it("refuses a bad sign-in with 400 and keeps no session", async () => {
    const before = await redis.keys("loyalty:session:*");
    const res = await app.request("/api/loyalty/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customerId: "" }) });
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await redis.keys("loyalty:session:*")).length).toBe(before.length);
  });
});
