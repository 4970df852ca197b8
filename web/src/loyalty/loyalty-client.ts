/**
 * The console's calls to the Loyalty service (`/api/loyalty/*`, the same origin: the gateway locally, CloudFront
 * deployed). The session is an HttpOnly cookie the browser sends by itself; this code never sees its value.
 */

export interface LedgerEntry {
  orderId: string;
  amountCents: number;
  points: number;
  balanceAfter: number;
  accruedAt: string;
}

export interface PointsSummary {
  customerId: string;
  displayName: string | null;
  balance: number;
  tier: string;
  rollingPoints: number;
  nextTier: string | null;
  pointsToNextTier: number | null;
  latestEntries: LedgerEntry[];
}

export interface LoyaltySession {
  customerId: string;
  expiresAt: string;
}

export interface LoyaltyClient {
  /** The signed-in customer, or undefined when nobody is (204). Each call slides the session on. */
  currentSession(): Promise<LoyaltySession | undefined>;
  signIn(customerId: string): Promise<LoyaltySession>;
  signOut(): Promise<void>;
  /** The customer's points, or undefined before their first accrual or sign-in (404). */
  points(customerId: string): Promise<PointsSummary | undefined>;
}

async function failure(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return new Error(body?.error?.message ?? `The loyalty service answered ${response.status}`);
}

export function loyaltyClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}): LoyaltyClient {
  const base = `${options.baseUrl ?? ""}/api/loyalty`;
  const call = (path: string, init: RequestInit = {}) => (options.fetch ?? fetch)(`${base}${path}`, { credentials: "same-origin", ...init });
  return {
    async currentSession() {
      const response = await call("/sessions/current");
      if (response.status === 204) return undefined;
      if (!response.ok) throw await failure(response);
      return (await response.json()) as LoyaltySession;
    },
    async signIn(customerId) {
      const response = await call("/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customerId }) });
      if (!response.ok) throw await failure(response);
      return (await response.json()) as LoyaltySession;
    },
    async signOut() {
      const response = await call("/sessions/current", { method: "DELETE" });
      if (!response.ok) throw await failure(response);
    },
    async points(customerId) {
      const response = await call(`/points/${encodeURIComponent(customerId)}`);
      if (response.status === 404) return undefined;
      if (!response.ok) throw await failure(response);
      return (await response.json()) as PointsSummary;
    },
  };
}

/** One line for the standing: `GOLD · 2,345 points · 2,655 to PLATINUM` (or `top tier`). */
export function describeStanding(points: Pick<PointsSummary, "tier" | "balance" | "nextTier" | "pointsToNextTier">): string {
  const balance = `${points.balance.toLocaleString("en-US")} points`;
  const next = points.nextTier === null ? "top tier" : `${(points.pointsToNextTier ?? 0).toLocaleString("en-US")} to ${points.nextTier}`;
  return `${points.tier} · ${balance} · ${next}`;
}
