/**
 * User data for the EC2 services (loyalty, analytics). It installs Docker and the CloudWatch agent (memory, disk and
 * the service journal) and writes the `cloudcafe@<service>` systemd unit that runs the service's image with
 * `Restart=always`. The unit is enabled by the service itself when it lands (`startCommand`), so nothing starts code
 * that does not exist yet.
 */
export interface Ec2ServiceBoot {
  readonly service: string;
  readonly region: string;
  readonly logGroupName: string;
  readonly metricNamespace: string;
  readonly imageRepositoryUrl: string;
  /** Shell run last, e.g. `systemctl enable --now cloudcafe@loyalty`; empty until the service exists. */
  readonly startCommand?: string;
}

export const SYSTEMD_UNIT = "cloudcafe@.service";

export function cloudWatchAgentConfig(boot: Ec2ServiceBoot) {
  return {
    agent: { metrics_collection_interval: 60 },
    metrics: {
      namespace: boot.metricNamespace,
      append_dimensions: { AutoScalingGroupName: "${aws:AutoScalingGroupName}", InstanceId: "${aws:InstanceId}" },
      aggregation_dimensions: [["AutoScalingGroupName"]],
      metrics_collected: {
        cpu: { measurement: ["usage_active", "usage_iowait"], totalcpu: true },
        mem: { measurement: ["mem_used_percent"] },
        disk: { measurement: ["used_percent"], resources: ["/"] },
      },
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: [{ file_path: `/var/log/cloudcafe/${boot.service}.log`, log_group_name: boot.logGroupName }],
        },
      },
    },
  };
}

export function userData(boot: Ec2ServiceBoot): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "dnf install -y docker amazon-cloudwatch-agent",
    "systemctl enable --now docker",
    "mkdir -p /var/log/cloudcafe",
    `cat > /opt/aws/amazon-cloudwatch-agent/etc/cloudcafe.json <<'JSON'`,
    JSON.stringify(cloudWatchAgentConfig(boot)),
    "JSON",
    "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/cloudcafe.json",
    `cat > /etc/systemd/system/${SYSTEMD_UNIT} <<'UNIT'`,
    "[Unit]",
    "Description=CloudCafe %i service",
    "After=docker.service network-online.target",
    "Requires=docker.service",
    "[Service]",
    "Restart=always",
    "RestartSec=5",
    `ExecStartPre=/bin/sh -c 'aws ecr get-login-password --region ${boot.region} | docker login --username AWS --password-stdin ${boot.imageRepositoryUrl.split("/")[0]}'`,
    `ExecStartPre=/usr/bin/docker pull ${boot.imageRepositoryUrl}:%i`,
    `ExecStart=/bin/sh -c '/usr/bin/docker run --rm --name %i --network host ${boot.imageRepositoryUrl}:%i >> /var/log/cloudcafe/%i.log 2>&1'`,
    "ExecStop=/usr/bin/docker stop %i",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    boot.startCommand ?? "",
  ].join("\n");
}
