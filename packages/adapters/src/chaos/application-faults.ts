import { FAULTS_PARAMETER_ENV } from "@cloudcafe/catalog";
import { type ApplicationFaultSource, noApplicationFaults } from "@cloudcafe/core";
import { createLogger } from "@cloudcafe/observability";
import { z } from "zod";
import { httpFaultControlPlane } from "./http-fault-control-plane.ts";
import { ssmFaultParameter } from "./ssm-fault-parameter.ts";

/** Set by `npm start` on every process it runs: where its chaos control plane serves the active application faults. */
export const FAULTS_URL_ENV = "CLOUDCAFE_FAULTS_URL";

const environment = z.object({
  [FAULTS_PARAMETER_ENV]: z.string().min(1).optional(),
  [FAULTS_URL_ENV]: z.string().url().optional(),
});

/**
 * The fault source this process is configured with: the stage's SSM parameter (deployed), the local control plane
 * (`npm start`), or none (tests, and stages without chaos): then no fault is ever active.
 */
export function applicationFaultSourceFrom(env: NodeJS.ProcessEnv): ApplicationFaultSource {
  const settings = environment.parse({ [FAULTS_PARAMETER_ENV]: env[FAULTS_PARAMETER_ENV] || undefined, [FAULTS_URL_ENV]: env[FAULTS_URL_ENV] || undefined });
  const logger = createLogger({ service: "application-faults" });
  const onReadFailure = (error: unknown) => logger.warn("active faults could not be read; the last ones read stay in force until they expire", { error });
  const parameterName = settings[FAULTS_PARAMETER_ENV];
  if (parameterName) return ssmFaultParameter({ parameterName, onReadFailure });
  const url = settings[FAULTS_URL_ENV];
  if (url) return httpFaultControlPlane({ url, onReadFailure });
  return noApplicationFaults;
}

let shared: ApplicationFaultSource | undefined;

/** The process's fault source, made once from its environment. */
export function applicationFaults(): ApplicationFaultSource {
  shared ??= applicationFaultSourceFrom(process.env);
  return shared;
}
