import { describe, expect, it } from "vitest";
import { uuidV4 } from "../src/api/random.ts";
import { newTraceparent, traceIdFrom } from "../src/api/trace.ts";

const fixedBytes = (value: number) => (length: number) => new Uint8Array(length).fill(value);

describe("ids", () => {
  it("builds RFC 9562 version 4 UUIDs, which the idempotency key header accepts", () => {
    expect(uuidV4(fixedBytes(0xff))).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(uuidV4()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("starts a sampled W3C trace whose id the traceparent carries", () => {
    const { traceId, traceparent } = newTraceparent();
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceIdFrom(traceparent)).toBe(traceId);
  });

  it("reads the trace id from a traceparent and ignores malformed ones", () => {
    expect(traceIdFrom("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(traceIdFrom("not-a-traceparent")).toBeUndefined();
    expect(traceIdFrom(null)).toBeUndefined();
  });
});
