import { ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { kinesisClientFor } from "../aws-clients.ts";
import { type EngineStartOptions, type NodeServerEngineSpec, startNodeServerEngine } from "./engine.ts";

export function kinesisEngine(options: EngineStartOptions): NodeServerEngineSpec {
  const port = options.config.ports.kinesis;
  const url = `http://${options.config.host}:${port}`;
  const client = kinesisClientFor(url);
  const health = async () => {
    await client.send(new ListStreamsCommand({ Limit: 1 }));
    return true;
  };
  return { name: "kinesalite (Kinesis)", url, health, launch: { server: "kinesis", port } };
}

/** kinesalite alone, in a Node engines process of its own unless it already answers. */
export const startKinesis = (options: EngineStartOptions) => startNodeServerEngine(kinesisEngine(options), options);
