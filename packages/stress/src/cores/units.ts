import type { CpuScenario } from "../scenarios.ts";
import { batchCalculationUnit } from "./batch-calculation.ts";
import { sha256Hex } from "./hashing.ts";
import { menuSyncUnit } from "./menu-sync.ts";
import { morningRushUnit } from "./morning-rush.ts";
import { restockUnit } from "./restock.ts";

/** 1 KiB of fixed input: the reference unit the benchmark compares every core's scaling with. */
const SHA256_BASELINE_INPUT = Buffer.alloc(1024, 0x5a);

/** The smallest repeatable piece of each core, run in a loop by a CPU slice. */
export const workUnits = {
  "morning-rush": morningRushUnit,
  restock: restockUnit,
  "menu-sync": menuSyncUnit,
  "batch-calculation": batchCalculationUnit,
  "sha256-baseline": (_seed: number) => sha256Hex(SHA256_BASELINE_INPUT),
} as const satisfies Record<CpuScenario | "sha256-baseline", (seed: number) => unknown>;

export type WorkUnit = keyof typeof workUnits;

/** Runs units of `unit` until `busyMs` of wall time has passed; returns how many ran. */
export function runUnitsFor(unit: WorkUnit, busyMs: number, firstSeed: number): number {
  const work = workUnits[unit];
  const deadline = performance.now() + busyMs;
  let units = 0;
  while (performance.now() < deadline) {
    work(firstSeed + units);
    units += 1;
  }
  return units;
}
