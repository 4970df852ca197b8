import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { contractRoutes, jsonContent } from "./contract.ts";

export type DependencyCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 1_500;

async function probe(check: DependencyCheck): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const healthSchema = z.object({ status: z.literal("ok"), service: z.string() }).meta({ id: "Health" });

const dependencyReadinessSchema = z
  .object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() })
  .meta({ id: "DependencyReadiness" });

const readinessSchema = z
  .object({
    status: z.enum(["ready", "degraded"]),
    service: z.string(),
    dependencies: z.record(z.string(), dependencyReadinessSchema),
  })
  .meta({ id: "Readiness" });

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness: the process answers (ALB and ECS health checks)",
  responses: { 200: { description: "Alive", content: jsonContent(healthSchema) } },
});

const ready = createRoute({
  method: "get",
  path: "/ready",
  tags: ["health"],
  summary: "Readiness: every dependency answers",
  responses: {
    200: { description: "Every dependency answered", content: jsonContent(readinessSchema) },
    503: { description: "Degraded: the same report, naming the dependencies that did not answer", content: jsonContent(readinessSchema) },
  },
});

/** `/health`: the process answers (liveness, for the ALB and ECS). `/ready`: every dependency answers. */
export function healthRoutes(service: string, checks: Record<string, DependencyCheck>) {
  return contractRoutes()
    .openapi(health, (c) => c.json({ status: "ok" as const, service }, 200))
    .openapi(ready, async (c) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => probe(checks[name]!)));
      const dependencies = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
      const report = { service, dependencies };
      return results.every((r) => r.ok) ? c.json({ status: "ready" as const, ...report }, 200) : c.json({ status: "degraded" as const, ...report }, 503);
    });
}
