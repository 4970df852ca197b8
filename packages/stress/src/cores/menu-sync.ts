import { checkSyncItem, menuCategories, type SyncItemInput } from "@cloudcafe/core";
import { sha256Hex, seededRandom } from "./hashing.ts";

/**
 * Menu sync storm (Menu service): 10K menu items arrive from the central catalog with their images and the images'
 * declared SHA-256 digests. Each is synced as `POST /api/menu/sync` does it, with the Menu domain's own check: the
 * item read from JSON, validated, its image verified against its digest, and its document built and written as JSON.
 */

export const MENU_SYNC_ITEMS = 10_000;
const IMAGE_BYTES = 16 * 1024;

export function menuImage(index: number, bytes: number = IMAGE_BYTES): Uint8Array {
  const random = seededRandom(index);
  const image = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += 1) image[offset] = Math.floor(random() * 256);
  return image;
}

/**
 * Item `index` of the central catalog's feed as `POST /api/menu/sync` takes it (`SYN-00042`), with an image of
 * `imageBytes` and its SHA-256 digest; `corrupt` flips one image byte after the digest was taken.
 */
export function catalogMenuItem(index: number, options: { imageBytes?: number; corrupt?: boolean } = {}): SyncItemInput {
  const image = menuImage(index, options.imageBytes ?? IMAGE_BYTES);
  const sha256 = sha256Hex(image);
  if (options.corrupt) image[0] = (image[0] ?? 0) ^ 0xff;
  const category = menuCategories[index % menuCategories.length]!;
  const food = category === "bakery" || category === "food";
  const price = 250 + (index % 400);
  return {
    sku: `SYN-${String(index).padStart(5, "0")}`,
    name: `Menu item ${index}`,
    category,
    prices: food ? { single: price } : { tall: price, grande: price + 70, venti: price + 120 },
    options: food ? [] : [{ code: "oat-milk", name: "Oat milk", priceCents: 70 }],
    taxClass: food ? "prepared_food" : "beverage",
    image: { contentBase64: Buffer.from(image).toString("base64"), sha256 },
  };
}

export interface SyncedMenuItem {
  sku: string;
  accepted: boolean;
  documentBytes: number;
}

/** Syncs one item as the Menu service does: from its JSON text through the domain's check to the stored document's JSON. */
export function syncMenuItem(item: SyncItemInput): SyncedMenuItem {
  const checked = checkSyncItem(JSON.parse(JSON.stringify(item)), new Date());
  return { sku: item.sku, accepted: checked.document !== undefined, documentBytes: checked.document ? JSON.stringify(checked.document).length : 0 };
}

/** One unit of menu-sync work: receive and sync item `seed` of the 10K. */
export function menuSyncUnit(seed: number): SyncedMenuItem {
  return syncMenuItem(catalogMenuItem(seed % MENU_SYNC_ITEMS));
}
