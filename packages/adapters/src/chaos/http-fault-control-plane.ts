import { applicationFaultsDocumentSchema, type ApplicationFaultSource } from "@cloudcafe/core";
import { cachedFaultSource } from "./cached-fault-source.ts";

/**
 * Locally: the chaos control plane of `npm start` (CLOUDCAFE_FAULTS_URL), which answers the same JSON document the
 * deployed fault parameter holds. A control plane that does not answer means no new fault (the last document read
 * keeps answering until its entries expire).
 */
export function httpFaultControlPlane(options: {
  readonly url: string;
  readonly cacheMs?: number;
  readonly onReadFailure?: (error: unknown) => void;
}): ApplicationFaultSource {
  return cachedFaultSource({
    cacheMs: options.cacheMs ?? 1_000,
    ...(options.onReadFailure ? { onReadFailure: options.onReadFailure } : {}),
    read: async () => {
      const response = await fetch(options.url, { signal: AbortSignal.timeout(1_000) });
      if (!response.ok) throw new Error(`fault control plane answered ${response.status}`);
      return applicationFaultsDocumentSchema.parse(await response.json());
    },
  });
}
