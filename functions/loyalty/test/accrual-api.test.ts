import { afterAll, describe, expect, it } from "vitest";
import { aCustomer, anOrderId, bodyOf, getPoints, loyaltyFixture, postAccrue } from "./support.ts";

const fixture = loyaltyFixture();
const { app } = fixture;
afterAll(() => fixture.close());

const ledgerOf = async (customerId: string) => (await bodyOf(await getPoints(app, customerId))).latestEntries as { orderId: string; points: number }[];

describe("POST /api/loyalty/accrue", () => {
  it("accrues one point per whole dollar and shows it at GET /api/loyalty/points/:customerId", async () => {
    const customerId = aCustomer();
    const orderId = anOrderId();
    const res = await postAccrue(app, { customerId, orderId, amountCents: 1_299 });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ customerId, orderId, pointsEarned: 12, balance: 12, tier: "BRONZE", replayed: false });

    const points = await bodyOf(await getPoints(app, customerId));
    expect(points).toMatchObject({ customerId, balance: 12, tier: "BRONZE", rollingPoints: 12, nextTier: "SILVER", pointsToNextTier: 488 });
    expect(points.latestEntries).toEqual([{ orderId, amountCents: 1_299, points: 12, balanceAfter: 12, accruedAt: expect.any(String) }]);
  });

  it("answers the same order again as the first time and adds nothing", async () => {
    const customerId = aCustomer();
    const orderId = anOrderId();
    const first = await bodyOf(await postAccrue(app, { customerId, orderId, amountCents: 5_000 }));
    await postAccrue(app, { customerId, orderId: anOrderId(), amountCents: 1_000 });
    const again = await postAccrue(app, { customerId, orderId, amountCents: 5_000 });
    expect(again.status).toBe(200);
    expect(await bodyOf(again)).toEqual({ ...first, replayed: true });
    expect((await bodyOf(await getPoints(app, customerId))).balance).toBe(60);
    expect(await ledgerOf(customerId)).toHaveLength(2);
  });

  it("adds an order once however many identical requests arrive at the same moment", async () => {
    const customerId = aCustomer();
    const orderId = anOrderId();
    const answers = await Promise.all(Array.from({ length: 12 }, () => postAccrue(app, { customerId, orderId, amountCents: 2_500 })));
    const bodies = await Promise.all(answers.map(bodyOf));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(bodies.filter((b) => !b.replayed)).toHaveLength(1);
    expect(new Set(bodies.map((b) => b.balance))).toEqual(new Set([25]));
    expect((await bodyOf(await getPoints(app, customerId))).balance).toBe(25);
    expect(await ledgerOf(customerId)).toHaveLength(1);
  });

  it("refuses the same order with another amount with 409, changing nothing", async () => {
    const customerId = aCustomer();
    const orderId = anOrderId();
    await postAccrue(app, { customerId, orderId, amountCents: 700 });
    const res = await postAccrue(app, { customerId, orderId, amountCents: 900 });
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error.code).toBe("CONFLICT");
    expect((await bodyOf(await getPoints(app, customerId))).balance).toBe(7);
  });

  it("moves a customer up a tier exactly at each threshold", async () => {
    const customerId = aCustomer();
    const accrue = async (dollars: number) => bodyOf(await postAccrue(app, { customerId, orderId: anOrderId(), amountCents: dollars * 100 }));
    expect((await accrue(499)).tier).toBe("BRONZE");
    expect((await accrue(1)).tier).toBe("SILVER");
    expect((await accrue(1_499)).tier).toBe("SILVER");
    const gold = await accrue(1);
    expect(gold).toMatchObject({ tier: "GOLD", balance: 2_000 });
    expect((await accrue(3_000)).tier).toBe("PLATINUM");
    const points = await bodyOf(await getPoints(app, customerId));
    expect(points).toMatchObject({ tier: "PLATINUM", nextTier: null, pointsToNextTier: null, rollingPoints: 5_000 });
  });

  it.each([
    ["a missing amount", { orderId: "ord-1" }],
    ["a negative amount", { orderId: "ord-1", amountCents: -1 }],
    ["a fractional amount", { orderId: "ord-1", amountCents: 10.5 }],
    ["an amount over the cap", { orderId: "ord-1", amountCents: 10_000_001 }],
    ["an order id with spaces", { orderId: "ord 1", amountCents: 100 }],
    ["an unknown field", { orderId: "ord-1", amountCents: 100, bonus: 1000 }],
  ])("answers 400 to %s and stores nothing", async (_, body) => {
    const customerId = aCustomer();
    const res = await postAccrue(app, { customerId, ...body });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.code).toBe("VALIDATION_FAILED");
    expect((await getPoints(app, customerId)).status).toBe(404);
  });

  it("answers 400 to malformed JSON and 415 to another media type", async () => {
    expect((await postAccrue(app, "{not json")).status).toBe(400);
    const res = await app.request("/api/loyalty/accrue", { method: "POST", headers: { authorization: "Bearer loyalty-test-operator-token", "content-type": "text/plain" }, body: "x" });
    expect(res.status).toBe(415);
  });

  it("needs the operator token: 401 without, 403 with a wrong one, and nothing accrues", async () => {
    const customerId = aCustomer();
    expect((await postAccrue(app, { customerId, orderId: anOrderId(), amountCents: 100 }, null)).status).toBe(401);
    expect((await postAccrue(app, { customerId, orderId: anOrderId(), amountCents: 100 }, "a-wrong-operator-token")).status).toBe(403);
    expect((await getPoints(app, customerId)).status).toBe(404);
  });
});

describe("GET /api/loyalty/points/:customerId", () => {
  it("is 404 for a customer without an account and 400 for a malformed id", async () => {
    const res = await getPoints(app, aCustomer("nobody"));
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("NOT_FOUND");
    expect((await getPoints(app, "bad id!")).status).toBe(400);
  });
});
