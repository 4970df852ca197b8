import { h } from "./dom.ts";

/** The rule the services apply to customer and store ids. */
export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const IDENTIFIER_RULE = "1-64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit";

/**
 * Shows a field's error under it, tied to it (`aria-invalid`, `aria-describedby`), in the page's words rather than the
 * browser's popup (the forms are `novalidate`), and takes focus to the field; without a message, clears it.
 */
export function fieldError(input: HTMLInputElement | HTMLSelectElement, message: string | undefined): void {
  const id = `${input.id}-error`;
  const describedBy = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((token) => token && token !== id);
  let note = input.ownerDocument.getElementById(id);
  if (!message) {
    note?.remove();
    input.removeAttribute("aria-invalid");
    if (describedBy.length > 0) input.setAttribute("aria-describedby", describedBy.join(" "));
    else input.removeAttribute("aria-describedby");
    return;
  }
  if (!note) {
    note = h("p", { id, class: "error field-error" });
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", [...describedBy, id].join(" "));
  input.focus();
}
