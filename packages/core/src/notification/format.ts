/** Cents as US dollars, the way a receipt shows them. */
export const formatUsd = (cents: number) => `$${(cents / 100).toFixed(2)}`;
