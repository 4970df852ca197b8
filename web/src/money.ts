const formatters = new Map<string, Intl.NumberFormat>();

/** Integer cents as a currency amount ("$1,234.56"); the services never send fractions of a cent. */
export function formatCents(cents: number, currency = "USD"): string {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", { style: "currency", currency });
    formatters.set(currency, formatter);
  }
  return formatter.format(cents / 100);
}

/** A fraction of CPU as a whole percentage ("95%"). */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
