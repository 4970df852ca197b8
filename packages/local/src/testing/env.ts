import { inject } from "vitest";
import type { LocalEnvironment } from "../resources.ts";
import type { LocalTestPlatform } from "./provided.ts";

/** The platform the global setup prepared for this run: endpoints, resource names, environment map. */
export function localPlatform(): LocalTestPlatform {
  return inject("cloudcafeLocal");
}

/**
 * Applies the local environment (AWS_ENDPOINT_URL_*, DATABASE_URL, REDIS_URL, SST_RESOURCE_*) to process.env and
 * returns it. Call it before importing modules that read `Resource` or create SDK clients.
 */
export function useLocalEnv(): LocalEnvironment {
  const { env } = localPlatform();
  Object.assign(process.env, env);
  return env;
}
