import { describe, expect, it } from "vitest";
import { parseInvocationReport } from "../src/cores/deployed-avalanche.ts";

const tail = (lines: string) => Buffer.from(lines).toString("base64");

describe("Lambda REPORT line", () => {
  it("reads Duration and, on a cold start, Init Duration, whatever the field order", () => {
    const cold = tail(
      "START RequestId: 8f5 Version: $LATEST\n{\"level\":\"INFO\"}\nEND RequestId: 8f5\n" +
        "REPORT RequestId: 8f5\tDuration: 812.45 ms\tBilled Duration: 813 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 3214.07 ms\t\n",
    );
    expect(parseInvocationReport(cold)).toEqual({ durationMs: 812.45, initMs: 3214.07 });
    const reordered = tail("REPORT RequestId: 1\tInit Duration: 5.5 ms\tBilled Duration: 9 ms\tDuration: 8.25 ms\t\n");
    expect(parseInvocationReport(reordered)).toEqual({ durationMs: 8.25, initMs: 5.5 });
  });

  it("has no init on a warm invocation, and nothing without a REPORT line", () => {
    expect(parseInvocationReport(tail("REPORT RequestId: 2\tDuration: 41.00 ms\tBilled Duration: 42 ms\tMemory Size: 512 MB\t\n"))).toEqual({ durationMs: 41 });
    expect(parseInvocationReport(tail("START RequestId: 3 Version: $LATEST\n"))).toBeUndefined();
    expect(parseInvocationReport(undefined)).toBeUndefined();
  });
});
