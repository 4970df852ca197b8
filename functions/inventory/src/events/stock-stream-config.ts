import { memoryDbConnection, memoryDbLink, readEnvironment, readLinks } from "@cloudcafe/adapters";
import { z } from "zod";

const SERVICE = "inventory stock stream";
const links = z.object({ StoreInventory: z.object({ name: z.string().min(1) }), InventoryCounters: memoryDbLink });
const environment = z.object({ AWS_REGION: z.string().min(1).default("us-east-1") });

/** The stream consumer's links: the table (its name namespaces the counters) and MemoryDB. */
export function loadStockStreamConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>) {
  const linked = readLinks(SERVICE, links, resources);
  const settings = readEnvironment(SERVICE, environment, env);
  return { table: linked.StoreInventory.name, counters: memoryDbConnection(linked.InventoryCounters, settings.AWS_REGION) };
}
