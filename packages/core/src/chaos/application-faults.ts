import { z } from "zod";

/**
 * Application faults: failures the deployed code causes in itself because no AWS service can cause them from outside
 * (FIS has no DynamoDB throttle, no "NAT gateway down" for one dependency, ...). They are named, documented flags with a
 * known effect on a named signal (the fault registry, `@cloudcafe/catalog` `faults`). The code reads the active ones
 * from the stage's fault parameter (SSM, deployed) or from the local control plane (HTTP); both hold one JSON object
 * keyed by fault id, each entry with its injection id, expiry and parameters.
 */
export const activeApplicationFaultSchema = z.object({
  injectionId: z.string().min(1),
  expiresAt: z.iso.datetime(),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type ActiveApplicationFaultEntry = z.output<typeof activeApplicationFaultSchema>;

/** The fault parameter's value; unknown ids are kept (a newer writer), entries that fail their schema are not. */
export const applicationFaultsDocumentSchema = z.record(z.string(), z.unknown());

/** Entries whose expiry has passed are ignored by every reader: a parameter nobody cleaned up still ends the fault. */
export function activeEntry(document: Record<string, unknown>, faultId: string, now: Date): ActiveApplicationFaultEntry | undefined {
  const parsed = activeApplicationFaultSchema.safeParse(document[faultId]);
  if (!parsed.success) return undefined;
  return Date.parse(parsed.data.expiresAt) > now.getTime() ? parsed.data : undefined;
}

/** Where the code learns which application faults are active: one port, an SSM and an HTTP adapter. */
export interface ApplicationFaultSource {
  /** The fault's entry while it is active, else undefined. Cached by the adapter for a few seconds. */
  active(faultId: string): Promise<ActiveApplicationFaultEntry | undefined>;
}

/** No fault is ever active: what runs when no fault parameter or control plane is configured. */
export const noApplicationFaults: ApplicationFaultSource = { active: async () => undefined };

/** The parameters of `dynamodb-throttling`: the share of calls that fail, and which error DynamoDB answers. */
export const dynamoThrottlingParameters = z.object({
  percent: z.coerce.number().min(1).max(100).default(50),
  error: z.enum(["ProvisionedThroughputExceededException", "ThrottlingException"]).default("ProvisionedThroughputExceededException"),
});

/** The parameters of `nat-gateway-failure`: how long a call to the payment gateway hangs before it fails as a timeout. */
export const egressFailureParameters = z.object({
  timeoutMs: z.coerce.number().int().min(0).max(30_000).default(2_000),
});

/** The parameters of `lambda-throttling`: the functions whose invocations are throttled (comma-separated names). */
export const functionThrottlingParameters = z.object({
  functions: z.string().min(1).default("payment-processor"),
});

/** The parameters of `redis-eviction-pressure` where the code causes it: how full to fill the cache, and a cap per process. */
export const cacheBallastParameters = z.object({
  fillShare: z.coerce.number().min(0.5).max(1).default(0.98),
  maxBallastBytes: z.coerce.number().int().min(1).max(1024 * 1024 * 1024).default(256 * 1024 * 1024),
});
