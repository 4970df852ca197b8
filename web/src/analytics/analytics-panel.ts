import type { Store } from "../api/types.ts";
import { formatCents } from "../money.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent, svg } from "../views/dom.ts";
import type { AnalyticsClient } from "./analytics-client.ts";
import { chartGeometry, MINUTE_MS, minuteBars } from "./minute-chart.ts";

const BOX = { width: 480, height: 120 };
const MINUTES = 30;
const REFRESH_MS = 5_000;

/**
 * Sales per minute for one store: paid orders as bars and revenue as a line over the last 30 minutes, read from the
 * Analytics API every 5 seconds, so the current minute fills in as orders are paid.
 */
export function analyticsPanel(client: AnalyticsClient, stores: readonly Store[]): HTMLElement {
  let storeId = stores[0]?.storeId ?? "";
  const chart = h("div", { class: "minute-chart", "aria-live": "polite" }, h("p", { class: "muted" }, "Loading…"));
  const picker = h(
    "select",
    { "aria-label": "Store", onchange: (event) => ((storeId = (event.target as HTMLSelectElement).value), void refresh()) },
    ...stores.map((store) => h("option", { value: store.storeId }, store.name)),
  );

  async function refresh(): Promise<void> {
    const now = Date.now();
    try {
      const windows = await client.storeMinutes(storeId, now - MINUTES * MINUTE_MS, now + MINUTE_MS);
      const bars = minuteBars(windows, now, MINUTES);
      const geometry = chartGeometry(bars, BOX);
      const paid = bars.reduce((sum, bar) => sum + bar.ordersPaid, 0);
      const revenue = bars.reduce((sum, bar) => sum + bar.revenueCents, 0);
      replaceContent(
        chart,
        svg(
          "svg",
          { viewBox: `0 0 ${BOX.width} ${BOX.height}`, width: BOX.width, height: BOX.height, role: "img", "aria-label": `Paid orders and revenue per minute, last ${MINUTES} minutes` },
          ...geometry.bars.map((bar, index) => svg("rect", { class: "orders", x: bar.x, y: bar.y, width: bar.width, height: bar.height }, svg("title", {}, `${new Date(bars[index]!.startMs).toLocaleTimeString()}: ${bars[index]!.ordersPaid} paid, ${formatCents(bars[index]!.revenueCents)}`))),
          svg("polyline", { class: "revenue", points: geometry.revenueLine }),
        ),
        h("p", { class: "muted" }, `${paid} paid orders, ${formatCents(revenue)} in the last ${MINUTES} minutes (busiest minute ${geometry.maxOrders}, best ${formatCents(geometry.maxRevenue)})`),
      );
    } catch (error) {
      replaceContent(chart, h("p", { class: "muted" }, `Analytics not available: ${describeError(error)}`));
    }
  }

  void refresh();
  setInterval(() => void refresh(), REFRESH_MS);
  return h("div", { class: "analytics" }, h("label", {}, "Store ", picker), chart);
}
