import { Hono } from "hono";

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

/** `/health`: the process answers (liveness, for the ALB and ECS). `/ready`: every dependency answers. */
export function healthRoutes(service: string, checks: Record<string, DependencyCheck>) {
  return new Hono()
    .get("/health", (c) => c.json({ status: "ok", service }))
    .get("/ready", async (c) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => probe(checks[name]!)));
      const dependencies = Object.fromEntries(names.map((name, i) => [name, results[i]]));
      const ready = results.every((r) => r.ok);
      return c.json({ status: ready ? "ready" : "degraded", service, dependencies }, ready ? 200 : 503);
    });
}
