import { createHash, randomBytes } from "node:crypto";
import { AppError } from "../errors.ts";
import { addPoints, monthIndex, nextTier, pointsFor, rollingPoints, tierFor } from "./points.ts";
import type { LoyaltyRepository, SessionStore } from "./ports.ts";
import type { Accrual, AccrueRequest, CreateSessionInput, PointsSummary, SessionView, TierThresholds } from "./schema.ts";

export interface LoyaltyRules {
  pointsPerDollar: number;
  thresholds: TierThresholds;
}

export interface LoyaltyServiceDeps {
  repository: LoyaltyRepository;
  sessions: SessionStore;
  rules: LoyaltyRules;
  /** Sliding session lifetime (the catalog's user-sessions TTL, 30 minutes). */
  sessionTtlSeconds: number;
  /** Ledger entries shown with a balance. */
  latestEntries?: number;
  clock?: () => Date;
}

/** The opaque session id is 256 random bits; the store keys it by its SHA-256, so a store dump holds no usable id. */
const sessionKey = (sessionId: string) => createHash("sha256").update(sessionId).digest("base64url");

export function createLoyaltyService(deps: LoyaltyServiceDeps) {
  const now = deps.clock ?? (() => new Date());
  const { rules } = deps;
  const expiresAt = () => new Date(now().getTime() + deps.sessionTtlSeconds * 1000).toISOString();

  return {
    rules,

    async points(customerId: string): Promise<PointsSummary> {
      const account = await deps.repository.account(customerId);
      if (!account) throw new AppError("NOT_FOUND", `No loyalty account for customer ${customerId}`);
      const rolling = rollingPoints(account.window.lastMonth, account.window.buckets, monthIndex(now()));
      const next = nextTier(rolling, rules.thresholds);
      return {
        customerId,
        displayName: account.displayName,
        balance: account.balance,
        tier: account.tier,
        rollingPoints: rolling,
        nextTier: next?.tier ?? null,
        pointsToNextTier: next?.pointsNeeded ?? null,
        latestEntries: await deps.repository.latestEntries(customerId, deps.latestEntries ?? 10),
      };
    },

    /**
     * Accrues a paid order once: the ledger's unique (customer, order) decides. The same order again answers what
     * the first accrual answered and adds nothing; the same order with another amount is a CONFLICT.
     */
    async accrue(request: AccrueRequest): Promise<Accrual> {
      const at = now();
      const points = pointsFor(request.amountCents, rules.pointsPerDollar);
      const month = monthIndex(at);
      const result = await deps.repository.accrue({ ...request, points, accruedAt: at.toISOString() }, (account) => {
        const window = addPoints(account.window, month, points);
        const tier = tierFor(rollingPoints(window.lastMonth, window.buckets, month), rules.thresholds);
        return { ...account, balance: account.balance + points, window, tier };
      });
      if (result.outcome === "exists" && result.entry.amountCents !== request.amountCents) {
        throw new AppError(
          "CONFLICT",
          `Order ${request.orderId} already accrued ${result.entry.amountCents} cents for customer ${request.customerId}; ${request.amountCents} differs`,
        );
      }
      return {
        customerId: request.customerId,
        orderId: request.orderId,
        pointsEarned: result.entry.points,
        balance: result.entry.balanceAfter,
        tier: result.account.tier,
        replayed: result.outcome === "exists",
      };
    },

    /** Signs a customer in: their profile saved, a new opaque session id (for the cookie) and its session. */
    async signIn(input: CreateSessionInput): Promise<{ sessionId: string; session: SessionView }> {
      await deps.repository.saveProfile(input.customerId, input.displayName);
      const sessionId = randomBytes(32).toString("base64url");
      await deps.sessions.save(sessionKey(sessionId), { customerId: input.customerId, createdAt: now().toISOString() }, deps.sessionTtlSeconds);
      return { sessionId, session: { customerId: input.customerId, expiresAt: expiresAt() } };
    },

    /** The session of this id, renewed for another TTL; undefined when there is none (expired, signed out, never). */
    async currentSession(sessionId: string | undefined): Promise<SessionView | undefined> {
      const stored = sessionId ? await deps.sessions.renew(sessionKey(sessionId), deps.sessionTtlSeconds) : undefined;
      return stored && { customerId: stored.customerId, expiresAt: expiresAt() };
    },

    async signOut(sessionId: string | undefined): Promise<void> {
      if (sessionId) await deps.sessions.remove(sessionKey(sessionId));
    },
  };
}

export type LoyaltyService = ReturnType<typeof createLoyaltyService>;
