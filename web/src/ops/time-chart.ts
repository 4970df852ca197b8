/** Geometry of a small time chart with axes: values over the last minutes, a y scale from zero to a round maximum. */

export interface ChartBox {
  width: number;
  height: number;
}

export interface TimePoint {
  tMs: number;
  value: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The smallest of 1, 2, 2.5 or 5 times a power of ten at or above `value`: a y axis top that reads well. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= value)!;
  return step * power;
}

/**
 * The polyline through the points within [fromMs, toMs] (x by time, y by value, 0 at the bottom), the y axis' top and,
 * when given, where a threshold line sits. Values above the top cannot occur: the top is at least the largest value.
 */
export function timeChartGeometry(points: readonly TimePoint[], fromMs: number, toMs: number, box: ChartBox, threshold?: number) {
  const shown = points.filter((point) => point.tMs >= fromMs && point.tMs <= toMs);
  const top = niceCeiling(Math.max(threshold ?? 0, ...shown.map((point) => point.value)));
  const x = (tMs: number) => round1(((tMs - fromMs) / Math.max(1, toMs - fromMs)) * box.width);
  const y = (value: number) => round1(box.height - (Math.max(0, value) / top) * box.height);
  return {
    line: shown.map((point) => `${x(point.tMs)},${y(point.value)}`).join(" "),
    top,
    thresholdY: threshold === undefined ? undefined : y(threshold),
    last: shown.at(-1),
  };
}
