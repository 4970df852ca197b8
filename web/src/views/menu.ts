import type { MenuCategory, MenuItem, Size } from "../api/types.ts";
import type { LineChoice } from "../cart/cart.ts";
import { MAX_LINE_QUANTITY } from "../cart/cart.ts";
import { CATEGORY_TITLES, categories } from "../menu/menu-book.ts";
import { formatCents } from "../money.ts";
import { h } from "./dom.ts";

const SIZE_ORDER: readonly Size[] = ["short", "tall", "grande", "venti", "single"];

/** Returns why the choice was refused, or undefined when it went into the cart. */
export type AddToCart = (choice: LineChoice) => string | undefined;

function sizesOf(item: MenuItem): Size[] {
  return SIZE_ORDER.filter((size) => item.prices[size] !== undefined);
}

function itemCard(item: MenuItem, onAdd: AddToCart): HTMLElement {
  const id = `item-${item.sku}`;
  const sizes = sizesOf(item);
  const defaultSize = sizes.includes("grande") ? "grande" : sizes[0]!;
  const feedback = h("p", { class: "feedback", id: `${id}-feedback`, role: "status", "aria-live": "polite" });

  const sizePicker =
    sizes.length > 1
      ? h(
          "fieldset",
          { class: "sizes" },
          h("legend", {}, "Size"),
          sizes.map((size) =>
            h(
              "label",
              { class: "chip" },
              h("input", { type: "radio", name: `${id}-size`, value: size, checked: size === defaultSize }),
              ` ${size} ${formatCents(item.prices[size]!)}`,
            ),
          ),
        )
      : h("p", { class: "price" }, formatCents(item.prices[defaultSize]!));

  const { options } = item;
  const optionPicker =
    options.length > 0 &&
    h(
      "details",
      { class: "options" },
      h("summary", {}, "Options"),
      h(
        "fieldset",
        {},
        h("legend", { class: "visually-hidden" }, `Options for ${item.name}`),
        options.map((option) =>
          h(
            "label",
            { class: "option" },
            h("input", { type: "checkbox", name: `${id}-option`, value: option.code }),
            ` ${option.name}`,
            option.priceCents > 0 && h("span", { class: "muted" }, ` +${formatCents(option.priceCents)}`),
          ),
        ),
      ),
    );

  const quantityInput = h("input", {
    id: `${id}-qty`,
    name: "quantity",
    type: "number",
    min: 1,
    max: MAX_LINE_QUANTITY,
    value: "1",
    inputmode: "numeric",
    class: "qty",
    "aria-describedby": `${id}-feedback`,
  });
  // The console checks the quantity itself (novalidate): its message sits under the field, tied to it, in the page's
  // words, rather than in the browser's popup.
  const form = h(
    "form",
    { class: "item", "aria-labelledby": `${id}-name`, novalidate: true },
    h("h4", { id: `${id}-name` }, item.name),
    h("p", { class: "sku" }, h("span", { class: "visually-hidden" }, "SKU "), item.sku),
    // The chosen store's stock of it, filled in (and kept current) by the menu panel.
    h("p", { class: "stock", "data-stock-sku": item.sku }),
    sizePicker,
    optionPicker,
    h(
      "div",
      { class: "add-row" },
      h("label", { for: `${id}-qty` }, "Qty"),
      quantityInput,
      h("button", { type: "submit", "aria-label": `Add ${item.name} to the order` }, "Add"),
    ),
    feedback,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const quantity = Number(data.get("quantity"));
    const badQuantity = !(Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY);
    const refused = badQuantity
      ? `Quantity: a whole number from 1 to ${MAX_LINE_QUANTITY}.`
      : onAdd({
          sku: item.sku,
          size: (data.get(`${id}-size`) as Size | null) ?? defaultSize,
          quantity,
          options: data.getAll(`${id}-option`).map(String),
        });
    feedback.textContent = refused ?? `Added ${item.name}.`;
    feedback.classList.toggle("error", refused !== undefined);
    if (badQuantity) {
      quantityInput.setAttribute("aria-invalid", "true");
      quantityInput.focus();
    } else quantityInput.removeAttribute("aria-invalid");
  });
  return form;
}

/** The categories as tabs: the current one pressed, each a button that asks for its items. */
export function categoryTabs(current: MenuCategory, onSelect: (category: MenuCategory) => void): HTMLElement {
  return h(
    "div",
    { class: "tabs", role: "group", "aria-label": "Menu categories" },
    categories.map((category) =>
      h("button", { type: "button", class: "tab", "aria-pressed": category === current ? "true" : "false", "data-focus": `tab-${category}`, onclick: () => onSelect(category) }, CATEGORY_TITLES[category]),
    ),
  );
}

/** One category's items; each item is its own small form, so picking a size or options never re-renders the page. */
export function categoryView(category: MenuCategory, items: readonly MenuItem[], onAdd: AddToCart): HTMLElement {
  return h(
    "section",
    { class: "category", "aria-labelledby": `category-${category}` },
    h("h3", { id: `category-${category}` }, CATEGORY_TITLES[category]),
    items.length === 0 ? h("p", { class: "muted" }, "Nothing on sale in this category right now.") : h("div", { class: "items" }, items.map((item) => itemCard(item, onAdd))),
  );
}
