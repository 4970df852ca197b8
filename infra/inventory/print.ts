/**
 * `npm run infra:inventory`: every resource type the SST program creates and how many, per stage, from the program
 * itself run under Pulumi mocks (no AWS), then each stage's estimated idle daily cost against the architecture's
 * $30-40/day budget (inventory/cost.ts). Stages: `dev` (the lean default), `dev` with the full profile, `production`.
 * Needs `infra/scripts/prepare-platform.sh` to have run once.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { totalPerDay, type CostLine } from "./cost.ts";

export const INVENTORY_STAGES = ["dev", "production"] as const;
/** The architecture's daily budget. */
export const BUDGET_PER_DAY = { low: 30, high: 40 } as const;

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs synthesize-stage.ts for `stage` in a process of its own and parses what it prints. */
export async function synthesizeInChild<T>(stage: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(here, "synthesize-stage.ts"), stage, ...args],
    { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env, NODE_NO_WARNINGS: "1" } },
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

/** Each profile's daily lines and total against the budget. */
export function costReport(byProfile: Record<string, readonly CostLine[]>): string {
  return Object.entries(byProfile)
    .map(([profile, lines]) => {
      const total = totalPerDay(lines);
      const verdict = total <= BUDGET_PER_DAY.high ? "within" : "over";
      return [
        `${profile}: about $${total.toFixed(2)}/day idle (${verdict} the $${BUDGET_PER_DAY.low}-${BUDGET_PER_DAY.high}/day budget)`,
        ...lines.map((line) => `  ${line.item.padEnd(48)} $${line.usdPerDay.toFixed(2)}`),
      ].join("\n");
    })
    .join("\n");
}

interface StageReport {
  readonly counts: Record<string, number>;
  readonly cost: CostLine[];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const profiles = {
    "dev (lean)": await synthesizeInChild<StageReport>("dev", [], { CLOUDCAFE_PROFILE: "lean" }),
    "dev (full)": await synthesizeInChild<StageReport>("dev", [], { CLOUDCAFE_PROFILE: "full" }),
    production: await synthesizeInChild<StageReport>("production"),
  };
  console.log(inventoryTable(Object.fromEntries(Object.entries(profiles).map(([name, report]) => [name, report.counts]))));
  console.log(`\nEstimated idle cost per day (always-on capacity at on-demand list prices; usage, transfer and logs extra):\n`);
  console.log(costReport(Object.fromEntries(Object.entries(profiles).map(([name, report]) => [name, report.cost]))));
}
