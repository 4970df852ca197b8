/** Small queries over the resources a synthesis recorded, so the architecture tests read as assertions. */
import type { MockedResource, Synthesis } from "../../offline/sst-runtime.ts";

/** Pulumi's marker for a secret value in serialized inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Inputs with Pulumi secrets unwrapped to their plain values. */
export function plain(value: any): any {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    if (SECRET_SIG in value) return plain(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function ofType(s: Synthesis, type: string): MockedResource[] {
  return s.resources.filter((r) => r.type === type).map((r) => ({ ...r, inputs: plain(r.inputs) }));
}

export function named(s: Synthesis, type: string, name: string): MockedResource {
  const found = ofType(s, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; have ${ofType(s, type).map((r) => r.name).join(", ")}`);
  return found;
}

/** The single resource of a type whose `inputs[field]` equals `value`. */
export function withInput(s: Synthesis, type: string, field: string, value: unknown): MockedResource {
  const found = ofType(s, type).filter((r) => r.inputs[field] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${field}=${String(value)}, found ${found.length}`);
  return found[0]!;
}

/** The id and ARN the mock provider gives a resource (see mockState in sst-runtime.ts). */
export const idOf = (r: MockedResource) => `${r.name}-id`;
export const arnOf = (r: MockedResource) => `arn:aws:${r.type.split(":")[1]!.split("/")[0]}:us-east-1:123456789012:${r.name}`;

/** Every IAM policy document in the program: inline role policies, role policies and managed policies. */
export function policyDocuments(s: Synthesis): { owner: string; document: any }[] {
  const docs: { owner: string; document: any }[] = [];
  const parse = (doc: unknown) => (typeof doc === "string" ? JSON.parse(doc) : doc);
  for (const role of ofType(s, "aws:iam/role:Role")) {
    for (const inline of role.inputs.inlinePolicies ?? []) {
      if (inline.policy) docs.push({ owner: role.name, document: parse(inline.policy) });
    }
  }
  for (const type of ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"]) {
    for (const policy of ofType(s, type)) docs.push({ owner: policy.name, document: parse(policy.inputs.policy) });
  }
  return docs;
}

/** The statements of a function's role (SST puts them inline), found through the function's `role` ARN. */
export function roleStatements(s: Synthesis, fn: MockedResource): any[] {
  const role = ofType(s, "aws:iam/role:Role").find((r) => arnOf(r) === fn.inputs.role);
  if (!role) throw new Error(`no role for ${fn.name}`);
  return (role.inputs.inlinePolicies ?? []).flatMap((inline: any) => JSON.parse(inline.policy).Statement);
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
