/**
 * What a group of processes holds in RAM together: each physical page once, however many of them map it (the node
 * binary and its libraries in every Node process, PostgreSQL's shared buffers in every backend that touched them).
 * Summing RSS counts such a page once per process; PSS splits it among every process on the machine that maps it, so
 * a page also mapped outside the group counts only in part. Here each process's resident pages are looked up in
 * /proc/<pid>/pagemap (the physical frame behind each virtual page, 8 bytes a page) and the distinct frames counted.
 * The frame numbers are only shown to root (CAP_SYS_ADMIN); for anyone else the answer is undefined.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";

const PAGE_BYTES = 4096; // x86-64 and arm64 Linux base pages; pagemap has one entry per base page, huge pages included.
const ENTRY_BYTES = 8;
const CHUNK_PAGES = 16_384;
const PRESENT = 0x8000_0000; // bit 63 of the entry: page present in RAM
const FRAME_HIGH_MASK = 0x007f_ffff; // bits 32-54 of the entry: the frame number's high part

/** The address ranges of `pid` with some resident memory, from /proc/<pid>/smaps. */
function residentRanges(pid: number): [number, number][] {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return [];
  }
  const ranges: [number, number][] = [];
  let current: [number, number] | undefined;
  for (const line of smaps.split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      current = [parseInt(range[1]!, 16), parseInt(range[2]!, 16)];
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current && Number(rss[1]) > 0) ranges.push(current);
  }
  return ranges;
}

/** Bytes of RAM the processes `pids` hold together, each physical page counted once; undefined without root. */
export function residentTogether(pids: readonly number[]): number | undefined {
  const frames = new Set<number>();
  let presentWithoutFrame = false;
  const buffer = Buffer.alloc(CHUNK_PAGES * ENTRY_BYTES);
  for (const pid of new Set(pids)) {
    let fd: number;
    try {
      fd = openSync(`/proc/${pid}/pagemap`, "r");
    } catch {
      continue;
    }
    try {
      for (const [start, end] of residentRanges(pid)) {
        for (let page = start / PAGE_BYTES; page < end / PAGE_BYTES; page += CHUNK_PAGES) {
          const pages = Math.min(CHUNK_PAGES, end / PAGE_BYTES - page);
          const read = readSync(fd, buffer, 0, pages * ENTRY_BYTES, page * ENTRY_BYTES);
          for (let offset = 0; offset + ENTRY_BYTES <= read; offset += ENTRY_BYTES) {
            const high = buffer.readUInt32LE(offset + 4);
            if ((high & PRESENT) === 0) continue;
            const frame = (high & FRAME_HIGH_MASK) * 2 ** 32 + buffer.readUInt32LE(offset);
            if (frame === 0) presentWithoutFrame = true;
            else frames.add(frame);
          }
        }
      }
    } catch {
      // The process exited while it was read: what was read of it stands.
    } finally {
      closeSync(fd);
    }
  }
  if (frames.size === 0 && presentWithoutFrame) return undefined;
  return frames.size * PAGE_BYTES;
}
