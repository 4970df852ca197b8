import { z } from "zod";
import { parseOrThrow } from "@cloudcafe/core";

/** Lambda's own ceiling is 15 minutes; the run stops 30 s before so the report is still returned. */
export const LAMBDA_MAX_RUN_SECONDS = 15 * 60 - 30;

const environment = z.object({
  /** Module the avalanche invokes; the payment processor's handler unless a deployment bundles it elsewhere. */
  PAYMENT_HANDLER_MODULE: z.string().min(1).optional(),
  /** Set by infra on the deployed avalanche function: it then invokes that function through the Lambda API. */
  PAYMENT_FUNCTION_NAME: z.string().min(1).optional(),
  /** `in-thread` in the deployed (bundled) functions; worker threads when run from sources. */
  STRESS_POOL: z.enum(["threads", "in-thread"]).default("threads"),
});

export interface StressFunctionConfig {
  /** Resolved when the avalanche asks for it: other scenarios' bundles do not contain the payment package. */
  paymentHandlerModule: () => string;
  /** The deployed payment processor the avalanche invokes; absent when it runs handlers in-process. */
  paymentFunctionName?: string;
  pool: "threads" | "in-thread";
}

let config: StressFunctionConfig | undefined;

/** Read once per instance, on first use, so an invalid setting fails the invocation that needs it with a clear message. */
export function stressFunctionConfig(): StressFunctionConfig {
  if (!config) {
    const env = parseOrThrow(environment, process.env, "stress function environment");
    config = {
      paymentHandlerModule: () => env.PAYMENT_HANDLER_MODULE ?? import.meta.resolve("@cloudcafe/payment/lambda"),
      ...(env.PAYMENT_FUNCTION_NAME ? { paymentFunctionName: env.PAYMENT_FUNCTION_NAME } : {}),
      pool: env.STRESS_POOL,
    };
  }
  return config;
}
