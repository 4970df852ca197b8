import { BSON, type Document } from "bson";

/**
 * MongoDB wire protocol framing: the opcodes a current driver sends (legacy OP_QUERY for the first handshake,
 * OP_MSG for everything else) and the two reply shapes (OP_REPLY to an OP_QUERY, OP_MSG with one payload type 0
 * section otherwise). Layouts from the specifications' OP_MSG.md and OP_COMPRESSED.md.
 */

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_BYTES = 16;
/** Announced in hello; a larger frame closes the connection. */
export const MAX_MESSAGE_BYTES = 48_000_000;
export const MAX_BSON_OBJECT_BYTES = 16 * 1024 * 1024;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
/** OP_REPLY responseFlags: AwaitCapable, as every server since 1.6 sets it. */
const AWAIT_CAPABLE = 1 << 3;

/**
 * Commands arrive with every BSON type kept (Int32, Double, Long, ... as classes, not JS numbers), so documents are
 * stored with the types the client sent.
 */
const commandBsonOptions = { promoteValues: false } as const;

export interface MessageHeader {
  readonly length: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

export type WireRequest =
  | {
      readonly kind: "msg";
      readonly header: MessageHeader;
      /** The client does not want an answer (unacknowledged writes). */
      readonly moreToCome: boolean;
      /** The payload type 0 document with each payload type 1 sequence added under its identifier. */
      readonly command: Document;
    }
  | { readonly kind: "query"; readonly header: MessageHeader; readonly collection: string; readonly query: Document }
  | { readonly kind: "other"; readonly header: MessageHeader };

/** A malformed frame: the connection is closed, as the specification requires for unknown payload types. */
export class ProtocolError extends Error {}

/** Splits a byte stream into complete messages. */
export class FrameReader {
  #buffered: Buffer[] = [];
  #bytes = 0;

  push(chunk: Buffer): Buffer[] {
    this.#buffered.push(chunk);
    this.#bytes += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#bytes < 4) break;
      const head = this.#buffered.length === 1 ? this.#buffered[0]! : Buffer.concat(this.#buffered);
      this.#buffered = [head];
      const length = head.readInt32LE(0);
      if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) throw new ProtocolError(`message length ${length} is out of bounds`);
      if (this.#bytes < length) break;
      frames.push(head.subarray(0, length));
      const rest = head.subarray(length);
      this.#buffered = rest.length > 0 ? [rest] : [];
      this.#bytes = rest.length;
    }
    return frames;
  }
}

function readHeader(frame: Buffer): MessageHeader {
  return { length: frame.readInt32LE(0), requestId: frame.readInt32LE(4), responseTo: frame.readInt32LE(8), opCode: frame.readInt32LE(12) };
}

function readCString(frame: Buffer, offset: number): { value: string; next: number } {
  const end = frame.indexOf(0, offset);
  if (end < 0) throw new ProtocolError("unterminated cstring");
  return { value: frame.toString("utf8", offset, end), next: end + 1 };
}

function readDocument(frame: Buffer, offset: number, end: number): { document: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError("truncated BSON document");
  const size = frame.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError("BSON document overruns its section");
  return { document: BSON.deserialize(frame.subarray(offset, offset + size), commandBsonOptions), next: offset + size };
}

export function parseRequest(frame: Buffer): WireRequest {
  const header = readHeader(frame);
  if (header.opCode === OP_MSG) return parseMsg(frame, header);
  if (header.opCode === OP_QUERY) {
    // flags (int32), fullCollectionName, numberToSkip, numberToReturn, query [, returnFieldsSelector]
    const { value: collection, next } = readCString(frame, HEADER_BYTES + 4);
    const { document } = readDocument(frame, next + 8, frame.length);
    return { kind: "query", header, collection, query: document };
  }
  return { kind: "other", header };
}

function parseMsg(frame: Buffer, header: MessageHeader): WireRequest {
  const flags = frame.readUInt32LE(HEADER_BYTES);
  // The high 16 bits are optional (exhaustAllowed only permits streamed replies; this server answers once).
  const unknownRequired = flags & 0xffff & ~(CHECKSUM_PRESENT | MORE_TO_COME);
  if (unknownRequired !== 0) throw new ProtocolError(`OP_MSG sets unknown required flag bits 0x${unknownRequired.toString(16)}`);
  let end = frame.length;
  if (flags & CHECKSUM_PRESENT) {
    end -= 4;
    const expected = frame.readUInt32LE(end);
    const actual = crc32c(frame.subarray(0, end));
    if (expected !== actual) throw new ProtocolError(`OP_MSG checksum mismatch (sent ${expected}, computed ${actual})`);
  }
  let body: Document | undefined;
  const sequences = new Map<string, Document[]>();
  let offset = HEADER_BYTES + 4;
  while (offset < end) {
    const payloadType = frame[offset]!;
    offset += 1;
    if (payloadType === 0) {
      if (body) throw new ProtocolError("OP_MSG has more than one payload type 0 section");
      const read = readDocument(frame, offset, end);
      body = read.document;
      offset = read.next;
    } else if (payloadType === 1) {
      const sectionEnd = offset + frame.readInt32LE(offset);
      if (sectionEnd > end) throw new ProtocolError("document sequence overruns the message");
      const { value: identifier, next } = readCString(frame, offset + 4);
      if (sequences.has(identifier)) throw new ProtocolError(`OP_MSG repeats the document sequence ${identifier}`);
      const documents: Document[] = [];
      for (let at = next; at < sectionEnd; ) {
        const read = readDocument(frame, at, sectionEnd);
        documents.push(read.document);
        at = read.next;
      }
      sequences.set(identifier, documents);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`OP_MSG has a section of unknown payload type ${payloadType}`);
    }
  }
  if (!body) throw new ProtocolError("OP_MSG has no payload type 0 section");
  for (const [identifier, documents] of sequences) {
    if (identifier in body) throw new ProtocolError(`${identifier} is both in the command and a document sequence`);
    body[identifier] = documents;
  }
  return { kind: "msg", header, moreToCome: (flags & MORE_TO_COME) !== 0, command: body };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  bytes.writeInt32LE(responseTo, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

/** An OP_MSG reply: no flags, one payload type 0 section. */
export function encodeMsgReply(responseTo: number, reply: Document): Buffer {
  const document = BSON.serialize(reply);
  const prefix = Buffer.alloc(5); // flagBits (0) + payload type 0
  return Buffer.concat([header(HEADER_BYTES + prefix.length + document.length, responseTo, OP_MSG), prefix, document]);
}

/** An OP_REPLY carrying one document, the answer to a legacy OP_QUERY command. */
export function encodeQueryReply(responseTo: number, reply: Document): Buffer {
  const document = BSON.serialize(reply);
  const fields = Buffer.alloc(20); // responseFlags, cursorID (int64 0), startingFrom, numberReturned
  fields.writeInt32LE(AWAIT_CAPABLE, 0);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_BYTES + fields.length + document.length, responseTo, OP_REPLY), fields, document]);
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the OP_MSG checksum. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
