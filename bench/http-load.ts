/**
 * HTTP load through autocannon (a load generator that is not the bottleneck here: it reaches several thousand req/s on
 * one core), closed loop at `connections` or open loop at a fixed offered `rate`. At a fixed rate autocannon corrects
 * latencies for coordinated omission (a request counts from when it should have been sent), so a service that falls
 * behind shows it in p99/p99.9 rather than hiding it by slowing the client down.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Result } from "autocannon";
import { fmt } from "./load.ts";

export interface HttpLoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Requests per second offered over all connections; closed loop (as fast as answers come) when absent. */
  readonly rate?: number;
  readonly method?: "GET" | "POST";
  readonly headers?: Record<string, string>;
  /** The request body; every `{i}` in it becomes the request's number, so each request can be its own. */
  readonly bodyTemplate?: string;
}

export interface HttpLoadResult {
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rps: number;
  readonly offered: number | undefined;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly statusCodes: Record<string, number>;
}

const generator = fileURLToPath(new URL("./load-generator.mjs", import.meta.url));

/** Runs autocannon in a plain Node process of its own (see load-generator.mjs) and returns its result. */
async function autocannonProcess(options: Record<string, unknown>): Promise<Result> {
  const child = spawn(process.execPath, [generator, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(output) as Result;
}

export async function httpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const result = await autocannonProcess({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: options.method ?? "GET",
    headers: options.headers ?? {},
    ...(options.bodyTemplate ? { bodyTemplate: options.bodyTemplate } : {}),
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, Number((stat as { count: number }).count)]));
  const total = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
  return {
    requests: total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
    rps: total / result.duration,
    offered: options.rate,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    max: result.latency.max,
    statusCodes,
  };
}

export const httpRow = (name: string, connections: number, r: HttpLoadResult) => ({
  endpoint: name,
  conns: connections,
  offered: r.offered ? `${r.offered}/s` : "max",
  "req/s": fmt(r.rps, 0),
  ok: r.ok,
  "not ok": r.non2xx + r.errors,
  "p50 ms": fmt(r.p50, 1),
  "p99 ms": fmt(r.p99, 1),
  "p99.9 ms": fmt(r.p999, 1),
  "max ms": fmt(r.max, 0),
});
