/**
 * `npm run infra:inventory`: every resource type the SST program creates and how many, per stage, from the program
 * itself run under Pulumi mocks (no AWS). Needs `infra/scripts/prepare-platform.sh` to have run once.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

export const INVENTORY_STAGES = ["dev", "production"] as const;

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs synthesize-stage.ts for `stage` in a process of its own and parses what it prints. */
export async function synthesizeInChild<T>(stage: string, args: readonly string[] = []): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(here, "synthesize-stage.ts"), stage, ...args],
    { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: "1" } },
  );
  return JSON.parse(stdout) as T;
}

export function inventoryTable(byStage: Record<string, Record<string, number>>): string {
  const stages = Object.keys(byStage);
  const types = [...new Set(Object.values(byStage).flatMap((counts) => Object.keys(counts)))].sort();
  const width = Math.max(...types.map((t) => t.length), "resource type".length);
  const row = (label: string, cells: (string | number)[]) =>
    `${label.padEnd(width)}  ${cells.map((c) => String(c).padStart(10)).join("  ")}`;
  return [
    row("resource type", stages),
    ...types.map((type) => row(type, stages.map((stage) => byStage[stage]![type] ?? 0))),
    row("total", stages.map((stage) => Object.values(byStage[stage]!).reduce((a, b) => a + b, 0))),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const byStage: Record<string, Record<string, number>> = {};
  for (const stage of INVENTORY_STAGES) byStage[stage] = await synthesizeInChild<Record<string, number>>(stage);
  console.log(inventoryTable(byStage));
}
