/**
 * Child process of print.ts: synthesizes one stage under Pulumi mocks and writes `{ type: count }` as JSON to stdout.
 * One process per stage because Pulumi's runtime is process-wide.
 */
import { synthesize } from "../offline/sst-runtime.ts";

const stage = process.argv[2];
if (!stage) throw new Error("usage: synthesize-stage.ts <stage>");

const { resources } = await synthesize(stage);
const counts: Record<string, number> = {};
for (const { type } of resources) counts[type] = (counts[type] ?? 0) + 1;
process.stdout.write(JSON.stringify(counts));
