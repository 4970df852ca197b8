import type { Logger } from "@cloudcafe/observability";
import type { z } from "zod";

/**
 * The documents of a menu read that pass the domain's schema; one that fails is left out with a log line naming it,
 * rather than breaking every menu read (both menu stores read this way).
 */
export function validDocuments<S extends z.ZodType>(schema: S, found: readonly unknown[], what: string, logger: Logger): z.output<S>[] {
  return found.flatMap((document) => {
    const parsed = schema.safeParse(document);
    if (parsed.success) return [parsed.data];
    logger.warn(`skipping an invalid ${what} document`, { document, issues: parsed.error.issues });
    return [];
  });
}
