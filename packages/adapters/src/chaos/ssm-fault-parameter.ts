import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { applicationFaultsDocumentSchema, type ApplicationFaultSource } from "@cloudcafe/core";
import { cachedFaultSource } from "./cached-fault-source.ts";

/**
 * Deployed: the stage's fault parameter (SSM Parameter Store, a JSON object keyed by fault id) that the game-day
 * runbook writes. Read at most once per `cacheMs` per process (GetParameter's default throughput is shared by the
 * account, so a busy function must not read it per call); a missing parameter means no fault.
 */
export function ssmFaultParameter(options: {
  readonly parameterName: string;
  readonly client?: SSMClient;
  readonly cacheMs?: number;
  readonly onReadFailure?: (error: unknown) => void;
}): ApplicationFaultSource {
  const client = options.client ?? new SSMClient({ maxAttempts: 2 });
  return cachedFaultSource({
    cacheMs: options.cacheMs ?? 5_000,
    ...(options.onReadFailure ? { onReadFailure: options.onReadFailure } : {}),
    read: async () => {
      try {
        const { Parameter } = await client.send(new GetParameterCommand({ Name: options.parameterName }));
        return applicationFaultsDocumentSchema.parse(JSON.parse(Parameter?.Value ?? "{}"));
      } catch (error) {
        if (error instanceof ParameterNotFound) return {};
        throw error;
      }
    },
  });
}
