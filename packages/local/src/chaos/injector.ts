import type { z } from "zod";
import type { Logger } from "@cloudcafe/observability";

/** What an injector is told when its fault is injected. */
export interface InjectionRequest {
  readonly injectionId: string;
  readonly ttlSeconds: number;
  /** The fault's parameters, already checked against the injector's schema. */
  readonly parameters: Record<string, unknown>;
  readonly logger: Logger;
}

/** A fault in force: how to undo it, and what the injection did (shown in the list and the audit log). */
export interface Injection {
  /** Undoes the fault; must be safe to call after the fault ended on its own. */
  revert(): Promise<void>;
  /** Measured facts about what the injection broke (connections terminated, keys flushed, ...). */
  readonly effect: Record<string, string | number | boolean>;
  /**
   * What `recover` needs to undo the fault after the control plane died without reverting it (kept in the state
   * directory while the fault is in force).
   */
  readonly record?: Record<string, unknown>;
}

/** The local mechanism of one fault of the registry: an inject/revert pair. */
export interface FaultInjector {
  /** Checks and defaults the fault's parameters (an object schema). */
  readonly parameters: z.ZodType<Record<string, unknown>>;
  /** Causes the fault. A mechanism that finds nothing to break throws: a fault that silently does nothing is a bug. */
  inject(request: InjectionRequest): Promise<Injection>;
  /**
   * True for a fault the platform's own code causes once it reads it (an application fault): only these are in the
   * document the services read, so a fault the control plane causes itself (a flush) is never caused twice.
   */
  readonly readByServices?: boolean;
  /** Undoes an injection whose control plane died while it was in force, from the injection's `record`. */
  recover?(record: Record<string, unknown>): Promise<void>;
}
