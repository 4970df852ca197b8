import { type EngineStartOptions, type NodeServerEngineSpec, startNodeServerEngine } from "./engine.ts";

/** fauxqs serves SQS and SNS on one endpoint, so both AWS_ENDPOINT_URL_SQS and _SNS point here. */
export function sqsSnsEngine(options: EngineStartOptions): NodeServerEngineSpec {
  const port = options.config.ports.sqsSns;
  const url = `http://${options.config.host}:${port}`;
  const health = async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  return { name: "fauxqs (SQS+SNS)", url, health, launch: { server: "sqs-sns", port } };
}

/** fauxqs alone, in a Node engines process of its own unless it already answers. */
export const startSqsSns = (options: EngineStartOptions) => startNodeServerEngine(sqsSnsEngine(options), options);
