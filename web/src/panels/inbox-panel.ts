import type { ApiClient } from "../api/client.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";

/** How often the inbox is read while the page is visible: notifications follow payment and the barista within seconds. */
const REFRESH_MS = 4_000;

/**
 * The customer's notifications, as the notification sender delivered them (the in-app channel): newest first, read
 * again every few seconds and whenever the customer changes.
 */
export function inboxPanel(client: ApiClient): { element: HTMLElement; show(customerId: string): void } {
  const element = h("div", { class: "inbox" }, h("p", { class: "muted" }, "Notifications about your orders appear here."));
  let customerId: string | undefined;
  let shown = "";
  async function read() {
    if (!customerId) return;
    try {
      const { data } = await client.inbox(customerId);
      const key = data.notifications.map((n) => n.notificationId).join();
      if (key === shown) return;
      shown = key;
      replaceContent(
        element,
        data.notifications.length === 0
          ? h("p", { class: "muted" }, "No notifications yet.")
          : h(
              "ul",
              { class: "inbox-list", "aria-label": "Notifications, newest first" },
              data.notifications.map((n) =>
                h("li", {}, h("strong", {}, n.title), h("p", {}, n.body), h("time", { class: "muted", datetime: n.createdAt }, new Date(n.createdAt).toLocaleTimeString())),
              ),
            ),
      );
    } catch (error) {
      replaceContent(element, h("p", { class: "muted" }, `Notifications did not load: ${describeError(error)}`));
      shown = "";
    }
  }
  setInterval(() => {
    if (!document.hidden) void read();
  }, REFRESH_MS);
  return {
    element,
    show(id) {
      customerId = id;
      shown = "";
      void read();
    },
  };
}
