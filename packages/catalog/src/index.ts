/**
 * The one catalog of CloudCafe resource names and settings.
 *
 * `infra/` builds AWS resources from it, `packages/local` creates the same resources on the local engines and runs the
 * same event-source mappings and ALB rules, and the web console reads the stress scenarios, so the cloud and the laptop
 * cannot drift apart. Keep it data only: no SDK, no Pulumi, no I/O, no Node built-ins (the web console imports it).
 *
 * A new service adds its entry to `services` (port, path prefix, health path, ALB priority), its Lambda functions to
 * `functions.ts` and any table, queue or stream it owns to `data.ts` or `messaging.ts`.
 */
export * from "./units.ts";
export * from "./data.ts";
export * from "./documents.ts";
export * from "./messaging.ts";
export * from "./services.ts";
export * from "./functions.ts";
export * from "./orchestration.ts";
export * from "./metrics.ts";
export * from "./stress.ts";
export * from "./faults.ts";
export * from "./fault-alarms.ts";
export * from "./documents.ts";
export * from "./alarms.ts";
