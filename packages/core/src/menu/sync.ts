import { createHash } from "node:crypto";
import type { ErrorDetail } from "../errors.ts";
import { issuesToDetails } from "../validation.ts";
import { pricesInSizeOrder } from "./catalog.ts";
import { type MenuItem, type MenuItemDocument, type SyncItem, type SyncRejection, syncItemSchema } from "./schema.ts";

const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** True when the image's SHA-256 is the digest the catalog declared for it. */
export function imageMatchesDigest(image: Uint8Array, declaredSha256: string): boolean {
  return sha256Hex(image) === declaredSha256;
}

/** The document an item is stored as; its revision is a digest of its content, so an unchanged item has the same one. */
export function menuItemDocument(item: SyncItem | MenuItem, image: MenuItemDocument["image"], updatedAt: Date): MenuItemDocument {
  const content = {
    sku: item.sku,
    name: item.name,
    category: item.category,
    prices: pricesInSizeOrder(item.prices),
    options: item.options.map(({ code, name, priceCents }) => ({ code, name, priceCents })),
    taxClass: item.taxClass,
    available: "available" in item ? item.available : true,
    ...(image ? { image } : {}),
  };
  return { ...content, revision: sha256Hex(JSON.stringify(content)), updatedAt };
}

/** One item of a sync, checked: the document to store, or why it is refused. */
export type CheckedItem = { document: MenuItemDocument; reasons?: undefined } | { document?: undefined; reasons: ErrorDetail[] };

/** Checks one item as the central catalog sent it: its fields (the item schema) and its image against the declared digest. */
export function checkSyncItem(raw: unknown, now: Date): CheckedItem {
  const parsed = syncItemSchema.safeParse(raw);
  if (!parsed.success) return { reasons: issuesToDetails(parsed.error.issues) };
  const item = parsed.data;
  let image: MenuItemDocument["image"];
  if (item.image) {
    const bytes = Buffer.from(item.image.contentBase64, "base64");
    if (!imageMatchesDigest(bytes, item.image.sha256)) {
      return { reasons: [{ path: "image.sha256", message: "the image does not match its declared SHA-256 digest" }] };
    }
    image = { sha256: item.image.sha256, bytes: bytes.byteLength };
  }
  return { document: menuItemDocument(item, image, now) };
}

export interface CheckedSync {
  accepted: MenuItemDocument[];
  rejections: SyncRejection[];
}

/** Items checked between yields to the event loop, so a 10,000-item sync does not stall other requests. */
const ITEMS_PER_SLICE = 250;

/**
 * Checks every item of a sync on its own (`checkSyncItem`), and that its sku was not already accepted earlier in
 * the same sync. Rejected items come back with their reasons; the others as the documents to store.
 */
export async function checkSyncItems(items: readonly unknown[], now: Date): Promise<CheckedSync> {
  const accepted: MenuItemDocument[] = [];
  const rejections: SyncRejection[] = [];
  const firstIndexOfSku = new Map<string, number>();
  for (let index = 0; index < items.length; index++) {
    if (index > 0 && index % ITEMS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const raw = items[index];
    const sku = typeof raw === "object" && raw !== null && typeof (raw as { sku?: unknown }).sku === "string" ? (raw as { sku: string }).sku : undefined;
    const reject = (reasons: ErrorDetail[]) => rejections.push({ index, ...(sku ? { sku } : {}), reasons });
    const { document, reasons } = checkSyncItem(raw, now);
    if (!document) {
      reject(reasons);
      continue;
    }
    const earlier = firstIndexOfSku.get(document.sku);
    if (earlier !== undefined) {
      reject([{ path: "sku", message: `${document.sku} is already item ${earlier} of this sync` }]);
      continue;
    }
    firstIndexOfSku.set(document.sku, index);
    accepted.push(document);
  }
  return { accepted, rejections };
}
