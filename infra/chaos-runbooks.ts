/**
 * SSM Automation runbooks for the failure scenarios FIS has no action for but can run through its
 * `aws:ssm:start-automation-execution` action: each is apply -> wait -> restore, and both apply and wait go to restore
 * on failure and on cancel, so an experiment that FIS stops (its stop alarm fired) still undoes its change. The
 * exception is the ALB rule deletion, whose recovery the architecture gives as a manual re-apply of the stack.
 */
import { serviceRole } from "./iam.ts";
import { pascalCase, stageName } from "./naming.ts";

/** One `aws:executeAwsApi` call: service namespace as the SDK names it, API name and its inputs. */
interface ApiCall {
  readonly service: string;
  readonly api: string;
  readonly inputs: Record<string, unknown>;
}

interface RunbookSpec {
  readonly description: string;
  /** Parameters besides the assumed role, with their SSM types. */
  readonly parameters: Record<string, { readonly type: "String" | "Integer" | "StringList"; readonly description: string }>;
  readonly apply: readonly ApiCall[];
  /** Absent: nothing to restore (a manual recovery). */
  readonly restore?: readonly ApiCall[];
  /** IAM actions and resources the automation role needs for apply and restore. */
  readonly permissions: readonly { readonly actions: readonly string[]; readonly resources: readonly $util.Input<string>[] }[];
}

const apiStep = (name: string, call: ApiCall, restore: boolean) => ({
  name,
  action: "aws:executeAwsApi",
  inputs: { Service: call.service, Api: call.api, ...call.inputs },
  ...(restore ? { onFailure: "step:restore0", onCancel: "step:restore0" } : {}),
});

/** The runbook's document content (schema 0.3): apply steps, a wait of `{{Duration}}`, restore steps. */
export function runbookContent(spec: RunbookSpec) {
  const restores = spec.restore ?? [];
  const canRestore = restores.length > 0;
  const parameters = {
    AutomationAssumeRole: { type: "String", description: "The role the automation runs as" },
    ...(canRestore ? { Duration: { type: "String", description: "How long the fault lasts (ISO 8601, e.g. PT2M)" } } : {}),
    ...spec.parameters,
  };
  const steps = [
    ...spec.apply.map((call, i) => apiStep(`apply${i}`, call, canRestore)),
    ...(canRestore
      ? [
          { name: "wait", action: "aws:sleep", inputs: { Duration: "{{Duration}}" }, onFailure: "step:restore0", onCancel: "step:restore0" },
          ...restores.map((call, i) => ({
            ...apiStep(`restore${i}`, call, false),
            // A restore that fails must fail the execution, never be skipped: the fault would stay in place.
            isCritical: true,
            ...(i === restores.length - 1 ? { isEnd: true } : {}),
          })),
        ]
      : []),
  ];
  return {
    schemaVersion: "0.3",
    description: spec.description,
    assumeRole: "{{AutomationAssumeRole}}",
    parameters,
    mainSteps: steps,
  };
}

/**
 * The runbook as an SSM Automation document, with the role it runs as (assumed by Systems Manager, allowed exactly
 * its API calls). FIS starts it with that role and the experiment's parameters.
 */
export function runbook(name: string, spec: RunbookSpec) {
  const role = serviceRole(`Runbook${name}Role`, "ssm.amazonaws.com");
  new aws.iam.RolePolicy(`Runbook${name}Policy`, {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: spec.permissions.map((p) => ({ Effect: "Allow", Action: p.actions, Resource: p.resources })),
    }),
  });
  const document = new aws.ssm.Document(`Runbook${name}`, {
    name: stageName(`chaos-${name.replace(/[A-Z]/g, (c, i: number) => `${i ? "-" : ""}${c.toLowerCase()}`)}`),
    documentType: "Automation",
    documentFormat: "JSON",
    content: $jsonStringify(runbookContent(spec)),
  });
  return { document, role, name: pascalCase(name) };
}

export type Runbook = ReturnType<typeof runbook>;
export type { RunbookSpec };
