import { ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { kinesisClientFor } from "../aws-clients.ts";
import { ensureTsxServerEngine, type Engine, type EngineStartOptions } from "./engine.ts";

export function startKinesis(options: EngineStartOptions): Promise<Engine> {
  const port = options.config.ports.kinesis;
  const client = kinesisClientFor(`http://${options.config.host}:${port}`);
  const health = async () => {
    await client.send(new ListStreamsCommand({ Limit: 1 }));
    return true;
  };
  return ensureTsxServerEngine({ name: "kinesalite (Kinesis)", entry: "kinesis.ts", port, health }, options);
}
