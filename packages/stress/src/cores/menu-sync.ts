import { sha256Hex, seededRandom } from "./hashing.ts";

/**
 * Menu sync storm (Menu service): 10K menu items arrive from the central catalog with their images and the
 * images' declared SHA-256 digests. Sync verifies every image against its digest and writes the item as JSON.
 */

export const MENU_SYNC_ITEMS = 10_000;
const IMAGE_BYTES = 16 * 1024;

export interface IncomingMenuItem {
  itemId: string;
  name: string;
  priceCents: number;
  image: Uint8Array;
  imageSha256: string;
}

export interface SyncedMenuItem {
  itemId: string;
  accepted: boolean;
  imageSha256: string;
  documentBytes: number;
}

export function menuImage(index: number, bytes: number = IMAGE_BYTES): Uint8Array {
  const random = seededRandom(index);
  const image = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += 1) image[offset] = Math.floor(random() * 256);
  return image;
}

/** The item as the catalog sends it; `corrupt` flips one image byte after the digest was taken. */
export function incomingMenuItem(index: number, corrupt = false): IncomingMenuItem {
  const image = menuImage(index);
  const imageSha256 = sha256Hex(image);
  if (corrupt) image[0] = (image[0] ?? 0) ^ 0xff;
  return { itemId: `item-${index}`, name: `Menu item ${index}`, priceCents: 250 + (index % 400), image, imageSha256 };
}

export function syncMenuItem(item: IncomingMenuItem): SyncedMenuItem {
  const actual = sha256Hex(item.image);
  const accepted = actual === item.imageSha256;
  const document = JSON.stringify({
    itemId: item.itemId,
    name: item.name,
    priceCents: item.priceCents,
    imageSha256: actual,
    imageSize: item.image.byteLength,
  });
  const stored = JSON.parse(document) as { itemId: string };
  return { itemId: stored.itemId, accepted, imageSha256: actual, documentBytes: document.length };
}

/** One unit of menu-sync work: receive and sync item `seed` of the 10K. */
export function menuSyncUnit(seed: number): SyncedMenuItem {
  return syncMenuItem(incomingMenuItem(seed % MENU_SYNC_ITEMS));
}
