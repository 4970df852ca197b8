import { createHash } from "node:crypto";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hashes `data`, then the digest again `rounds - 1` times: a stand-in for key-stretching style fraud checks. */
export function iteratedSha256(data: string, rounds: number): string {
  let digest = sha256Hex(data);
  for (let round = 1; round < rounds; round += 1) digest = sha256Hex(digest);
  return digest;
}

/**
 * Deterministic pseudo-random generator (mulberry32), so every core builds the same inputs from the same seed
 * and a result can be checked without shipping fixtures between threads.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
