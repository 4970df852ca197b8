import type { Store } from "../api/types.ts";
import { h } from "../views/dom.ts";

/**
 * The store a staff view serves, kept in the address (`?store=`), so a bookmarked barista tablet or display board
 * opens on its store.
 */
export function storeChoice(stores: readonly Store[], onChange: (storeId: string) => void): { element: HTMLElement; value(): string } {
  const fromUrl = new URLSearchParams(location.search).get("store");
  const initial = stores.find((store) => store.storeId === fromUrl) ?? stores.find((store) => store.open) ?? stores[0];
  const select = h(
    "select",
    { id: "staff-store", name: "store" },
    stores.map((store) => h("option", { value: store.storeId }, `${store.name}, ${store.city}${store.open ? "" : " (closed now)"}`)),
  );
  select.value = initial?.storeId ?? "";
  select.addEventListener("change", () => {
    const url = new URL(location.href);
    url.searchParams.set("store", select.value);
    history.replaceState(null, "", url);
    onChange(select.value);
  });
  return { element: h("div", { class: "field" }, h("label", { for: "staff-store" }, "Store"), select), value: () => select.value };
}
