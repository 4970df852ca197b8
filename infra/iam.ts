/** Roles assumed by AWS services, with AWS-managed policies attached by ARN (never inline wildcards). */
export function serviceRole(name: string, service: string, managedPolicies: readonly string[] = []) {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: service }),
  });
  managedPolicies.forEach((policy) => {
    new aws.iam.RolePolicyAttachment(`${name}${policy.split("/").pop()}`, { role: role.name, policyArn: policy });
  });
  return role;
}

export const managedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
