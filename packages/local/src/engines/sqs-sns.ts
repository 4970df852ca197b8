import { ensureServerEngine, type Engine, type EngineStartOptions } from "./engine.ts";
import { tsxCommand } from "../process/tsx-node.ts";

/** fauxqs serves SQS and SNS on one endpoint, so both AWS_ENDPOINT_URL_SQS and _SNS point here. */
export async function startSqsSns(options: EngineStartOptions): Promise<Engine> {
  const { host, ports } = options.config;
  const url = `http://${host}:${ports.sqsSns}`;
  const health = async () => {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  };
  return ensureServerEngine(
    {
      name: "fauxqs (SQS+SNS)",
      url,
      port: ports.sqsSns,
      health,
      spawn: tsxCommand(new URL("./servers/sqs-sns.ts", import.meta.url), [String(ports.sqsSns)]),
      startTimeoutMs: 30_000,
    },
    options,
  );
}
