/**
 * The one catalog of CloudCafe resource names and settings.
 *
 * `infra/` builds AWS resources from it and `packages/local` creates the same resources on the local engines,
 * so the cloud and the laptop cannot drift apart. Keep it data only: no SDK, no Pulumi, no I/O.
 */

export * from "./units.ts";
export * from "./data.ts";
export * from "./messaging.ts";
export * from "./services.ts";
export * from "./functions.ts";
export * from "./metrics.ts";
export * from "./stress.ts";
