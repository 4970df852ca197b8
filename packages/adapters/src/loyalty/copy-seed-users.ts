import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { emptyWindow, monthIndex, rollingPoints, tierFor, type TierThresholds, WINDOW_MONTHS } from "@cloudcafe/core";
import type { Database } from "../postgres/client.ts";

export interface SeedUsersOptions {
  count: number;
  thresholds: TierThresholds;
  /** Customer ids are `<prefix><index, 9 digits>`. */
  prefix?: string;
  at?: Date;
}

const LINES_PER_WRITE = 5_000;

/** Deterministic per index (mulberry32), so a seeded population is the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A synthetic user: a spender profile, 12 months of points ending 0-3 months ago, and the tier those points had
 * when the window ended, so a recalculation now finds some tiers to lower, as the hourly batch does in real life.
 */
function userLine(index: number, prefix: string, month: number, thresholds: TierThresholds): string {
  const next = random(index + 1);
  const spender = next();
  const lastMonth = month - Math.floor(next() * 4);
  const window = emptyWindow(lastMonth);
  const buckets = [...window.buckets];
  for (let m = lastMonth - WINDOW_MONTHS + 1; m <= lastMonth; m += 1) buckets[m % WINDOW_MONTHS] = next() < 0.2 ? 0 : Math.floor(next() * spender * 900);
  const rolling = rollingPoints(lastMonth, buckets, lastMonth);
  const balance = rolling + Math.floor(next() * 2_000);
  const id = `${prefix}${String(index).padStart(9, "0")}`;
  return `${id}\t\\N\t${balance}\t${tierFor(rolling, thresholds)}\t${lastMonth}\t{${buckets.join(",")}}\t0\n`;
}

async function* lines(options: Required<SeedUsersOptions>): AsyncGenerator<string> {
  const month = monthIndex(options.at);
  for (let from = 0; from < options.count; from += LINES_PER_WRITE) {
    let text = "";
    for (let i = from; i < Math.min(from + LINES_PER_WRITE, options.count); i += 1) text += userLine(i, options.prefix, month, options.thresholds);
    yield text;
  }
}

/** Loads `count` synthetic users with COPY FROM STDIN (npm start's population, the bench's 10M). */
export async function seedUsers({ pool }: Database, options: SeedUsersOptions): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    const copy = client.query(copyFrom("COPY users (customer_id, display_name, points_balance, tier, window_month, monthly_points, version) FROM STDIN"));
    await pipeline(Readable.from(lines({ prefix: "member-", at: new Date(), ...options })), copy);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A connection a COPY failed on is in an unknown protocol state: the pool drops it instead of lending it again.
    client.release(failure);
  }
}

/** True when the users table has no row (a fresh database). */
export async function usersTableIsEmpty(database: Database): Promise<boolean> {
  const rows = await database.query("SELECT 1 FROM users LIMIT 1");
  return rows.length === 0;
}
