import { describe, expect, it } from "vitest";
import { formatCents, formatPercent } from "../src/money.ts";

describe("formatCents", () => {
  it("shows integer cents as dollars with two decimals and grouping", () => {
    expect(formatCents(495)).toBe("$4.95");
    expect(formatCents(0)).toBe("$0.00");
    expect(formatCents(123_456)).toBe("$1,234.56");
  });

  it("uses the order's currency", () => {
    expect(formatCents(1050, "EUR")).toBe("€10.50");
  });
});

describe("formatPercent", () => {
  it("rounds a CPU fraction to a whole percentage", () => {
    expect(formatPercent(0.954)).toBe("95%");
    expect(formatPercent(1)).toBe("100%");
  });
});
