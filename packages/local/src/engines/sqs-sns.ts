import { ensureTsxServerEngine, type Engine, type EngineStartOptions } from "./engine.ts";

/** fauxqs serves SQS and SNS on one endpoint, so both AWS_ENDPOINT_URL_SQS and _SNS point here. */
export function startSqsSns(options: EngineStartOptions): Promise<Engine> {
  const port = options.config.ports.sqsSns;
  const health = async () => (await fetch(`http://${options.config.host}:${port}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  return ensureTsxServerEngine({ name: "fauxqs (SQS+SNS)", entry: "sqs-sns.ts", port, health }, options);
}
