/**
 * CloudWatch Embedded Metric Format documents, read as CloudWatch Logs reads them: each metric a directive names is
 * a member of the document holding a number (or an array of numbers), dimensioned by the members its dimension sets
 * name. The local sink keeps one series per metric and the union of its dimension sets, so a document listing several
 * sets ([["service"], ["service", "route"]]) is counted once, not once per set.
 */
import { z } from "zod";
import type { Datapoint } from "./metric-store.ts";

const directiveSchema = z.object({
  Namespace: z.string().min(1).max(256),
  Dimensions: z.array(z.array(z.string()).max(30)).max(30),
  Metrics: z.array(z.object({ Name: z.string().min(1).max(255), Unit: z.string().optional() })).max(100),
});

const documentSchema = z.looseObject({
  _aws: z.object({ Timestamp: z.number(), CloudWatchMetrics: z.array(directiveSchema).max(10) }),
});

/** A quick test before parsing: every EMF document is a JSON object with an `_aws` member. */
export function looksLikeEmf(line: string): boolean {
  return line.startsWith("{") && line.includes('"_aws"');
}

/** The datapoints of one EMF document, or undefined when it is not a valid one. */
export function emfDatapoints(document: unknown): Datapoint[] | undefined {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) return undefined;
  const members = parsed.data as Record<string, unknown>;
  const timestamp = parsed.data._aws.Timestamp;
  return parsed.data._aws.CloudWatchMetrics.flatMap((directive) => {
    const dimensions: Record<string, string> = {};
    for (const name of directive.Dimensions.flat()) {
      const value = members[name];
      if (typeof value === "string" || typeof value === "number") dimensions[name] = String(value);
    }
    return directive.Metrics.flatMap(({ Name, Unit }) => {
      const raw = members[Name];
      const values = Array.isArray(raw) ? raw : [raw];
      return values
        .filter((value): value is number => typeof value === "number" && Number.isFinite(value))
        .map((value) => ({ namespace: directive.Namespace, name: Name, value, dimensions, timestamp, ...(Unit ? { unit: Unit } : {}) }));
    });
  });
}

/** The datapoints of a line of output, or undefined when the line is not an EMF document (a log line, text). */
export function emfLineDatapoints(line: string): Datapoint[] | undefined {
  if (!looksLikeEmf(line)) return undefined;
  try {
    return emfDatapoints(JSON.parse(line));
  } catch {
    return undefined;
  }
}
