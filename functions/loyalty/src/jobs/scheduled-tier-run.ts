import { z } from "zod";
import { operatorTokenLink, readEnvironment, readLinks } from "@cloudcafe/adapters";
import { services } from "@cloudcafe/catalog";

/**
 * The EventBridge schedule's target (hourly): asks the service, through the internal NLB, to start the tier
 * recalculation. The run id is the scheduled hour, so a retried invocation finds its run instead of starting another,
 * and the run goes on on an instance (its piscina pool, its 256 MB) rather than inside this function.
 */
const settings = readEnvironment("tier run trigger", z.object({ LOYALTY_SERVICE_URL: z.string().url() }));
const { OperatorToken } = readLinks("tier run trigger", z.object({ OperatorToken: operatorTokenLink }));

export async function handler(event: { time?: string }) {
  const hour = (event.time ?? new Date().toISOString()).slice(0, 13);
  const response = await fetch(`${settings.LOYALTY_SERVICE_URL}${services.loyalty.pathPrefix}/tier-runs`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${OperatorToken?.value ?? ""}` },
    body: JSON.stringify({ runId: `schedule-${hour}`, trigger: "schedule" }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = await response.text();
  // 409: a run is already going (an operator's); the next hour's schedule covers this one.
  if (!response.ok && response.status !== 409) throw new Error(`tier run trigger answered ${response.status}: ${body}`);
  return { status: response.status, body: JSON.parse(body) as unknown };
}
