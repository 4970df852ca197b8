import type { LocalEndpoints, LocalEnvironment, LocalResources } from "../resources.ts";

/** What the global setup hands to every test file (`inject("cloudcafeLocal")`). */
export interface LocalTestPlatform {
  readonly env: LocalEnvironment;
  readonly endpoints: LocalEndpoints;
  readonly resources: Omit<LocalResources, "env">;
  /** Appended to every resource name of this run (`-t<pid>`), so parallel runs never share a queue. */
  readonly nameSuffix: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    cloudcafeLocal: LocalTestPlatform;
  }
}
