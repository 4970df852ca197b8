import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { IDENTIFIER, IDENTIFIER_RULE, fieldError } from "../views/field-error.ts";
import { describeStanding, type LoyaltyClient } from "./loyalty-client.ts";

/**
 * The signed-in customer's points and tier. Signing in starts a console session (an HttpOnly cookie, 30 minutes,
 * renewed by each visit); the points refresh on demand, so a paid order's points show once they have accrued.
 */
export function loyaltyPanel(client: LoyaltyClient): HTMLElement {
  const root = h("div", { class: "loyalty" }, h("p", { class: "muted" }, "Checking your session…"));

  function showError(error: unknown) {
    replaceContent(
      root,
      h("div", { class: "alert", role: "alert", tabindex: -1, "data-focus-fallback": true }, h("p", {}, `Loyalty: ${describeError(error)}`), h("button", { type: "button", onclick: () => void refresh() }, "Try again")),
    );
  }

  function signedOut() {
    const input = h("input", { id: "loyalty-customer", name: "customerId", required: true, value: "customer-demo-001", maxlength: 64, autocomplete: "off" });
    const form = h(
      "form",
      {
        novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          const customerId = input.value.trim();
          if (!IDENTIFIER.test(customerId)) return fieldError(input, `Member id: ${IDENTIFIER_RULE}.`);
          void client.signIn(customerId).then(refresh, showError);
        },
      },
      h("label", { for: "loyalty-customer" }, "Member id"),
      input,
      h("button", { type: "submit" }, "Sign in"),
    );
    // After signing out, focus lands here, on the result, rather than on the page.
    replaceContent(root, h("p", { class: "muted", tabindex: -1, "data-focus-fallback": true }, "Sign in to see your points and tier."), form);
  }

  async function refresh(): Promise<void> {
    try {
      const session = await client.currentSession();
      if (!session) return signedOut();
      const points = await client.points(session.customerId);
      const signOut = h("button", { type: "button", onclick: () => void client.signOut().then(signedOut, showError) }, "Sign out");
      const again = h("button", { type: "button", "data-focus": "loyalty-refresh", onclick: () => void refresh() }, "Refresh");
      replaceContent(
        root,
        // After signing in, focus lands on who is signed in; Refresh keeps it.
        h("p", { tabindex: -1, "data-focus-fallback": true }, "Signed in as ", h("strong", {}, points?.displayName ?? session.customerId)),
        points
          ? [
              h("p", { class: "standing" }, describeStanding(points)),
              h("ul", { class: "ledger" }, points.latestEntries.map((entry) => h("li", {}, `${entry.orderId}: +${entry.points} (${new Date(entry.accruedAt).toLocaleString()})`))),
            ]
          : h("p", { class: "muted" }, "No points yet: a paid order earns one point per dollar."),
        h("div", { class: "actions" }, again, signOut),
      );
    } catch (error) {
      showError(error);
    }
  }

  void refresh();
  return root;
}
