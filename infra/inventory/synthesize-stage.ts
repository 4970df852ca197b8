/**
 * Child process of print.ts and routes.ts: synthesizes one stage under Pulumi mocks and writes JSON to stdout, either
 * `{ counts: { type: count }, cost: CostLine[] }` or (with `--routes`) the route of every public sample path. One process per stage because Pulumi's
 * runtime is process-wide. The operator's variables (CLOUDCAFE_DOMAIN, CLOUDCAFE_PROFILE, ...) are passed through.
 */
import { publicSamplePaths, resolvePath } from "../offline/routes.ts";
import { estimateDailyCost } from "./cost.ts";
import { synthesize } from "../offline/sst-runtime.ts";

const [stage, mode] = process.argv.slice(2);
if (!stage) throw new Error("usage: synthesize-stage.ts <stage> [--routes]");

const env = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => name.startsWith("CLOUDCAFE_") && value !== undefined)) as Record<string, string>;
const synthesis = await synthesize(stage, { env });
if (mode === "--routes") {
  process.stdout.write(JSON.stringify(publicSamplePaths().map((path) => resolvePath(synthesis, path))));
} else {
  const counts: Record<string, number> = {};
  for (const { type } of synthesis.resources) counts[type] = (counts[type] ?? 0) + 1;
  process.stdout.write(JSON.stringify({ counts, cost: estimateDailyCost(synthesis.resources) }));
}
