/** Fills a byte array with cryptographic randomness (injectable so ids are reproducible in tests). */
export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

/**
 * RFC 9562 version 4 UUID. Built from getRandomValues because `crypto.randomUUID` exists only in secure
 * contexts, and the console may be opened over plain http on a LAN address during a demo.
 */
export function uuidV4(random: RandomBytes = cryptoRandomBytes): string {
  const bytes = random(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const digits = hex(bytes);
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}

export function randomHex(byteLength: number, random: RandomBytes = cryptoRandomBytes): string {
  return hex(random(byteLength));
}
