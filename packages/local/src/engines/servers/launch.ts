/**
 * What the Node engines process (node-engines.ts) is asked to serve: its one argument is a JSON array of these. The
 * engine modules that start it build them; this module loads none of the engines' code.
 */
import { z } from "zod";

export const nodeEngineLaunch = z.discriminatedUnion("server", [
  z.object({ server: z.literal("sqs-sns"), port: z.number().int() }),
  z.object({ server: z.literal("kinesis"), port: z.number().int() }),
  z.object({ server: z.literal("redshift-data"), port: z.number().int(), databaseUrl: z.string().min(1), workgroupName: z.string().min(1) }),
  z.object({ server: z.literal("documentdb"), port: z.number().int(), databaseUrl: z.string().min(1), replicaSetName: z.string().min(1).optional() }),
]);
export type NodeEngineLaunch = z.infer<typeof nodeEngineLaunch>;

export const nodeEngineLaunches = z.array(nodeEngineLaunch).min(1);
