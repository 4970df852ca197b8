import { computeTierChunk, type TierChunkTask } from "@cloudcafe/adapters/loyalty/tier-chunk";

/** Piscina entry of the tier batch's pool: one chunk of users per task, on a worker thread. */
export default function run(task: TierChunkTask) {
  return computeTierChunk(task);
}
