import type { ErrorCode, ErrorDetail } from "@cloudcafe/core/errors";
import type { MenuCategory, MenuItem, MenuOption, Size } from "@cloudcafe/core/menu/schema";
import type { CreateOrderInput, Order, OrderStatus } from "@cloudcafe/core/order/schema";

// Type-only imports: the console is checked against the domain's own shapes, and none of the server code is bundled.
export type { ErrorDetail, MenuCategory, MenuItem, Order, OrderStatus, Size };

export type PlaceOrderRequest = CreateOrderInput;

export interface StoreSummary {
  storeId: string;
  name: string;
}

/** `GET /api/orders/catalog`. */
export interface Catalog {
  items: MenuItem[];
  options: MenuOption[];
  stores: StoreSummary[];
}

/** Codes the client adds to the server's: the request never got an answer, or the answer was not the contract. */
export type ClientErrorCode = "NETWORK_ERROR" | "UNEXPECTED_RESPONSE";
/** The services' codes and the client's; a proxy in between may add its own (the local gateway's BAD_GATEWAY). */
export type ApiErrorCode = ErrorCode | ClientErrorCode | (string & {});

export type StressRunStatus = "running" | "completed" | "cancelled" | "failed";

export interface CpuSample {
  /** Seconds since the run started. */
  second: number;
  /** Process CPU over that second as a fraction of the allowance. */
  cpu: number;
  duty: number;
}

/**
 * What the console reads of `@cloudcafe/stress`'s run view. Declared here rather than imported because that
 * module is Node code (worker threads, node:crypto) that a browser build cannot type-check against.
 */
export interface StressRun {
  id: string;
  scenario: string;
  status: StressRunStatus;
  targetCpu: number;
  durationSeconds: number;
  startedAt: string;
  endedAt?: string;
  achievedCpu?: number;
  samples: CpuSample[];
  error?: string;
}

export interface StartStressRequest {
  targetCpu: number;
  durationSeconds: number;
  /** Client-chosen, so retrying a start that got no answer returns the same run instead of starting a second. */
  runId: string;
}

export interface DependencyReadiness {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** `GET /ready`: 200 when every dependency answers, 503 (same body) when degraded. */
export interface Readiness {
  status: "ready" | "degraded";
  service: string;
  dependencies: Record<string, DependencyReadiness>;
}
