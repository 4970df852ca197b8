import type { sleep } from "@cloudcafe/core/sleep";

/** How the console waits between polls and retries; tests inject one that records the delay and returns at once. */
export type Sleep = typeof sleep;
