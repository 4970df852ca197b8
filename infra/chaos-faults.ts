/**
 * The stage's fault parameter: the application-level faults of the fault registry (those FIS has no action for) that
 * the deployed code reads and acts on, as the local control plane serves them on a laptop. An operator (or the game
 * day runbook) writes it; the stack creates it empty and never overwrites what an experiment put there.
 */
import { FAULTS_PARAMETER_ENV } from "@cloudcafe/catalog";
import { stageName } from "./naming.ts";

export const faultParameterName = () => `/${stageName("chaos")}/faults`;

export function faultParameter() {
  const parameter = new aws.ssm.Parameter(
    "ChaosFaultParameter",
    {
      name: faultParameterName(),
      description: "Active application-level faults (JSON by fault id); see the fault registry in packages/catalog",
      type: "String",
      value: "{}",
    },
    // The value is the experiment's, not the stack's: a deploy in the middle of a game day must not revert it.
    { ignoreChanges: ["value"] },
  );
  return {
    parameter,
    /** What a reader gets in its environment: the parameter's name. */
    environment: { [FAULTS_PARAMETER_ENV]: parameter.name } as Record<string, $util.Input<string>>,
    /** Linked to a function or service: read access to this parameter alone. */
    link: new sst.Linkable("ChaosFaults", {
      properties: { name: parameter.name },
      include: [sst.aws.permission({ actions: ["ssm:GetParameter"], resources: [parameter.arn] })],
    }),
  };
}

export type FaultParameter = ReturnType<typeof faultParameter>;
