import { cacheConnection, cacheLink, readLinks } from "@cloudcafe/adapters";
import { z } from "zod";

const links = z.object({ StoreInventory: z.object({ name: z.string().min(1) }), InventoryCounters: cacheLink });

/** The stream consumer's links: the table (its name namespaces the counters) and MemoryDB. */
export function loadStockStreamConfig(resources?: Record<string, unknown>) {
  const linked = readLinks("inventory stock stream", links, resources);
  return { table: linked.StoreInventory.name, counters: cacheConnection(linked.InventoryCounters) };
}
