export type Child = Node | string | number | false | null | undefined | readonly Child[];
type AttrValue = string | number | boolean | undefined | ((event: Event) => void);
export type Attrs = Record<string, AttrValue>;

/** Form state that must be set as a property: the attribute is only the initial value. */
const PROPERTIES = new Set(["value", "checked"]);

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function apply(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (PROPERTIES.has(name)) Object.assign(element, { [name]: value });
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

/** Builds an HTML element: attributes, `on*` listeners, and children (nested arrays and falsy values allowed). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

/**
 * Replaces a region's content, giving keyboard focus back to the element with the same `data-focus` key and
 * reopening `<details>` with the same `data-keep` key, so a live re-render (status polling, quantity steppers)
 * neither throws a keyboard user back to the top of the page nor folds what the user unfolded. When the focused
 * element is gone or disabled (a removed line, a button locked while its request runs), focus moves to the region's
 * `data-focus-fallback` element (its message or heading) instead of dropping to the page.
 */
export function replaceContent(container: Element, ...children: Child[]): void {
  const active = document.activeElement;
  const hadFocus = active instanceof HTMLElement && container.contains(active);
  const focusKey = hadFocus ? active.dataset.focus : undefined;
  const open = new Set(Array.from(container.querySelectorAll<HTMLDetailsElement>("details[data-keep][open]"), (details) => details.dataset.keep));
  container.replaceChildren();
  append(container, children);
  for (const details of container.querySelectorAll<HTMLDetailsElement>("details[data-keep]")) details.open ||= open.has(details.dataset.keep);
  if (!hadFocus) return;
  const keyed = focusKey ? container.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`) : null;
  if (keyed && !keyed.matches(":disabled")) keyed.focus();
  else focusFallback(container);
}

/** Moves focus to the region's `data-focus-fallback` element (the last one: the newest message), if it has one. */
export function focusFallback(container: Element): void {
  const fallbacks = container.querySelectorAll<HTMLElement>("[data-focus-fallback]");
  fallbacks[fallbacks.length - 1]?.focus();
}
