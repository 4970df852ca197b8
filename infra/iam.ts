/** Roles assumed by AWS services, with AWS-managed policies attached by ARN (never inline wildcards). */
export function serviceRole(name: string, service: string, managedPolicies: readonly string[] = []) {
  return serviceRoleWithAttachments(name, service, managedPolicies).role;
}

/** The same role with its policy attachments, for a resource that must not be created before the role can act. */
export function serviceRoleWithAttachments(name: string, service: string, managedPolicies: readonly string[]) {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: service }),
  });
  const attachments = managedPolicies.map(
    (policy) => new aws.iam.RolePolicyAttachment(`${name}${policy.split("/").pop()}`, { role: role.name, policyArn: policy }),
  );
  return { role, attachments };
}

export const managedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
