import type { ApiClient } from "../api/client.ts";
import type { Order, Store } from "../api/types.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { pickupNumber, pollStoreQueue } from "./queue-poller.ts";
import { storeChoice } from "./store-choice.ts";

function numbers(orders: readonly Order[], status: Order["status"]): HTMLElement {
  const matching = orders.filter((order) => order.status === status);
  return matching.length === 0
    ? h("p", { class: "board-empty" }, "—")
    : h("ul", { class: "board-numbers" }, matching.map((order) => h("li", {}, pickupNumber(order.orderId))));
}

/** The pickup display: ready order numbers, large, and those being prepared; read-only, updating on its own. */
export function pickupBoard(client: ApiClient, stores: readonly Store[]): HTMLElement {
  const ready = h("div");
  const preparing = h("div");
  const problem = h("div", { role: "status" });
  const choice = storeChoice(stores, () => poller.refresh());
  let announced = new Set<string>();
  const announcer = h("div", { class: "visually-hidden", "aria-live": "polite" });

  const poller = pollStoreQueue(
    client,
    choice.value,
    (orders) => {
      replaceContent(problem);
      replaceContent(ready, numbers(orders, "READY"));
      replaceContent(preparing, numbers(orders, "PREPARING"));
      const readyNow = orders.filter((order) => order.status === "READY").map((order) => order.orderId);
      const fresh = readyNow.filter((orderId) => !announced.has(orderId));
      if (fresh.length > 0) announcer.textContent = `Ready: ${fresh.map(pickupNumber).join(", ")}`;
      announced = new Set(readyNow);
    },
    (error) => replaceContent(problem, h("p", { class: "alert" }, `The board is not updating: ${describeError(error)}`)),
  );
  return h(
    "div",
    { class: "board" },
    h("div", { class: "staff-controls" }, choice.element),
    problem,
    h("div", { class: "board-columns" }, h("section", { "aria-labelledby": "board-ready" }, h("h2", { id: "board-ready" }, "Ready for pickup"), ready), h("section", { "aria-labelledby": "board-preparing" }, h("h2", { id: "board-preparing" }, "Preparing"), preparing)),
    announcer,
  );
}
