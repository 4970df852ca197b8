import { ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { kinesisClientFor } from "../aws-clients.ts";
import { tsxCommand } from "../process/tsx-node.ts";
import { ensureServerEngine, type Engine, type EngineStartOptions } from "./engine.ts";

export async function startKinesis(options: EngineStartOptions): Promise<Engine> {
  const { host, ports } = options.config;
  const url = `http://${host}:${ports.kinesis}`;
  const client = kinesisClientFor(url);
  const health = async () => {
    await client.send(new ListStreamsCommand({ Limit: 1 }));
    return true;
  };
  return ensureServerEngine(
    {
      name: "kinesalite (Kinesis)",
      url,
      port: ports.kinesis,
      health,
      spawn: tsxCommand(new URL("./servers/kinesis.ts", import.meta.url), [String(ports.kinesis)]),
      startTimeoutMs: 30_000,
    },
    options,
  );
}
