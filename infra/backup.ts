/**
 * Disaster recovery beyond the engines' own automated backups (Aurora 7 days, DynamoDB PITR): an AWS Backup plan
 * taking daily snapshots of the critical and important stores into an encrypted vault, kept longer in production.
 */
import { managedPolicy, serviceRole } from "./iam.ts";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

export const BACKUP_SCHEDULE = "cron(0 5 * * ? *)";
export const backupRetentionDays = (settings: StageSettings) => (settings.production ? 35 : 7);

export function backupPlan(resourceArns: $util.Input<string>[], key: PlatformKey, settings: StageSettings) {
  const vault = new aws.backup.Vault("BackupVault", {
    name: stageName("backups"),
    kmsKeyArn: key.arn,
    forceDestroy: !settings.production,
  });
  const plan = new aws.backup.Plan("BackupPlan", {
    name: stageName("daily"),
    rules: [
      {
        ruleName: "daily",
        targetVaultName: vault.name,
        schedule: BACKUP_SCHEDULE,
        lifecycle: { deleteAfter: backupRetentionDays(settings) },
      },
    ],
  });
  const role = serviceRole("BackupRole", "backup.amazonaws.com", [
    managedPolicy("service-role/AWSBackupServiceRolePolicyForBackup"),
    managedPolicy("service-role/AWSBackupServiceRolePolicyForRestores"),
  ]);
  new aws.backup.Selection("BackupSelection", {
    name: stageName("stores"),
    planId: plan.id,
    iamRoleArn: role.arn,
    resources: resourceArns,
  });
  return plan;
}
