import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeStanding, loyaltyClient } from "../src/loyalty/loyalty-client.ts";
import { type HttpStub, startHttpStub } from "./http-stub.ts";

let stub: HttpStub;
beforeAll(async () => {
  stub = await startHttpStub();
});
afterAll(() => stub.close());

describe("the console's loyalty client", () => {
  it("signs in with the customer id and reads the session the cookie names", async () => {
    const client = loyaltyClient({ baseUrl: stub.baseUrl });
    stub.reply({ status: 201, body: { customerId: "c-1", expiresAt: "2026-01-01T00:30:00.000Z" } }, { status: 200, body: { customerId: "c-1", expiresAt: "2026-01-01T00:31:00.000Z" } });
    expect(await client.signIn("c-1")).toEqual({ customerId: "c-1", expiresAt: "2026-01-01T00:30:00.000Z" });
    expect((await client.currentSession())?.customerId).toBe("c-1");
    expect(stub.seen.slice(-2).map((r) => `${r.method} ${r.url}`)).toEqual(["POST /api/loyalty/sessions", "GET /api/loyalty/sessions/current"]);
    expect(JSON.parse(stub.seen.at(-2)!.body)).toEqual({ customerId: "c-1" });
  });

  it("takes 204 as signed out and 404 as no points yet, and reports other failures with the service's message", async () => {
    const client = loyaltyClient({ baseUrl: stub.baseUrl });
    stub.reply({ status: 204 }, { status: 404, body: { error: { code: "NOT_FOUND", message: "none" } } });
    expect(await client.currentSession()).toBeUndefined();
    expect(await client.points("c-2")).toBeUndefined();
    stub.reply({ status: 503, body: { error: { code: "DEPENDENCY_UNAVAILABLE", message: "A dependency is unavailable; retry shortly" } } });
    await expect(client.points("c-2")).rejects.toThrow("A dependency is unavailable; retry shortly");
  });

  it("describes a standing with the points still needed for the next tier, or the top tier", () => {
    expect(describeStanding({ tier: "SILVER", balance: 1234, nextTier: "GOLD", pointsToNextTier: 766 })).toBe("SILVER · 1,234 points · 766 to GOLD");
    expect(describeStanding({ tier: "PLATINUM", balance: 9000, nextTier: null, pointsToNextTier: null })).toBe("PLATINUM · 9,000 points · top tier");
  });
});
