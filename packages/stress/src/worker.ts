import { calculateBatchChunk, type BatchChunkResult } from "./cores/batch-calculation.ts";
import { runQueryStorm, type QueryStormOptions, type QueryStormReport } from "./cores/query-storm.ts";
import { runUnitsFor, type WorkUnit } from "./cores/units.ts";

/** What a pool thread can be asked to do. */
export type WorkerTask =
  | { kind: "warm" }
  | { kind: "slice"; unit: WorkUnit; busyMs: number; firstSeed: number }
  | { kind: "batch-chunk"; from: number; count: number }
  | { kind: "query-storm"; options: QueryStormOptions };

export interface WorkerResults {
  warm: true;
  slice: { units: number };
  "batch-chunk": BatchChunkResult;
  "query-storm": QueryStormReport;
}

export type TaskOf<K extends WorkerTask["kind"]> = Extract<WorkerTask, { kind: K }>;

/** Piscina entry point: runs in a worker thread, never on a service's event loop. */
export default async function runTask(task: WorkerTask): Promise<WorkerResults[WorkerTask["kind"]]> {
  switch (task.kind) {
    case "warm":
      return true;
    case "slice":
      return { units: runUnitsFor(task.unit, task.busyMs, task.firstSeed) };
    case "batch-chunk":
      return calculateBatchChunk(task.from, task.count);
    case "query-storm":
      return runQueryStorm(task.options);
  }
}
