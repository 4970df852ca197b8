import { DeregisterTargetsCommand, RegisterTargetsCommand, VPCLatticeClient } from "@aws-sdk/client-vpc-lattice";

export interface LatticeTargetRegistrationOptions {
  /** The service's VPC Lattice target group (type IP). */
  targetGroupArn: string;
  /** This process's address and port (a pod's IP from the downward API). */
  ip: string;
  port: number;
  client?: VPCLatticeClient;
}

/**
 * A pod putting itself in its VPC Lattice target group once it is ready, and taking itself out when it drains, as ECS
 * does for its tasks. A pod that dies without deregistering fails the target group's health check and gets no traffic.
 */
export function latticeTargetRegistration(options: LatticeTargetRegistrationOptions) {
  const client = options.client ?? new VPCLatticeClient({ maxAttempts: 5 });
  const targets = [{ id: options.ip, port: options.port }];
  return {
    async register(): Promise<void> {
      const { unsuccessful = [] } = await client.send(new RegisterTargetsCommand({ targetGroupIdentifier: options.targetGroupArn, targets }));
      if (unsuccessful.length > 0) throw new Error(`VPC Lattice refused ${options.ip}:${options.port}: ${unsuccessful.map((failure) => failure.failureMessage).join("; ")}`);
    },
    async deregister(): Promise<void> {
      await client.send(new DeregisterTargetsCommand({ targetGroupIdentifier: options.targetGroupArn, targets }));
    },
  };
}
